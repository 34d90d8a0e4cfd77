"""Demo mode: the receipts the simulated printer received, decoded from the ESC/POS bytes."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from hardware.escpos_parse import parse_escpos
from pos_desktop.services.i18n import _


def describe_events(parsed) -> list[str]:
    notes = []
    for event in parsed.events:
        name = type(event).__name__
        if name == "DrawerPulse":
            notes.append(
                _("[drawer kick: pin {pin}, {on} ms on / {off} ms off]").format(
                    pin=event.pin, on=event.on_ms, off=event.off_ms
                )
            )
        elif name == "Cut":
            notes.append(_("[paper cut]"))
    return notes


class ReceiptPreview(QWidget):
    """Shows the last printed receipt and the drawer state of the simulated hardware."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        title = QLabel(_("Simulated printer"))
        title.setObjectName("totalCaption")
        self.text = QPlainTextEdit()
        self.text.setObjectName("receiptPreview")
        self.text.setReadOnly(True)
        # Paper does not wrap: a 48-column line stays one line and scrolls sideways when the
        # panel is narrower (the till beside the customer window on a 1366 screen).
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setMinimumWidth(240)
        self.setMaximumWidth(420)
        self.drawer_label = QLabel(_("Drawer: closed"))
        self.drawer_label.setObjectName("statusChip")
        self.close_drawer = QPushButton(_("Push drawer shut"))
        self.close_drawer.setEnabled(False)
        self.close_drawer.clicked.connect(lambda: self.set_drawer_open(False))
        self.jobs = 0
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.drawer_label)
        layout.addWidget(self.close_drawer)
        self.on_drawer_changed = None

    def show_job(self, data: bytes) -> None:
        parsed = parse_escpos(data)
        if not any(line.strip() for line in parsed.lines):
            return  # a status poll: nothing came out of the printer
        self.jobs += 1
        lines = [ln.rstrip() for ln in parsed.lines]
        while lines and not lines[-1]:
            lines.pop()
        self.text.setPlainText("\n".join(lines + [""] + describe_events(parsed)))
        if any(type(e).__name__ == "DrawerPulse" for e in parsed.events):
            self.set_drawer_open(True)

    def set_drawer_open(self, is_open: bool) -> None:
        self.drawer_label.setText(_("Drawer: OPEN") if is_open else _("Drawer: closed"))
        self.drawer_label.setProperty("state", "warn" if is_open else "ok")
        self.drawer_label.style().unpolish(self.drawer_label)
        self.drawer_label.style().polish(self.drawer_label)
        self.close_drawer.setEnabled(is_open)
        if self.on_drawer_changed:
            self.on_drawer_changed(is_open)
