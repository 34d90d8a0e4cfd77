"""Expected cash equals what a drawer holds, to the cent, whatever a shift does.

A random shift of cash sales (with change and 0.05 cash rounding), split tenders, refunds,
exchanges, paid in/out, drops and no-sales runs through the real services on a real SQLite db;
a simulated drawer counts every note in and out. The X report's expected cash, summed from the
cash ledger, must equal the drawer, and a close counting the drawer must be exact.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Action, Role, StaffMember
from pos_desktop.domain.tender import CASH, SplitTender
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.services.ports import NoPrinter
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from tests.approvals import approval
from tests.conftest import FixedClock
from tests.integration.test_shifts_support import cheap_hasher

MANAGER = StaffMember("u-manager", "Manager", Role.MANAGER)
EUR = "EUR"

items = st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=4)
operation = st.one_of(
    st.tuples(st.just("sale"), items, st.integers(0, 5000)),
    st.tuples(st.just("split"), items, st.integers(1, 3000)),
    st.tuples(st.just("refund"), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("exchange"), st.integers(0, 99), items),
    st.tuples(st.sampled_from(["paid_in", "paid_out", "drop"]), st.integers(1, 20000)),
    st.tuples(st.just("no_sale")),
)


def _till(data_dir: Path):
    till = build_container(
        TillConfig(data_dir=data_dir, demo=True),
        Overrides(printer=NoPrinter(), clock=FixedClock(), hasher=cheap_hasher()),
    )
    write_demo_catalog(till.db, 40)
    save_checkout_settings(till.db, CheckoutSettings(cash_increment_minor=5))
    till.checkout.checkout_settings = CheckoutSettings(cash_increment_minor=5)
    till.checkout.cashier = "Cashier"
    return till


def _cash_in(payments) -> int:
    """What a drawer gains from a sale's payments: cash handed over less change given."""
    return sum(
        p.tendered.amount_minor - p.change.amount_minor for p in payments if p.tender == CASH
    )


def _cash_out(stored) -> int:
    return sum(t.amount_minor for t in stored.refund.tenders if t.kind == CASH)


def _scan(till, codes) -> None:
    for n in codes:
        assert till.checkout.scan(demo_ean13(n)).ok


def _settle_in_cash(split: SplitTender, extra: int) -> None:
    split.add_cash(Money(split.cash_due_minor + extra, EUR))


def run_shift(till, ops) -> int:
    """Carry out ``ops``; returns what the simulated drawer holds at the end."""
    shift = till.shifts.open_shift(MANAGER, CashCount.from_total(EUR, 7600))
    drawer = shift.float_count.total().amount_minor
    sales = []
    returns = till.returns
    for op in ops:
        kind = op[0]
        if kind == "sale":
            _scan(till, op[1])
            due = till.checkout.new_tender().cash_due_minor
            sale = till.checkout.pay_cash(Money(due + op[2], EUR))
            sales.append(sale)
            drawer += _cash_in(sale.payments)
        elif kind == "split":  # a cheque pays part, cash the rest (with change)
            _scan(till, op[1])
            split = till.checkout.new_tender()
            part = min(op[2], split.remaining_minor - 1)
            if part > 0:
                split.add_other(Money(part, EUR), name="Cheque")
            _settle_in_cash(split, 100)
            sale = till.checkout.complete_split(split)
            sales.append(sale)
            drawer += _cash_in(sale.payments)
        elif kind == "refund" and sales:
            sale = sales[op[1] % len(sales)]
            left = returns.returnable(sale)
            chosen = [
                ReturnItem(line_id, q if op[2] else Decimal(1))
                for line_id, q in left.items()
                if q > 0
            ]
            if not chosen:
                continue
            stored = returns.refund(
                sale,
                chosen[:1] if not op[2] else chosen,
                approval=approval(till.auth, Action.REFUND, sale.sale_id),
            )
            drawer -= _cash_out(stored)
        elif kind == "exchange" and sales:
            sale = sales[op[1] % len(sales)]
            chosen = [ReturnItem(i, q) for i, q in returns.returnable(sale).items() if q > 0]
            if not chosen:
                continue
            _scan(till, op[2])
            due = returns.exchange_due(sale, chosen[:1])
            extra = None
            if due > 0:
                extra = SplitTender(Money(due, EUR), cash_increment_minor=5)
                _settle_in_cash(extra, 50)
            stored, new_sale = returns.exchange(
                sale, chosen[:1], extra, approval=approval(till.auth, Action.REFUND, sale.sale_id)
            )
            sales.append(new_sale)
            drawer += _cash_in(new_sale.payments) - _cash_out(stored)
        elif kind in ("paid_in", "paid_out", "drop"):
            amount = op[1] if kind == "paid_in" else min(op[1], drawer)
            if amount <= 0:
                continue
            till.shifts.cash_movement(kind, MANAGER, Money(amount, EUR), "OTHER")
            drawer += amount if kind == "paid_in" else -amount
        elif kind == "no_sale":
            till.shifts.cash_movement("no_sale", MANAGER, None, "OTHER")
    return drawer


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(operation, min_size=1, max_size=12))
def test_expected_cash_is_what_the_drawer_holds(ops):
    with tempfile.TemporaryDirectory() as tmp:
        till = _till(Path(tmp))
        try:
            drawer = run_shift(till, ops)
            report = till.shifts.x_report().data
            assert report["expected_cash_minor"] == drawer
            parts = (
                report["float_minor"]
                + report["cash_sales_minor"]
                - report["cash_refunds"]["amount_minor"]
                + report["paid_in"]["amount_minor"]
                - report["paid_out"]["amount_minor"]
                - report["drops"]["amount_minor"]
            )
            assert parts == drawer  # the formula in docs/SHIFTS.md, figure by figure
            assume(drawer >= 0)  # paid out more than it held: no count can say that
            z = till.shifts.close_shift(MANAGER, CashCount.from_total(EUR, drawer))
            cash = next(v for v in z.data["variances"] if v["tender"] == "cash")
            assert cash["outcome"] == "exact"
        finally:
            till.close()
