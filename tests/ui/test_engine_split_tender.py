"""Split tender on screen: gift voucher, then cash, then the card (simulated Concert terminal
over a pty) pays exactly the rest and completes the sale in one transaction."""

from dataclasses import replace

import pytest

from hardware.escpos_parse import parse_escpos
from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.services.pricing_service import seed_demo_promotions
from pos_desktop.ui.qt_app import build_window
from pos_desktop.ui.views import engine_actions
from tests.ui.test_card_payment import make_till
from tests.ui.test_engine_flows import stop_polling
from tests.waits import EVENTUALLY_MS


@pytest.fixture
def split_window(qtbot, qapp, tmp_path, sim_printer):
    with SimulatedConcertTerminal("approve", delay_s=0.2) as terminal:
        till = make_till(tmp_path, sim_printer.uri, terminal.uri)
        write_demo_catalog(till.db, 60)
        seed_demo_promotions(till.db, now=till.clock.now())
        till.checkout.checkout_settings = CheckoutSettings(cash_increment_minor=5)
        win, wedge, _ = build_window(till, till.config, qapp)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        yield win, till, terminal
        qapp.removeEventFilter(wedge)
        stop_polling(win)
        win.close()
        till.close()


def test_voucher_cash_then_card_for_the_rest(qtbot, split_window, sim_printer):
    win, till, terminal = split_window
    view = win.checkout_view
    for n in (45, 45, 45, 45, 2):
        view.add_code(demo_ean13(n))
    total = till.checkout.price().total_minor
    assert total > 1500 + 500
    seen = {}

    class VoucherCashCard(engine_actions.TenderDialog):
        def exec(self):
            self.voucher_code.setText("GIFT-1000")
            self.on_voucher_clicked()
            self.amount.setText("5.00")
            self.on_cash_clicked()
            seen["rest"] = self.split.remaining_minor
            seen["listed"] = self.tenders.count()
            self.on_card_clicked()
            return self.result()

    view.dialogs = replace(view.dialogs, tender=VoucherCashCard)
    view.on_tender_clicked()  # the card dialog is modal and closes itself once approved
    assert seen["listed"] == 2
    assert terminal.requests[0].amount_minor == seen["rest"] == total - 1000 - 500
    assert till.sales.count() == 1 and view.model.rowCount() == 0
    pays = till.db.execute_sql(
        "SELECT tender, amount_minor, reference FROM payment ORDER BY rowid"
    ).fetchall()
    assert [p[0] for p in pays] == ["voucher", "cash", "card"]
    assert sum(p[1] for p in pays) == total
    (balance,) = till.db.execute_sql(
        "SELECT balance_minor FROM gift_voucher WHERE code = 'GIFT-1000'"
    ).fetchone()
    assert balance == 0
    qtbot.waitUntil(
        lambda: "TOTAL" in parse_escpos(b"".join(sim_printer.jobs)).text, timeout=EVENTUALLY_MS
    )
    text = parse_escpos(b"".join(sim_printer.jobs)).text
    assert "Gift voucher" in text and "GIFT-1000" in text and "****7892" in text
