"""An app asks the till for 12.50: whatever the scanner does meanwhile, 12.50 is charged,
stored and reported; the app's text is shown literally, never as HTML."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.app_request_dialog import AppRequestDialog
from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog


def test_a_scanner_burst_during_an_app_request_does_not_change_the_amount(api_journey):
    def steps(j):
        rid = j.api.ask(amount_minor=1250, reference="<b>PAID ALREADY</b>")
        dialog = yield j.modal(AppRequestDialog)
        assert "<b>PAID ALREADY</b>" in dialog.details.text()  # literal, not bold
        assert dialog.details.textFormat() == Qt.TextFormat.PlainText
        yield j.key(Qt.Key.Key_Return)  # Accept
        yield j.until(lambda: dialog.stage == "pay", what="payment step")
        yield j.scan(demo_ean13(1))  # a customer's item scanned by habit
        yield j.until(lambda: "NOT added" in dialog.message.text(), what="scan refused")
        assert "its own sale" in dialog.message.text()
        assert len(j.till.checkout.cart.lines) == 1
        yield j.key(Qt.Key.Key_F12)  # the request's cash button
        cash = yield j.modal(PayCashDialog)
        yield j.scan(demo_ean13(3))  # another burst behind the cash dialog
        yield j.type("20")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(cash)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.db_one("SELECT total_minor FROM sale") == 1250
        assert j.db_one("SELECT count(*) FROM sale_line") == 1
        yield j.until(lambda: j.api.receiver.received, timeout_s=5, what="callback")
        result = j.api.receiver.received[-1].json
        assert result["request_id"] == rid and result["status"] == "approved"
        assert result["amount_minor"] == 1250
        assert j.cart_names() == []  # the scans never reached a cart

    api_journey.run(steps)


def test_every_label_on_the_till_is_plain_text(api_journey):
    def steps(j):
        yield j.scan(demo_ean13(1))  # a sale in progress: the request waits on the banner
        j.api.ask(reference="R1")
        banner = j.window.pos_api_bridge.banner
        yield j.until(lambda: banner.isVisible(), what="banner")
        assert banner.label.textFormat() == Qt.TextFormat.PlainText
        labels = j.window.findChildren(QLabel)
        assert labels and all(
            lb.textFormat() == Qt.TextFormat.PlainText for lb in labels if lb.isVisible()
        )

    api_journey.run(steps)
