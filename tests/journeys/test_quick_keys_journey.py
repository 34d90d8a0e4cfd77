"""Quick keys: a coffee rung up with one tap; a manager puts a product on a key at the till."""

from PySide6.QtCore import Qt

from pos_desktop.ui.views.login_dialog import LoginDialog
from pos_desktop.ui.views.quick_keys_dialog import QuickKeyEditor, QuickKeysDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def seed(till):
    till.departments.seed_demo()
    till.quick_keys.seed_demo()


def test_ring_an_espresso_and_a_croissant_from_the_quick_keys(journey, till):
    seed(till)

    def steps(j):
        yield j.key(Qt.Key.Key_K, CTRL)
        grid = yield j.modal(QuickKeysDialog)
        yield j.click(j.button(grid, "Espresso"))
        yield j.click(j.button(grid, "Croissant"))
        yield j.click(j.button(grid, "Espresso"))
        assert j.cart_names() == ["Espresso", "Croissant", "Espresso"]
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(grid)
        assert "4.59" in j.view.total_label.text()  # 1.80 + 0.99 + 1.80 (demo prices)
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.db_one("SELECT count(*) FROM sale_line WHERE name = 'Espresso'") == 2

    journey.run(steps)


def test_a_cashier_cannot_edit_the_keys(journey, till):
    seed(till)

    def steps(j):
        yield j.key(Qt.Key.Key_K, CTRL)
        grid = yield j.modal(QuickKeysDialog)
        yield j.click(grid.edit_button)
        assert not grid.edit_button.isChecked() and "manager" in grid.message.text()
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)


def test_a_manager_puts_cheddar_on_a_key_and_a_cashier_sells_it(journey, till):
    seed(till)

    def steps(j):
        yield j.key(Qt.Key.Key_L, CTRL)  # switch user: the manager
        login = yield j.modal(LoginDialog)
        yield j.choose(login.names, "Demo Manager")
        yield j.pin(login, "9999")
        yield j.closed(login)
        yield j.key(Qt.Key.Key_K, CTRL)
        grid = yield j.modal(QuickKeysDialog)
        yield j.click(grid.edit_button)
        assert grid.editing
        yield j.click(grid.keys[12])  # an empty key
        editor = yield j.modal(QuickKeyEditor)
        yield j.type("chedd")
        yield j.key(Qt.Key.Key_Down)
        yield j.key(Qt.Key.Key_Return)
        assert editor.label.text() == "Cheddar 400g"
        yield j.click(j.button(editor, "Save key"))
        yield j.closed(editor)
        yield j.click(grid.edit_button)  # back to selling
        yield j.click(grid.keys[12])
        assert j.cart_names() == ["Cheddar 400g"]
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)
    assert till.quick_keys.page(1)[12].sku == "SKU0000006"
