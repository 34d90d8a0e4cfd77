"""Where a scan goes while a modal dialog is open: to that dialog, or nowhere (with a notice).

A dialog takes scans by defining ``on_scanner_scanned(code)``; returning ``False`` means "not
now" (e.g. the Devices screen outside its scanner test). Any other modal window (cash, card,
approval, quantity, a question) refuses the scan with a notice on that window, so nothing is
ever rung up on the cart behind it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWidget

log = logging.getLogger(__name__)

NOTICE_MS = 5000


def scan_to_modal(code: str) -> bool:
    """Give the scan to the active modal dialog; False when no modal dialog is open."""
    modal = QApplication.activeModalWidget()
    if modal is None or not modal.isVisible():
        return False
    handler = getattr(modal, "on_scanner_scanned", None)
    if handler is not None and handler(code) is not False:
        log.info("scan %r went to the %s", code, type(modal).__name__)
    else:
        log.info("scan %r refused: the %s does not take scans", code, type(modal).__name__)
        refuse(
            modal,
            f"{code} was NOT added: this window does not take scans. Finish or close "
            "it (Esc), then scan again.",
        )
    return True


def refuse(window: QWidget, text: str) -> QLabel:
    """Show ``text`` along the bottom of ``window`` for a few seconds (one notice per window)."""
    notice = window.findChild(QLabel, "scanRefused")
    if notice is None:
        notice = QLabel(window)
        notice.setObjectName("scanRefused")
        notice.setWordWrap(True)
        notice.setAlignment(Qt.AlignmentFlag.AlignCenter)
        timer = QTimer(notice)
        timer.setSingleShot(True)
        timer.timeout.connect(notice.hide)
        notice.setProperty("hideTimer", timer)
    notice.setText(text)
    width = window.width() - 16
    notice.setFixedWidth(width)
    notice.adjustSize()
    notice.move(8, window.height() - notice.height() - 8)
    notice.show()
    notice.raise_()
    notice.property("hideTimer").start(NOTICE_MS)
    return notice
