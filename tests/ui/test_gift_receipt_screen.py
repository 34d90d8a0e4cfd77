"""Gift receipt (Ctrl+G) on the real window: the items and quantities of the last sale, no
amounts, printed on the simulated printer and read back from its paper."""

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from hardware.escpos_parse import BarcodePrinted, DrawerPulse, parse_escpos
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.formatting import money_text
from pos_desktop.services.receipts import receipt_code
from tests.conftest import paper_jobs
from tests.waits import EVENTUALLY_MS

AMOUNT = re.compile(r"\d[.,]\d\d(?!\d)")  # 1.19, 12,50 ... (money, whatever the locale)


@pytest.fixture
def window(till_window):
    win, _wedge, _bridge = till_window
    yield win
    QApplication.processEvents()
    win.status_timer.stop()  # no printer poll once the till closes


def jobs_with(sim_printer, marker: bytes) -> list[bytes]:
    return [job for job in paper_jobs(sim_printer) if marker in job]


def test_ctrl_g_prints_the_last_sale_without_prices(qtbot, window, till, sim_printer):
    view = window.checkout_view
    qtbot.keyClick(view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # no sale yet
    assert not view.buttons["gift"].isEnabled()
    assert till.db.execute_sql("SELECT COUNT(*) FROM print_job").fetchone()[0] == 0

    milk = till.catalog.find_by_sku("SKU0000001")
    other = till.catalog.find_by_sku("SKU0000007")
    for code in (demo_ean13(1), demo_ean13(7), demo_ean13(1)):
        view.add_code(code)
    qtbot.keyClick(view, Qt.Key.Key_F5)  # exact cash
    qtbot.waitUntil(lambda: till.sales.count() == 1, timeout=3000)
    sale = view.last_sale
    qtbot.waitUntil(lambda: len(jobs_with(sim_printer, b"TOTAL")) == 1, timeout=EVENTUALLY_MS)
    assert view.buttons["gift"].isEnabled()

    qtbot.keyClick(view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert "Gift receipt" in view.message.text()
    qtbot.waitUntil(
        lambda: len(jobs_with(sim_printer, b"GIFT RECEIPT")) == 1, timeout=EVENTUALLY_MS
    )
    paper = parse_escpos(jobs_with(sim_printer, b"GIFT RECEIPT")[0])
    text = paper.text

    # The marker, the receipt's number, every item with its quantity.
    assert "GIFT RECEIPT" in text and f"Receipt {sale.receipt_number}" in text
    milk_lines = [ln for ln in paper.lines if milk.name in ln]
    other_lines = [ln for ln in paper.lines if other.name in ln]
    assert len(milk_lines) + len(other_lines) == len(sale.lines)
    quantities = {ln.name: ln.quantity for ln in sale.lines}
    for line in milk_lines + other_lines:
        name = milk.name if milk.name in line else other.name
        assert line.rstrip().endswith(str(int(quantities[name])))
    # The barcode brings the sale back for an exchange; the drawer stays shut.
    assert [b.data for b in paper.of_type(BarcodePrinted)] == [
        receipt_code(sale.terminal_id, sale.receipt_number)
    ]
    assert paper.of_type(DrawerPulse) == []

    # No money anywhere: no prices, totals, tax, tenders or change.
    for word in ("TOTAL", "Tax", "Cash", "Change", "EUR", "€", "saved"):
        assert word not in text, word
    for minor in (milk.unit_price_minor, other.unit_price_minor, sale.total_minor):
        assert money_text(Money(minor, "EUR"), till.settings.locale) not in text
    assert AMOUNT.findall(text) == [], AMOUNT.findall(text)

    qtbot.waitUntil(
        lambda: (
            till.db.execute_sql("SELECT status FROM print_job WHERE kind = 'gift'").fetchone()
            == ("printed",)
        ),
        timeout=EVENTUALLY_MS,
    )
    row = till.db.execute_sql("SELECT sale_id FROM print_job WHERE kind = 'gift'").fetchone()
    assert row == (sale.sale_id,)
