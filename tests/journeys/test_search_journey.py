"""Selling what has no barcode in hand: the cashier types part of the name and picks it."""

from PySide6.QtCore import Qt


def test_type_part_of_a_name_pick_with_down_and_enter(journey):
    def steps(j):
        yield j.type("chedd")
        results = j.view.search_results
        assert results.isVisible()
        assert results.item(0).text().startswith("Cheddar 400g")
        assert j.cart_names() == []  # typing only searches
        yield j.key(Qt.Key.Key_Down)
        yield j.key(Qt.Key.Key_Return)
        assert j.cart_names() == ["Cheddar 400g"]
        assert not results.isVisible() and j.view.entry.text() == ""

    journey.run(steps)


def test_words_and_enter_add_the_best_match_diacritics_ignored(journey):
    def steps(j):
        yield j.type("greek yog")
        yield j.key(Qt.Key.Key_Return)
        assert j.cart_names() == ["Greek yoghurt 500g"]

    journey.run(steps)


def test_a_tap_on_a_result_adds_it_and_esc_closes_the_list(journey):
    def steps(j):
        yield j.type("oat")
        results = j.view.search_results
        yield j.tap_row(results, 0)
        assert len(j.cart_names()) == 1 and "Oat" in j.cart_names()[0]
        yield j.type("crisps")
        assert results.isVisible()
        yield j.key(Qt.Key.Key_Escape)
        assert not results.isVisible() and j.view.entry.text() == ""

    journey.run(steps)


def test_a_scan_while_the_list_is_open_still_rings_up_the_scanned_item(journey):
    from pos_desktop.services.demo_data import demo_ean13

    def steps(j):
        yield j.type("chedd")
        yield j.scan(demo_ean13(1))
        assert j.cart_names() == ["Whole milk 1L"]

    journey.run(steps)


def test_typed_digits_still_look_up_the_exact_code(journey):
    from pos_desktop.services.demo_data import demo_ean13

    def steps(j):
        yield j.type(demo_ean13(2))
        yield j.key(Qt.Key.Key_Return)
        assert j.cart_names() == ["Semi-skimmed milk 1L"]

    journey.run(steps)
