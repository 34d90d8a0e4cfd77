"""A manager's X report: F9 shows the formatted report, Save PDF writes the same report."""

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLabel

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.shift_dialogs import ReportViewerDialog


def test_x_report_on_screen_then_saved_as_pdf(journey, tmp_path, monkeypatch):
    pdf = tmp_path / "x.pdf"
    # the operating system's file dialog answers as a person typing the name would
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(pdf), "PDF"))

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F5)  # exact cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.key(Qt.Key.Key_F9)
        viewer = yield j.modal(ReportViewerDialog)
        texts = viewer.view.texts()
        assert texts[0] == "Corner Market (demo)" and "X report (running, not a close)" in texts
        assert "Currency EUR" in texts
        for title in ("Sales", "Sales by tax rate", "Tenders", "Refunds and voids", "Cash"):
            assert title in viewer.view.sections
        amounts = [w for w in viewer.findChildren(QLabel) if w.text() == "Amount"]
        assert amounts and all(w.alignment() & Qt.AlignmentFlag.AlignRight for w in amounts)
        yield j.click(viewer.pdf_button)
        yield j.until(pdf.exists, what="PDF written")
        assert viewer.message.text() == f"Saved {pdf}"
        yield j.click(
            next(b for b in viewer.findChildren(type(viewer.pdf_button)) if b.text() == "Close")
        )
        yield j.closed(viewer)

    journey.run(steps)
    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Corner Market (demo)" in text and "Sales per hour (EUR)" in text
    assert "Sales by tax rate" in text and "Tenders" in text
