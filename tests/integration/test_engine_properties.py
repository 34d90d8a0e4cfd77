"""Hypothesis properties through the SERVICE layer on a real db: every stored sale reconciles,
tax summary equals document tax, split tenders cover exactly with rounding, refunds never
exceed what was sold and paid."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pos_desktop.domain.discounts import Discount
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.pricing_service import seed_demo_promotions
from pos_desktop.services.returns import ReturnsService
from tests.approvals import approval

FIXTURES = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
lines = st.lists(st.tuples(st.integers(1, 60), st.integers(1, 4)), min_size=1, max_size=8)
discounts = st.one_of(
    st.none(),
    st.builds(lambda p: Discount(percent=Decimal(p)), st.integers(1, 60)),
    st.builds(lambda a: Discount(amount_minor=a), st.integers(1, 150)),
)


def ring_up(till, items, line_discount, order_discount):
    co = till.checkout
    if not co.cart.is_empty:
        co.cancel_sale(approval(till.auth, Action.CANCEL_SALE))
    for n, qty in items:
        co.scan(demo_ean13(n))
        co.set_quantity(co.cart.lines[-1].line_id, co.cart.lines[-1].quantity + qty - 1)
    try:
        if line_discount:
            line_id = co.cart.lines[0].line_id
            token = approval(till.auth, Action.DISCOUNT_OVER_LIMIT, line_id)
            co.set_line_discount(line_id, line_discount, token)
        if order_discount:
            co.set_order_discount(order_discount, approval(till.auth, Action.DISCOUNT_OVER_LIMIT))
    except DomainError:
        pass  # an amount larger than the line: refused, nothing changed


def check_sale(sale):
    assert sale.subtotal_minor + sale.tax_minor == sale.total_minor
    assert sum(r.tax for r in sale.tax_summary) == sale.tax_minor
    assert sum(r.gross for r in sale.tax_summary) == sale.total_minor
    assert sum(ln.amount_minor for ln in sale.lines) == sale.total_minor  # prices incl. tax
    for ln in sale.lines:
        assert ln.regular_minor - ln.savings_minor == ln.amount_minor
        assert ln.amount_minor >= 0
    assert sale.paid_minor == sale.total_minor + sale.rounding_minor


@FIXTURES
@given(
    items=lines,
    line_discount=discounts,
    order_discount=discounts,
    voucher=st.integers(0, 3000),
    other=st.integers(0, 2000),
    increment=st.sampled_from([1, 5, 10]),
)
def test_split_tender_sales_reconcile(
    till, items, line_discount, order_discount, voucher, other, increment
):
    seed_demo_promotions(till.db, now=till.clock.now())
    till.checkout.checkout_settings = CheckoutSettings(
        cash_increment_minor=increment, max_discount_percent=Decimal(100)
    )
    ring_up(till, items, line_discount, order_discount)
    co = till.checkout
    priced = co.price()
    if priced.total_minor <= 0:
        return
    split = co.new_tender(priced)
    if voucher:
        till.db.execute_sql(
            "UPDATE gift_voucher SET balance_minor = ? WHERE code = 'GIFT-5000'", (voucher,)
        )
        split.add_voucher(co.voucher_balance("GIFT-5000"), code="GIFT-5000")
    if other and not split.is_settled and other < split.remaining_minor:
        split.add_other(Money(other, "EUR"), name="Mobile wallet")
    if not split.is_settled:
        split.add_cash(Money(split.cash_due_minor + 37, "EUR"))
    assert split.is_settled
    sale = co.complete_split(split, priced=priced)
    check_sale(sale)
    assert abs(sale.rounding_minor) * 2 <= increment
    assert sale.change_minor == 37 or sale.change_minor == 0


@FIXTURES
@given(items=lines, picks=st.lists(st.tuples(st.integers(0, 7), st.integers(1, 5)), max_size=6))
def test_refunds_never_exceed(till, items, picks):
    till.checkout.checkout_settings = CheckoutSettings(cash_increment_minor=5)
    ring_up(till, items, None, None)
    sale = till.checkout.pay_cash(Money(100_000, "EUR"))
    check_sale(sale)
    returns = ReturnsService(till.db, till.sales, till.checkout, till.clock)
    for index, qty in picks:
        line = sale.lines[index % len(sale.lines)]
        try:
            returns.refund(
                sale,
                [ReturnItem(line.line_id, Decimal(qty))],
                approval=approval(till.auth, Action.REFUND, sale.sale_id),
            )
        except DomainError:
            assert qty > returns.returnable(sale)[line.line_id]
    previous = returns.previous(sale)
    assert sum(r.payout_minor for r in previous) <= sale.paid_minor
    for line in sale.lines:
        given_back = sum(
            (rl.quantity for r in previous for rl in r.lines if rl.line_id == line.line_id),
            Decimal(0),
        )
        assert given_back <= line.quantity
    if all(v == 0 for v in returns.returnable(sale).values()):
        assert sum(r.payout_minor for r in previous) == sale.paid_minor
