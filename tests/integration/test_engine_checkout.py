"""The checkout engine through the services and a real db: promotions, discounts, tenders,
vouchers, cash rounding, scan paths and the receipt."""

from decimal import Decimal

import pytest

from hardware.escpos_parse import parse_escpos
from pos_desktop.domain.barcodes import parse_scan
from pos_desktop.domain.discounts import Discount
from pos_desktop.domain.errors import PaymentError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.staff import Action
from pos_desktop.domain.variable_measure import encode_variable_measure
from pos_desktop.services.auth import ApprovalRequired
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.pricing_service import seed_demo_promotions
from pos_desktop.storage import audit
from pos_desktop.storage.catalog_repo import ProductRecord, upsert_products
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.storage.sales_repo import sale_from_payload
from tests.approvals import approval


@pytest.fixture
def engine_till(till):
    seed_demo_promotions(till.db, now=till.clock.now())
    till.checkout.checkout_settings = CheckoutSettings(cash_increment_minor=5)
    return till


def line_row(db, sale_id):
    return db.execute_sql(
        "SELECT name, amount_minor, regular_minor, promotion_minor, discount_minor, promotions "
        "FROM sale_line WHERE sale_id = ? ORDER BY position",
        (sale_id,),
    ).fetchall()


def test_promotion_priced_stored_and_printed(engine_till, sim_printer):
    co = engine_till.checkout
    co.scan(demo_ean13(1))
    co.scan(demo_ean13(1))  # Whole milk 1.29 x 2 -> "2 for 2.00"
    priced = co.price()
    assert priced.total_minor == 200 and priced.savings_minor == 58
    sale = co.pay_cash(Money(500, "EUR"))
    assert sale.total_minor == 200 and sale.savings_minor == 58 and sale.change_minor == 300
    ((name, amount, regular, promo, discount, promos),) = line_row(engine_till.db, sale.sale_id)
    assert (amount, regular, promo, discount) == (200, 258, 58, 0)
    assert "Milk 2 for 2.00" in promos
    # the stored sale reads back exactly (journal payload)
    assert sale_from_payload(engine_till.sales.payload(sale.sale_id)).lines == sale.lines
    engine_till.printing.print_sale(sale).result(timeout=10)
    text = parse_escpos(b"".join(sim_printer.jobs)).text
    assert "Milk 2 for 2.00" in text and "You saved" in text


def test_cash_rounding_recorded_on_the_sale(engine_till):
    co = engine_till.checkout
    co.scan(demo_ean13(2))  # 1.19 -> cash due 1.20
    with pytest.raises(PaymentError, match="short"):
        co.pay_cash(Money(115, "EUR"))
    sale = co.pay_cash(Money(200, "EUR"))
    assert sale.rounding_minor == 1 and sale.paid_minor == sale.total_minor + 1
    assert sale.change_minor == 80
    row = engine_till.db.execute_sql("SELECT rounding_minor FROM sale").fetchone()
    assert row == (1,)


def test_split_voucher_and_cash_redeems_in_the_sale_transaction(engine_till):
    co = engine_till.checkout
    co.scan(demo_ean13(30))
    co.set_quantity(co.cart.lines[0].line_id, 20)
    split = co.new_tender()
    balance = co.voucher_balance("GIFT-1000")
    voucher = split.add_voucher(balance, code="GIFT-1000")
    split.add_cash(Money(split.cash_due_minor + 100, "EUR"))
    sale = co.complete_split(split)
    assert [p.tender for p in sale.payments] == ["voucher", "cash"]
    assert sale.paid_minor == sale.total_minor + sale.rounding_minor
    assert voucher.amount_minor == 1000 and sale.payments[0].reference == "GIFT-1000"
    row = engine_till.db.execute_sql("SELECT balance_minor FROM gift_voucher WHERE code = ?",
                                     ("GIFT-1000",)).fetchone()  # fmt: skip
    assert row == (0,)


def test_voucher_overdrawn_meanwhile_stores_nothing(engine_till):
    co = engine_till.checkout
    co.scan(demo_ean13(30))
    co.set_quantity(co.cart.lines[0].line_id, 20)
    split = co.new_tender()
    split.add_voucher(co.voucher_balance("GIFT-1000"), code="GIFT-1000")
    split.add_cash(Money(10_000, "EUR"))
    engine_till.db.execute_sql("UPDATE gift_voucher SET balance_minor = 1 WHERE code = 'GIFT-1000'")
    with pytest.raises(PaymentError, match="GIFT-1000"):
        co.complete_split(split)
    assert engine_till.sales.count() == 0 and not co.cart.is_empty
    assert engine_till.db.execute_sql("SELECT last_number FROM receipt_counter").fetchone() == (0,)


def test_discounts_and_overrides_need_approval_tokens(engine_till):
    co, auth = engine_till.checkout, engine_till.auth
    co.scan(demo_ean13(40))
    co.scan(demo_ean13(41))
    first, second = co.cart.lines
    co.set_line_discount(first.line_id, Discount(percent=Decimal(5)))  # within the limit
    with pytest.raises(ApprovalRequired, match=r"Discount of 15 % on a line .*\(10 %\)"):
        co.set_line_discount(first.line_id, Discount(percent=Decimal(15)))
    assert co.cart.line_discounts[first.line_id].percent == 5  # unchanged
    wrong_line = approval(auth, Action.DISCOUNT_OVER_LIMIT, second.line_id)
    with pytest.raises(ApprovalRequired, match="another item"):
        co.set_line_discount(first.line_id, Discount(percent=Decimal(15)), wrong_line)
    assert co.cart.line_discounts[first.line_id].percent == 5
    token = approval(auth, Action.DISCOUNT_OVER_LIMIT, first.line_id)
    co.set_line_discount(first.line_id, Discount(percent=Decimal(15)), token)
    assert co.cart.line_discounts[first.line_id].percent == 15
    with pytest.raises(ApprovalRequired):
        co.override_price(second.line_id, 1, "Damaged", None)
    co.override_price(
        second.line_id, 50, "Damaged", approval(auth, Action.PRICE_OVERRIDE, second.line_id)
    )
    co.set_order_discount(Discount(amount_minor=7))
    priced = co.price()
    assert sum(ln.order_discount_minor for ln in priced.lines) == 7
    sale = co.pay_cash(Money(10_000, "EUR"))
    assert sale.lines[1].unit_price_minor == 50 and sale.lines[1].override_reason == "Damaged"
    assert sale.total_minor == priced.total_minor
    assert sum(r.gross for r in sale.tax_summary) == sale.total_minor


def test_void_and_cancel_without_a_token_are_refused_and_with_one_recorded(engine_till):
    """A caller that is not the till's screen (POS API, CLI, a script) cannot skip approval."""
    co, auth, db = engine_till.checkout, engine_till.auth, engine_till.db
    co.scan(demo_ean13(40))
    co.scan(demo_ean13(41))
    first = co.cart.lines[0]
    with pytest.raises(ApprovalRequired, match="needs an approval"):
        co.remove_line(first.line_id, None)
    with pytest.raises(ApprovalRequired):
        co.cancel_sale(None)
    assert len(co.cart.lines) == 2
    line_amount = next(p for p in co.price().lines if p.line_id == first.line_id).tax.gross
    co.remove_line(first.line_id, approval(auth, Action.VOID_LINE, first.line_id))
    total = co.price().total_minor
    co.cancel_sale(approval(auth, Action.CANCEL_SALE))
    assert co.cart.is_empty
    rows = db.execute_sql(
        "SELECT kind, amount_minor, requester, approver, reason FROM void_record ORDER BY rowid"
    ).fetchall()
    assert rows == [
        ("line", line_amount, "Test Manager", "Test Manager", "MISSCAN"),
        ("sale", total, "Test Manager", "Test Manager", "CUSTOMER_CHANGED_MIND"),
    ]
    events = [e.event for e in audit.entries(db) if e.event.startswith("cart.")]
    assert events == ["cart.line_voided", "cart.sale_cancelled"]
    with pytest.raises(Exception, match="append-only"):
        db.execute_sql("DELETE FROM void_record")


def test_lowering_a_quantity_is_a_recorded_partial_void(engine_till):
    """Raising a quantity needs nothing; lowering it needs a VOID_LINE token, whoever calls."""
    co, auth, db = engine_till.checkout, engine_till.auth, engine_till.db
    co.scan(demo_ean13(40))
    line = co.cart.lines[0]
    co.set_quantity(line.line_id, 4)
    unit = co.price().lines[0].tax.gross // 4
    with pytest.raises(ApprovalRequired, match="needs an approval"):
        co.set_quantity(line.line_id, 1)
    assert line.quantity == 4
    wrong = approval(auth, Action.VOID_LINE, "another-line")
    with pytest.raises(ApprovalRequired, match="another item"):
        co.set_quantity(line.line_id, 1, wrong)
    co.set_quantity(line.line_id, 1, approval(auth, Action.VOID_LINE, line.line_id))
    assert line.quantity == 1
    row = db.execute_sql("SELECT kind, quantity, amount_minor, description FROM void_record")
    assert row.fetchall() == [("line", "3", 3 * unit, f"{line.item.name}: quantity 4 -> 1")]
    assert [e.event for e in audit.entries(db, "cart.quantity_lowered")] == [
        "cart.quantity_lowered"
    ]


def test_remove_line_drops_its_discount(engine_till):
    co = engine_till.checkout
    co.scan(demo_ean13(40))
    line = co.cart.lines[0]
    co.set_line_discount(line.line_id, Discount(amount_minor=10))
    co.remove_line(line.line_id, approval(engine_till.auth, Action.VOID_LINE, line.line_id))
    co.scan(demo_ean13(41))
    assert co.price().savings_minor == 0


def test_price_label_weight_label_and_expired_gs1(engine_till):
    db = engine_till.db
    label = encode_variable_measure("20", "4321", 1599, "SE")  # price 15.99
    weight = encode_variable_measure("23", "4322", 1250, "SE")  # 1.250 kg
    with db.atomic():
        upsert_products(db, [
            ProductRecord("cheese", "CHEESE", "Cheese by label", 2000, "B",
                          (parse_scan(label).gtin14,), sold_by_weight=True),
            ProductRecord("ham", "HAM", "Ham per kg", 1000, "B",
                          (parse_scan(weight).gtin14,), sold_by_weight=True),
            ProductRecord("fish", "FISH", "Salmon", 899, "B", ("07035876006187",)),
        ])  # fmt: skip
    co = engine_till.checkout
    assert co.scan(label).line.amount_minor == 1599
    assert co.scan(weight).line.amount_minor == 1250
    expired = co.scan("]C1010703587600618717240101")
    assert expired.ok and "EXPIRED" in expired.message and expired.warning
    fresh = co.scan("]C1010703587600618717301231")
    assert fresh.ok and fresh.warning is None
    assert co.price().total_minor == 1599 + 1250 + 899 + 899


def test_alternative_gtin_retry(engine_till):
    db = engine_till.db
    # 01234565 reads as UPC-E (-> 012345000065) when its EAN-8 reading finds no product.
    with db.atomic():
        upsert_products(db, [ProductRecord("upce", "UPCE", "UPC-E item", 100, "A",
                                           ("00012345000065",))])  # fmt: skip
    result = engine_till.checkout.scan("01234565")
    assert result.ok, result.message


def test_settings_are_read_from_the_db(till):
    save_checkout_settings(till.db, CheckoutSettings(cash_increment_minor=10,
                                                     other_tenders=("Invoice",)))  # fmt: skip
    from pos_desktop.container import build_checkout

    co = build_checkout(till.db, till.settings, till.catalog, till.sales, till.clock)
    assert co.checkout_settings.cash_increment_minor == 10
    assert co.checkout_settings.other_tenders == ("Invoice",)
    till.reload_checkout_settings()  # the running till reads them again the same way
    assert till.checkout.checkout_settings.cash_increment_minor == 10


def test_promotions_round_trip_with_groups_and_windows(till):
    from datetime import UTC, datetime, time

    from pos_desktop.domain.promotions import PercentOff, Window
    from pos_desktop.storage.promotion_repo import PromotionRepository, save_promotion, set_group

    window = Window(
        starts_at=datetime(2026, 1, 1, tzinfo=UTC),
        weekdays=frozenset({0, 3}),
        daily_start=time(8),
        daily_end=time(12),
    )
    promo = PercentOff(
        promotion_id="p1",
        name="Morning 5 %",
        product_ids=frozenset({"x"}),
        window=window,
        percent=Decimal("5.5"),
        priority=3,
        exclusive=True,
    )
    repo = PromotionRepository(till.db, recheck_after_s=0)
    with till.db.atomic():
        set_group(till.db, "g", ["demo-00000001", "demo-00000002"])
        save_promotion(till.db, promo, till.clock.now(), group_code="g")
    (loaded,) = repo.promotions()
    assert loaded.window == window and loaded.percent == Decimal("5.5")
    assert loaded.product_ids == {"x", "demo-00000001", "demo-00000002"}
    assert (loaded.priority, loaded.exclusive) == (3, True)
    set_group(till.db, "g", ["demo-00000003"])
    assert repo.promotions()[0].product_ids == {"x", "demo-00000003"}


def test_mix_and_match_over_a_product_group(engine_till):
    co = engine_till.checkout
    for n in (5, 6, 7):  # yoghurt, cheddar, mozzarella: any 3 for 5.00
        co.scan(demo_ean13(n))
    priced = co.price()
    assert priced.total_minor == 500
    assert {a.name for a in priced.promotions} == {"Any 3 cheese/yoghurt for 5.00"}


def test_receipt_shows_rounding_and_gift_receipt_has_no_prices(engine_till):
    from hardware.receipt import TextLine
    from pos_desktop.services.receipts import ReceiptBuilder

    co = engine_till.checkout
    co.scan(demo_ean13(2))  # 1.19: cash rounds to 1.20
    sale = co.pay_cash(Money(500, "EUR"))
    builder = ReceiptBuilder(engine_till.settings)
    text = "\n".join(b.text for b in builder.sale_receipt(sale).blocks if isinstance(b, TextLine))
    assert "Cash rounding" in text and "0.01" in text and "To pay" in text and "1.20" in text
    gift = builder.sale_receipt(sale, gift=True)
    gift_text = "\n".join(b.text for b in gift.blocks if isinstance(b, TextLine))
    assert "GIFT RECEIPT" in gift_text and "Semi-skimmed milk 1L" in gift_text
    assert "1.19" not in gift_text and "Cash" not in gift_text
