"""No sale, refund, card payment or drawer opening without an open shift: the services refuse,
whoever calls them (the screen, the POS API, a script), and nothing is half-written."""

from __future__ import annotations

import pytest

from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import ReturnItem
from pos_desktop.domain.staff import Role, StaffMember
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.shift_guard import NoOpenShift

ADMIN = StaffMember("u-admin", "Admin", Role.ADMIN)


def close(till) -> None:
    expected = till.shifts.x_report().data["expected_cash_minor"]
    till.shifts.close_shift(ADMIN, CashCount.from_total("EUR", expected))


def counts(till) -> tuple:
    return till.db.execute_sql(
        "SELECT (SELECT count(*) FROM sale), (SELECT count(*) FROM refund), "
        "(SELECT count(*) FROM journal), (SELECT last_number FROM receipt_counter)"
    ).fetchone()


def test_a_closed_till_sells_nothing_and_uses_no_receipt_number(till):
    till.checkout.scan(demo_ean13(1))
    sale = till.checkout.pay_cash(Money(500, "EUR"))
    close(till)
    before = counts(till)
    till.checkout.scan(demo_ean13(2))
    with pytest.raises(NoOpenShift, match="open one with a counted float"):
        till.checkout.pay_cash(Money(500, "EUR"))
    returns = till.returns
    line = sale.lines[0].line_id
    with pytest.raises(NoOpenShift):
        returns.refund(sale, [ReturnItem(line, sale.lines[0].quantity)])
    with pytest.raises(NoOpenShift):
        till.shifts.cash_movement("no_sale", ADMIN, None, "OTHER")
    assert counts(till) == before
    assert not till.checkout.cart.is_empty  # the customer's items stay on screen


def test_the_sale_belongs_to_the_open_shift_not_to_a_stale_one(till):
    first = till.shifts.current().shift_id
    close(till)
    till.shifts.repo.open("T01", "Test Till", CashCount.from_total("EUR", 5000), till.clock.now())
    till.checkout.shift_id = first  # what a screen remembered from before the close
    till.checkout.scan(demo_ean13(1))
    sale = till.checkout.pay_cash(Money(500, "EUR"))
    assert sale.shift_id == till.shifts.current().shift_id != first


def test_a_shift_closed_during_the_commit_rolls_the_sale_back(till, monkeypatch):
    stale = till.shifts.current().shift_id
    close(till)
    monkeypatch.setattr(till.checkout, "current_shift_id", lambda: stale)
    before = counts(till)
    till.checkout.scan(demo_ean13(1))
    with pytest.raises(NoOpenShift, match="closed meanwhile"):
        till.checkout.pay_cash(Money(500, "EUR"))
    assert counts(till) == before


def test_no_card_is_charged_without_a_shift(tmp_path, sim_printer):
    from hardware.terminals.base import PaymentOutcome, PaymentResult
    from pos_desktop.config import PrinterConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from pos_desktop.services.demo_data import write_demo_catalog
    from tests.conftest import FixedClock

    class Terminal:
        charged = 0

        def pay(self, request, *, on_progress=None):
            Terminal.charged += 1
            return PaymentResult(
                PaymentOutcome.APPROVED, request.amount_minor, request.currency, request.reference
            )

    config = TillConfig(data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True)
    till = build_container(config, overrides=Overrides(clock=FixedClock(), terminal=Terminal()))
    try:
        write_demo_catalog(till.db, 5)
        till.checkout.scan(demo_ean13(1))
        with pytest.raises(NoOpenShift):
            till.cards.begin()
        assert till.db.execute_sql("SELECT count(*) FROM card_payment").fetchone()[0] == 0
        assert Terminal.charged == 0
    finally:
        till.close()
