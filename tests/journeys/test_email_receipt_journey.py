"""E-mailed receipt: a customer with an e-mail is attached, the sale is paid, Ctrl+E asks them
and queues the receipt; the SMTP server (aiosmtpd on 127.0.0.1) is down at first, then comes up:
the mail worker sends it then, once, with the receipt's text."""

from __future__ import annotations

import socket

import pytest
from aiosmtpd.controller import Controller
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from pos_desktop.services.demo_data import demo_ean13, write_demo_catalog
from pos_desktop.ui.views.customer_dialog import CustomerDialog
from tests.journeys.conftest import Journey, _open_window

CTRL = Qt.KeyboardModifier.ControlModifier


class Inbox:
    """An aiosmtpd handler that keeps what it was sent."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.content.decode("utf-8"))
        )
        return "250 OK"


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


@pytest.fixture
def mail_journey(qtbot, qapp, tmp_path, sim_printer, key_clock):
    from pos_desktop.config import PrinterConfig, SmtpConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from tests.conftest import FixedClock, open_test_shift

    port = free_port()  # nothing listens here yet: the server is down
    smtp = SmtpConfig(host="127.0.0.1", port=port, sender="shop@example.com", starttls=False)
    config = TillConfig(
        data_dir=tmp_path, printer=PrinterConfig(uri=sim_printer.uri), demo=True, smtp=smtp
    )
    till = build_container(config, overrides=Overrides(clock=FixedClock()))
    write_demo_catalog(till.db, 20)
    open_test_shift(till)
    window, wedge = _open_window(qtbot, qapp, till, sim_printer, key_clock)
    window.staff.demo = True
    window.staff.start()
    yield Journey(qtbot, window, wedge, key_clock, till), till, port
    window.staff.idle.stop()
    qapp.removeEventFilter(window.staff)
    qapp.removeEventFilter(wedge)
    till.close()


def test_the_receipt_is_e_mailed_once_the_server_is_back(mail_journey):
    journey, till, port = mail_journey
    till.customers.create("Eva Lind", email="eva@example.org")
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.type("Eva")
        yield j.key(Qt.Key.Key_Return)
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.key(Qt.Key.Key_E, CTRL)
        ask = yield j.modal(QMessageBox)
        assert "eva@example.org" in ask.text()
        yield j.click(ask.button(QMessageBox.StandardButton.Yes))
        yield j.until(lambda: "will be e-mailed to eva@example.org" in j.message())
        consent = j.db_one("SELECT consent FROM mail_outbox")
        assert "at till" in consent and j.db_one("SELECT email_receipts FROM customer") == 1
        yield j.until(
            lambda: j.db_one("SELECT attempts FROM mail_outbox") >= 1,
            timeout_s=10,
            what="a first try while the server is down",
        )
        assert j.db_one("SELECT status FROM mail_outbox") == "pending"
        controller.start()  # the server is back
        yield j.until(
            lambda: j.db_one("SELECT status FROM mail_outbox") == "sent",
            timeout_s=20,
            what="sent after the server came back",
        )

    try:
        journey.run(steps, timeout_s=60)
    finally:
        if getattr(controller, "server", None) is not None:
            controller.stop()
    assert len(inbox.messages) == 1
    sender, to, content = inbox.messages[0]
    assert (sender, to) == ("shop@example.com", ["eva@example.org"])
    assert "Subject:" in content and "your receipt 1" in content
    total = till.db.execute_sql("SELECT total_minor FROM sale").fetchone()[0]
    assert f"{total / 100:.2f}" in content  # the receipt's total, as on paper
