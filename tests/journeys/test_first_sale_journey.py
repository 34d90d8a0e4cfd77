"""A cashier's first sale, by keys only: scan, exact cash, receipt printed, drawer opened."""

from PySide6.QtCore import Qt

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog
from tests.conftest import paper_jobs


def test_scan_two_items_and_pay_exact_cash(journey, sim_printer):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(3))
        assert j.cart_names() == ["Whole milk 1L", "Oat drink 1L"]
        assert j.view.entry.text() == ""  # the scans never leaked into the entry field
        yield j.key(Qt.Key.Key_F5)  # exact cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.cart_names() == []
        yield j.until(lambda: paper_jobs(sim_printer), what="receipt printed")
        kinds = [type(e).__name__ for e in parse_escpos(paper_jobs(sim_printer)[0]).events]
        assert kinds.count("DrawerPulse") == 1 and "Cut" in kinds

    journey.run(steps)


def test_cash_typed_by_a_person_shows_the_change(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F12)
        dialog = yield j.modal(PayCashDialog)
        yield j.type("20")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(dialog)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert "Change" in j.view.total_caption.text()

    journey.run(steps)


def test_the_total_counts_the_items_in_words_a_person_reads(journey):
    def steps(j):
        assert j.view.total_caption.text() == "Total  (0 items)"  # not "0 item"
        yield j.scan(demo_ean13(1))
        assert j.view.total_caption.text() == "Total  (1 item)"
        yield j.scan(demo_ean13(3))
        assert j.view.total_caption.text() == "Total  (2 items)"

    journey.run(steps)
