"""Number pads where numbers go (issue 12 "Touch"): the split-payment amount and the drawer count
take taps on a pad as well as typed keys."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractSpinBox

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.shift_dialogs import CloseShiftDialog, ReportViewerDialog
from pos_desktop.ui.views.tender_dialog import TenderDialog
from pos_desktop.ui.widgets.number_pad import NumberPad

DEMO_FLOAT = {100: 2, 200: 2, 500: 2, 1000: 2, 2000: 2}  # what --demo opens with: 76.00


def tap_digits(j, pad, digits: str):
    for key in digits:
        yield j.click(pad.buttons[key])


def test_a_split_payment_amount_is_tapped_on_the_pad(journey):
    def steps(j):
        from PySide6.QtCore import Qt

        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(4))
        yield j.key(Qt.Key.Key_F1)
        dialog = yield j.modal(TenderDialog)
        pad = dialog.findChild(NumberPad)
        assert pad is not None and pad.isVisible(), "no number pad for the amount"
        assert all(b.height() >= 44 for b in pad.buttons.values())
        yield from tap_digits(j, pad, "1.50")  # the offered rest is selected: the taps replace it
        assert dialog.amount.text() == "1.50"
        yield j.click(j.button(dialog, "Cash"))
        assert [t.amount_minor for t in dialog.split.tenders] == [150], dialog.message.text()
        yield from tap_digits(j, pad, "1")  # a tap replaces the new offer, a backspace fixes it
        yield j.click(pad.buttons["\u232b"])
        assert dialog.amount.text() == ""
        yield j.type("2")  # the keyboard still types into the same field
        assert dialog.amount.text() == "2"
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)


def test_the_closing_count_is_tapped_on_the_pad(journey):
    def steps(j):
        yield j.menu("Staff", "Close shift")
        close = yield j.modal(CloseShiftDialog)
        counter = close.counter
        assert counter.findChildren(QAbstractSpinBox) == []  # no tiny spin-box arrows
        pad = counter.findChild(NumberPad)
        assert pad is not None and pad.isVisible(), "no number pad for the count"
        for value, n in DEMO_FLOAT.items():
            yield j.tap(counter.spins[value])  # a finger on the note's field, then the pad
            yield from tap_digits(j, pad, str(n))
        assert "76.00" in counter.total.text(), counter.total.text()
        assert counter.count().total().amount_minor == 7600
        yield j.click(close.ok_button)
        z_viewer = yield j.modal(ReportViewerDialog)  # counted as expected: no recount asked
        assert z_viewer.report.kind == "Z"
        yield j.click(j.button(z_viewer, "Close"))
        yield j.closed(z_viewer)

    journey.run(steps)
