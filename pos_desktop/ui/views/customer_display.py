"""The customer's window: the lines as they are scanned, savings, the total, change and thanks.

It shows the checkout's own cart model (same rows, weights and promotion notes as the cashier
sees) in large type; with an empty cart it shows the store's name, or a slideshow of the images in
``<data dir>/customer_display/`` (PNG/JPEG, one every few seconds).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.services.i18n import _

SLIDE_SECONDS = 6
PRICE_COLUMN = 2  # of the cart model: item, qty, price, total
NARROW_PX = 460
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg"}


class CustomerDisplayWindow(QWidget):
    def __init__(self, model, store_name: str, slides_dir: Path | None = None, parent=None) -> None:
        # A window of its own, owned by the till's window (it goes when the till goes, never
        # later through Python's garbage collector); it never takes the keyboard from the till.
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.WindowDoesNotAcceptFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setObjectName("customerDisplay")
        self.setWindowTitle(_("{store} - customer display").format(store=store_name))
        self.store = QLabel(store_name)
        self.store.setObjectName("totalCaption")
        self.store.setTextFormat(Qt.TextFormat.PlainText)
        self.store.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.welcome = QLabel(_("Welcome"))
        self.welcome.setObjectName("totalLabel")
        self.welcome.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.welcome.setTextFormat(Qt.TextFormat.PlainText)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.table)
        self.savings = QLabel()
        self.savings.setObjectName("savingsLabel")
        self.caption = QLabel()
        self.caption.setObjectName("totalCaption")
        self.amount = QLabel()
        self.amount.setObjectName("totalLabel")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addWidget(self.store)
        layout.addWidget(self.pages, 1)
        for label in (self.savings, self.caption, self.amount):
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
        self.slides = sorted(
            p for p in (slides_dir.iterdir() if slides_dir and slides_dir.is_dir() else ())
            if p.suffix.lower() in IMAGE_SUFFIXES
        )  # fmt: skip
        self._slide = 0
        self.slide_timer = QTimer(self)
        self.slide_timer.setInterval(SLIDE_SECONDS * 1000)
        self.slide_timer.timeout.connect(self.next_slide)
        self.resize(800, 600)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """Narrow (beside the till on a 1366 px screen): the unit price gives its room to the
        item's name; quantity and line total stay."""
        self.table.setColumnHidden(PRICE_COLUMN, event.size().width() < NARROW_PX)
        super().resizeEvent(event)

    def show_totals(self, shown) -> None:
        """Mirror the checkout (``ui.customer_facing.ShownTotals``)."""
        if shown.cart_empty:
            paid = shown.caption.startswith("Change") or shown.caption == "Paid"
            self.pages.setCurrentWidget(self.welcome)
            if paid:
                self.slide_timer.stop()
                self.welcome.setPixmap(QPixmap())
                self.welcome.setText(_("Thank you!"))
                self.caption.setText(shown.caption)
                self.amount.setText(shown.amount)
            else:
                self.caption.setText("")
                self.amount.setText("")
                self.idle()
            self.savings.setText("")
            return
        self.slide_timer.stop()
        self.pages.setCurrentWidget(self.table)
        self.table.scrollToBottom()
        self.savings.setText(shown.savings)
        self.caption.setText(shown.caption)
        self.amount.setText(shown.amount)

    def idle(self) -> None:
        if self.slides:
            self.next_slide()
            self.slide_timer.start()
        else:
            self.welcome.setPixmap(QPixmap())
            self.welcome.setText(_("Welcome"))

    def next_slide(self) -> None:
        if not self.slides:
            return
        path = self.slides[self._slide % len(self.slides)]
        self._slide += 1
        pixmap = QPixmap(str(path))
        if pixmap.isNull():
            return  # an unreadable file is skipped, the next one shows in a few seconds
        self.welcome.setPixmap(
            pixmap.scaled(
                self.welcome.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
