"""The card as the last tender: it pays exactly the rest and completes the sale with the
earlier tenders in one transaction, also after a restart."""

from decimal import Decimal

import pytest

from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.services.pricing_service import seed_demo_promotions
from tests.ui.test_card_payment import make_till


@pytest.fixture
def terminal_sim():
    with SimulatedConcertTerminal("approve") as sim:
        yield sim


def _split_till(tmp_path, printer_uri, terminal_uri):
    till = make_till(tmp_path, printer_uri, terminal_uri)
    till.checkout.checkout_settings = CheckoutSettings(cash_increment_minor=5)
    return till


def test_card_last_after_voucher_and_cash(tmp_path, sim_printer, terminal_sim):
    till = _split_till(tmp_path, sim_printer.uri, terminal_sim.uri)
    write_demo_catalog(till.db, 50)
    seed_demo_promotions(till.db, now=till.clock.now())
    co = till.checkout
    co.scan(demo_ean13(1))
    co.scan(demo_ean13(1))  # promotion: 2.00
    co.scan(demo_ean13(45))
    co.set_quantity(co.cart.lines[-1].line_id, Decimal(3))
    split = co.new_tender()
    split.add_voucher(co.voucher_balance("GIFT-1000"), code="GIFT-1000")
    split.add_cash(Money(500, "EUR"))
    with pytest.raises(DomainError, match="exactly the rest"):
        till.cards.begin(Money(1, "EUR"), split.payments(), rounding_minor=split.rounding_minor)
    attempt = till.cards.begin(None, split.payments(), rounding_minor=split.rounding_minor)
    assert attempt.amount.amount_minor == split.remaining_minor
    result = till.cards.run(attempt).result(timeout=10)
    settlement = till.cards.settle(attempt, result)
    assert settlement.outcome == "approved", settlement.message
    sale = settlement.sale
    assert [p.tender for p in sale.payments] == ["voucher", "cash", "card"]
    assert sale.paid_minor == sale.total_minor + sale.rounding_minor
    assert terminal_sim.requests[0].amount_minor == attempt.amount.amount_minor
    bal = till.db.execute_sql("SELECT balance_minor FROM gift_voucher WHERE code='GIFT-1000'")
    assert bal.fetchone() == (0,)
    till.close()


def test_restart_resolves_split_with_earlier_tenders(tmp_path, sim_printer, terminal_sim):
    till = _split_till(tmp_path, sim_printer.uri, terminal_sim.uri)
    write_demo_catalog(till.db, 50)
    seed_demo_promotions(till.db, now=till.clock.now())
    co = till.checkout
    co.scan(demo_ean13(1))
    co.scan(demo_ean13(1))
    co.scan(demo_ean13(3))  # a promotion line, 10 % off
    split = co.new_tender()
    split.add_other(Money(100, "EUR"), name="Mobile wallet", reference="MW-1")
    attempt = till.cards.begin(None, split.payments())
    till.close()  # the till dies before the terminal answers

    again = _split_till(tmp_path, sim_printer.uri, terminal_sim.uri)
    (row,) = again.cards.open_payments()
    settlement = again.cards.resolve(row.id, approved=True)
    sale = settlement.sale
    assert [p.tender for p in sale.payments] == ["Mobile wallet", "card"]
    assert sale.payments[1].amount.amount_minor == attempt.amount.amount_minor
    assert sale.savings_minor > 0 and sale.paid_minor == sale.total_minor
    assert terminal_sim.requests == []
    again.close()
