"""Choices a finger makes (issue 12 "Touch", issue 16): full-width buttons at least 44 px high
with a checked state a person can see, instead of small radio buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPushButton, QRadioButton

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.theme import stylesheet
from pos_desktop.ui.views.discount_dialog import DiscountDialog


def face(button) -> QColor:
    """The colour a person sees on the button's face, off its text (left of centre, low)."""
    image = button.grab().toImage()
    return image.pixelColor(6, image.height() - 8)


def test_discount_choices_are_big_buttons_with_a_visible_checked_state(journey, qapp):
    qapp.setStyleSheet(stylesheet())  # as the till runs

    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.scan(demo_ean13(3))
        yield j.key(Qt.Key.Key_F10)
        dialog = yield j.modal(DiscountDialog)
        yield j.wait(50)
        assert dialog.findChildren(QRadioButton) == []
        line, order = j.button(dialog, "This line"), j.button(dialog, "Whole order")
        percent, amount = j.button(dialog, "Percent"), j.button(dialog, "Amount")
        for button in (line, order, percent, amount):
            assert isinstance(button, QPushButton) and button.isCheckable()
            assert button.height() >= 44, (button.text(), button.height())
        room = dialog.contentsRect().width() - 40  # the layout's margins
        assert line.width() >= room and order.width() >= room, (line.width(), room)
        assert line.isChecked() and not order.isChecked()
        checked, unchecked = face(line), face(order)
        assert abs(checked.lightness() - unchecked.lightness()) > 60, (
            checked.name(),
            unchecked.name(),
        )
        yield j.click(order)  # a finger on the whole-order choice
        assert order.isChecked() and not line.isChecked()
        assert face(order) == checked and face(line) == unchecked
        yield j.click(amount)
        assert amount.isChecked() and not percent.isChecked()
        assert dialog.value.hasFocus()  # taps keep the keyboard in the value field
        yield j.type("0.10")  # under the limit: no approval
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(dialog)
        assert "Discount applied" in j.message(), j.message()
        assert j.view.checkout.cart.order_discount.amount_minor == 10

    try:
        journey.run(steps)
    finally:
        qapp.setStyleSheet("")


def test_discount_keys_still_choose(journey):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_F10)
        dialog = yield j.modal(DiscountDialog)
        yield j.key(Qt.Key.Key_F6)  # a button's shortcut clicks it as a finger would (~0.1 s)
        yield j.until(j.button(dialog, "Whole order").isChecked, what="Whole order chosen")
        yield j.key(Qt.Key.Key_F7)  # a button's shortcut clicks it as a finger would (~0.1 s)
        yield j.until(j.button(dialog, "New price").isChecked, what="New price chosen")
        yield j.key(Qt.Key.Key_F5)  # a button's shortcut clicks it as a finger would (~0.1 s)
        yield j.until(j.button(dialog, "This line").isChecked, what="This line chosen")
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

    journey.run(steps)
