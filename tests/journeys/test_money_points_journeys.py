"""Smaller money points at the till, by input events only: cash rounding on the demo's first
run, a voucher paying the amount typed, a card receipt with its brand and auth code."""

import pytest
from PySide6.QtCore import Qt

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.card_payment_dialog import CardPaymentDialog
from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog
from pos_desktop.ui.views.tender_dialog import TenderDialog
from tests.conftest import paper_jobs


def receipt_text(sim_printer, index=-1) -> str:
    return parse_escpos(paper_jobs(sim_printer)[index]).text


def test_the_first_demo_run_rounds_cash_to_five_cents(demo_journey, sim_printer):
    def steps(j):
        yield j.scan(demo_ean13(1))  # Whole milk 1.29
        yield j.key(Qt.Key.Key_F12)
        dialog = yield j.modal(PayCashDialog)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        yield j.key(Qt.Key.Key_F5)  # exact cash: the rounded amount
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.db_one("SELECT total_minor, rounding_minor FROM sale") == (129, 1)
        assert j.db_one("SELECT amount_minor, tendered_minor FROM payment") == (130, 130)
        yield j.until(lambda: paper_jobs(sim_printer), what="receipt printed")
        assert "Cash rounding" in receipt_text(sim_printer)

    demo_journey.run(steps)


def test_a_voucher_pays_the_amount_typed_and_the_receipt_shows_what_is_left(
    demo_journey, sim_printer
):
    def steps(j):
        for _ in range(4):
            yield j.scan(demo_ean13(8))  # Eggs free range x6, 2.79 each: 11.16
        yield j.key(Qt.Key.Key_F1)
        tender = yield j.modal(TenderDialog)
        yield j.click_on(tender.voucher_code)
        yield j.type("GIFT-5000")
        yield j.fill(tender.amount, "4.00")  # the customer spends only 4.00 of the 50.00
        yield j.key(Qt.Key.Key_F6)
        yield j.until(lambda: len(tender.split.tenders) == 1, what="voucher taken")
        assert tender.split.tenders[0].amount_minor == 400
        assert "4.00" in tender.tenders.item(0).text()
        yield j.key(Qt.Key.Key_F5)  # the rest in cash (7.16 rounds to 7.15)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.db_one("SELECT balance_minor FROM gift_voucher WHERE code = 'GIFT-5000'") == 4600
        assert j.db_one("SELECT amount_minor FROM payment WHERE tender = 'voucher'") == 400
        yield j.until(lambda: paper_jobs(sim_printer), what="receipt printed")
        text = receipt_text(sim_printer)
        assert "GIFT-5000" in text
        assert "Balance left" in text and "46.00" in text

    demo_journey.run(steps)


def test_more_than_the_voucher_holds_is_refused_with_its_balance(demo_journey):
    def steps(j):
        for _ in range(6):
            yield j.scan(demo_ean13(6))  # Cheddar: 3 for 5.00, six of them 10.00
        yield j.key(Qt.Key.Key_F1)
        tender = yield j.modal(TenderDialog)
        yield j.click_on(tender.voucher_code)
        yield j.type("GIFT-1000")
        yield j.fill(tender.amount, "12.00")
        yield j.key(Qt.Key.Key_F6)
        yield j.until(lambda: "10.00" in tender.message.text(), what="says what it holds")
        assert tender.split.tenders == ()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(tender)

    demo_journey.run(steps)


def test_a_card_receipt_names_the_brand_in_capitals_and_the_payment_reference(
    card_journey, sim_printer
):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F11)  # the card pays the whole total on the terminal
        yield j.until(
            lambda: j.db_one("SELECT count(*) FROM sale") == 1, timeout_s=15, what="approved"
        )
        reference = j.db_one("SELECT reference FROM card_payment")
        yield j.until(lambda: paper_jobs(sim_printer), what="receipt printed")
        text = receipt_text(sim_printer)
        assert "VISA ****7892" in text
        # Concert V2 answers carry no authorisation code: the reference the terminal echoed
        # ties the receipt to the terminal's own ticket instead.
        assert f"ref {reference}" in text
        assert "visa" not in text

    card_journey.run(steps)


@pytest.mark.parametrize("card_journey", ["silent"], indirect=True)
def test_the_auth_code_read_off_the_ticket_is_printed(card_journey, sim_printer):
    def steps(j):
        yield j.scan(demo_ean13(2))
        yield j.key(Qt.Key.Key_F11)
        dialog = yield j.modal(CardPaymentDialog)
        yield j.until(lambda: dialog.resolve.auth_code.isVisible(), timeout_s=15, what="asked")
        yield j.click_on(dialog.resolve.auth_code)
        yield j.type("A1B2C3")
        yield j.click(dialog.resolve.approved_button)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.until(lambda: paper_jobs(sim_printer), what="receipt printed")
        assert "Card auth A1B2C3" in receipt_text(sim_printer)  # no card data came back

    card_journey.run(steps, timeout_s=40)
