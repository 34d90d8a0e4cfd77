"""Price check: a customer asks what something costs; nothing is added to the cart."""

from PySide6.QtCore import Qt

from pos_desktop.ui.views.price_check_dialog import PriceCheckDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def test_look_up_by_name_then_close_and_the_cart_is_untouched(journey, till):
    from pos_desktop.services.demo_data import write_demo_weighed

    write_demo_weighed(till.db, till.settings.barcode_region)
    till.db.execute_sql(
        "INSERT INTO stock_level (sku, quantity, updated_at) VALUES ('SKU0000005', '7', "
        "'2026-11-26T09:00:00Z')"
    )

    def steps(j):
        yield j.key(Qt.Key.Key_F, CTRL)
        dialog = yield j.modal(PriceCheckDialog)
        yield j.type("greek")
        yield j.key(Qt.Key.Key_Return)
        assert dialog.name.text() == "Greek yoghurt 500g"
        assert "2.49" in dialog.price.text() and "SKU" in dialog.details.text()
        assert "On hand: 7" in dialog.details.text()  # the cloud's figure (set below)
        yield j.type("4010000000012")  # loose tomatoes, typed off the shelf label
        yield j.key(Qt.Key.Key_Return)
        assert "Tomatoes" in dialog.name.text() and dialog.price.text().endswith("/ kg")
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.cart_names() == []

    journey.run(steps)


def test_print_a_shelf_label_from_the_price_check(journey, sim_printer):
    from hardware.escpos_parse import BarcodePrinted, parse_escpos
    from pos_desktop.services.demo_data import demo_ean13
    from tests.conftest import paper_jobs

    def steps(j):
        yield j.key(Qt.Key.Key_F, CTRL)
        dialog = yield j.modal(PriceCheckDialog)
        yield j.type(demo_ean13(4))  # butter, typed off the package
        yield j.key(Qt.Key.Key_Return)
        assert dialog.name.text() == "Butter 250g"
        yield j.click(dialog.label_button)
        yield j.until(lambda: paper_jobs(sim_printer), what="label printed")
        parsed = parse_escpos(paper_jobs(sim_printer)[-1])
        assert "Butter 250g" in parsed.lines[0] and any("/ kg" in ln for ln in parsed.lines)
        barcodes = [e.data for e in parsed.events if isinstance(e, BarcodePrinted)]
        assert barcodes == [demo_ean13(4)]
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)
