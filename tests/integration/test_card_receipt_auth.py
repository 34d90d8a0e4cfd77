"""The card line of a receipt, read back from the printed ESC/POS bytes: the brand in capitals,
the last four digits, and the authorisation code when the terminal (or the cashier reading the
terminal's ticket) gives one."""

from __future__ import annotations

import pytest

from hardware.escpos_parse import parse_escpos
from hardware.terminals.base import PaymentOutcome, PaymentResult
from pos_desktop.config import PrinterConfig, TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from tests.conftest import FixedClock, open_test_shift, paper_jobs


class AuthCodeTerminal:
    """A terminal driver whose answers carry an authorisation code (ZVT-style)."""

    def __init__(self, outcome: PaymentOutcome = PaymentOutcome.APPROVED) -> None:
        self.outcome = outcome

    def pay(self, request, *, on_progress=None) -> PaymentResult:
        return PaymentResult(
            self.outcome,
            request.amount_minor,
            request.currency,
            request.reference,
            card_brand="mastercard",
            last4="4444",
            auth_code="123456" if self.outcome is PaymentOutcome.APPROVED else None,
        )


@pytest.fixture
def card_till(tmp_path, sim_printer):
    def make(terminal):
        config = TillConfig(
            data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True
        )
        till = build_container(config, overrides=Overrides(clock=FixedClock(), terminal=terminal))
        write_demo_catalog(till.db, 10)
        open_test_shift(till)
        made.append(till)
        return till

    made: list = []
    yield make
    for till in made:
        till.close()


def printed_text(till, sale, sim_printer) -> str:
    till.printing.print_sale(sale).result(timeout=10)
    return parse_escpos(paper_jobs(sim_printer)[-1]).text


def test_the_auth_code_and_brand_are_printed(card_till, sim_printer):
    till = card_till(AuthCodeTerminal())
    till.checkout.scan(demo_ean13(1))
    attempt = till.cards.begin()
    settlement = till.cards.settle(attempt, till.cards.run(attempt).result(timeout=5))
    text = printed_text(till, settlement.sale, sim_printer)
    assert "MASTERCARD ****4444 auth 123456" in text
    assert "mastercard" not in text


def test_the_auth_code_read_off_the_terminal_ticket_is_printed(card_till, sim_printer):
    till = card_till(AuthCodeTerminal(PaymentOutcome.UNKNOWN))
    till.checkout.scan(demo_ean13(2))
    attempt = till.cards.begin()
    till.cards.settle(attempt, till.cards.run(attempt).result(timeout=5))
    settlement = till.cards.resolve(attempt.payment_id, approved=True, auth_code="654321")
    text = printed_text(till, settlement.sale, sim_printer)
    assert "MASTERCARD ****4444 auth 654321" in text
