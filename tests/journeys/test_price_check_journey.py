"""Price check: a customer asks what something costs; nothing is added to the cart."""

from PySide6.QtCore import Qt

from pos_desktop.ui.views.price_check_dialog import PriceCheckDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def test_look_up_by_name_then_close_and_the_cart_is_untouched(journey, till):
    from pos_desktop.services.demo_data import write_demo_weighed

    write_demo_weighed(till.db, till.settings.barcode_region)

    def steps(j):
        yield j.key(Qt.Key.Key_F, CTRL)
        dialog = yield j.modal(PriceCheckDialog)
        yield j.type("greek")
        yield j.key(Qt.Key.Key_Return)
        assert dialog.name.text() == "Greek yoghurt 500g"
        assert "2.49" in dialog.price.text() and "SKU" in dialog.details.text()
        yield j.type("4010000000012")  # loose tomatoes, typed off the shelf label
        yield j.key(Qt.Key.Key_Return)
        assert "Tomatoes" in dialog.name.text() and dialog.price.text().endswith("/ kg")
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.cart_names() == []

    journey.run(steps)
