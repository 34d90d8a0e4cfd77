"""The digital receipt's QR code at the till: on by default on a till enrolled with a cloud,
switched off by a manager in Store settings > Receipts (real key and mouse events only)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hardware.escpos_parse import QRPrinted, parse_escpos
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.test_approvals_journey import switch_to

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
CLOUD = "https://cloud.example.com"


def _qr_codes(sim_printer) -> list[str]:
    events = parse_escpos(b"".join(sim_printer.jobs)).events
    return [e.data for e in events if isinstance(e, QRPrinted)]


def test_a_manager_switches_the_receipt_qr_code_off(journey, till, sim_printer):
    # The till was enrolled with a cloud (what `pos-admin enroll` leaves in its database).
    till.db.execute_sql(
        "INSERT INTO sync_state (id, cloud_url, terminal_id, store_id, token, currency, "
        "terminal_name, enrolled_at) VALUES (1, ?, 't', 's', 'x', 'EUR', 'Lane 1', '')",
        (CLOUD,),
    )

    def save_settings(j, *, qr: bool):
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        settings = yield j.modal(StoreSettingsDialog)
        bar = settings.tabs.tabBar()
        tab = next(i for i in range(bar.count()) if bar.tabText(i) == "Receipts")
        yield j.click_at(bar, bar.tabRect(tab).center())
        assert settings.receipt_qr.isChecked() is not qr  # on by default; then off
        yield j.click(settings.receipt_qr)
        yield j.click(j.button(settings, "Save"))
        yield j.closed(settings)

    def sell(j, count: int):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == count, what="sale saved")
        yield j.until(lambda: len(sim_printer.jobs) >= count, what="receipt printed")

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")  # store settings are a manager's
        yield from save_settings(j, qr=False)  # untouched: the box is ticked, click twice
        yield from save_settings(j, qr=True)
        yield from sell(j, 1)
        token = j.db_one(
            "SELECT json_extract(body, '$.receipt_token') FROM journal "
            "WHERE type = 'sale.completed'"
        )
        yield j.until(lambda: _qr_codes(sim_printer) == [f"{CLOUD}/r/{token}"], what="QR")
        yield from save_settings(j, qr=False)
        assert j.db_one("SELECT receipt_qr FROM store_settings") == 0
        yield from sell(j, 2)

    journey.run(steps)
    assert len(_qr_codes(sim_printer)) == 1  # the second receipt has none
