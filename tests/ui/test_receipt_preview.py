"""The demo's printer panel shows the paper as printed: one receipt line is one line on screen."""

from __future__ import annotations

from pos_desktop.ui.widgets.receipt_preview import ReceiptPreview


def test_a_full_width_receipt_line_is_not_wrapped_in_a_narrow_panel(qtbot):
    preview = ReceiptPreview()
    qtbot.addWidget(preview)
    preview.resize(260, 400)  # narrower than 48 characters of the receipt font
    preview.show()
    rule = "-" * 48
    preview.show_job(f"Whole milk 1L{' ' * 29}1.29 B\n{rule}\n".encode("ascii"))
    layout = preview.text.document().firstBlock().layout()
    assert layout.lineCount() == 1  # not broken onto a second line
    assert preview.text.horizontalScrollBar().maximum() > 0  # the rest is a scroll away
