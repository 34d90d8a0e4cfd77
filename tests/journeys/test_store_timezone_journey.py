"""The store's time zone (issue 12): a manager sets it in Store settings, and the X report shows
its period in that zone on screen, on paper and in the PDF."""

from __future__ import annotations

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.shift_dialogs import ReportViewerDialog
from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
from tests.journeys.test_approvals_journey import switch_to

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_reports_show_the_period_in_the_store_time_zone(
    journey, sim_printer, tmp_path, monkeypatch
):
    pdf = tmp_path / "x.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF"))

    def steps(j):
        yield from switch_to(j, "Demo Manager", "9999")  # store settings are a manager's
        yield j.key(Qt.Key.Key_S, CTRL_SHIFT)
        settings = yield j.modal(StoreSettingsDialog)
        zone = settings.timezone
        assert zone.currentText().startswith("Local"), zone.currentText()  # the default
        yield j.fill(zone.lineEdit(), "Mars/Olympus")
        yield j.click(j.button(settings, "Save"))
        assert "Mars/Olympus" in settings.message.text(), settings.message.text()
        assert "Europe/Berlin" in settings.message.text()  # says what to write instead
        yield j.fill(zone.lineEdit(), "Asia/Tokyo")
        yield j.click(j.button(settings, "Save"))
        yield j.closed(settings)
        assert j.db_one("SELECT timezone FROM store_settings") == "Asia/Tokyo"

        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        opened_utc = j.db_one("SELECT opened_at FROM shift WHERE status = 'open'")
        yield j.key(Qt.Key.Key_F9)
        viewer = yield j.modal(ReportViewerDialog)
        period = next(t for t in viewer.view.texts() if t.startswith("Period"))
        assert "Asia/Tokyo" in period and "UTC+09:00" in period, period
        hour = (int(opened_utc[11:13]) + 9) % 24
        assert f" {hour:02d}:" in period.split(" to ")[0], (opened_utc, period)
        yield j.click(viewer.print_button)
        yield j.until(
            lambda: "UTC+09:00" in parse_escpos(b"".join(sim_printer.jobs)).text,
            what="the printed report says the store's zone",
        )
        yield j.click(viewer.pdf_button)
        yield j.until(pdf.exists, what="PDF written")
        yield j.click(j.button(viewer, "Close"))
        yield j.closed(viewer)

    journey.run(steps)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Asia/Tokyo" in text and "UTC+09:00" in text
