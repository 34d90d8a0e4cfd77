"""Customers at the till: create one at the counter (offline), attach, pay, see the history;
find an existing one by phone; a duplicate e-mail is caught."""

import json

from PySide6.QtCore import Qt

from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.views.customer_dialog import CustomerDialog

CTRL = Qt.KeyboardModifier.ControlModifier


def test_create_a_customer_attach_them_and_pay(journey, till):
    def steps(j):
        yield j.scan(demo_ean13(1))
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.click(j.button(dialog, "New customer"))
        yield j.type("Anna Schmidt")
        yield j.click(dialog.phone)  # the cashier taps the next field
        yield j.type("+49 30 1234567")
        yield j.click(dialog.email)
        yield j.type("anna@example.org")
        yield j.click(dialog.consent)
        yield j.click(j.button(dialog, "Create and attach"))
        assert "Anna Schmidt created and attached" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)
        assert j.window.customer_chip.text() == "Customer: Anna Schmidt"
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert not j.window.customer_chip.isVisible()  # the next sale starts without them
        row = j.db_one("SELECT phone, email, marketing_consent, consent_source FROM customer")
        assert row[:3] == ("+49301234567", "anna@example.org", 1) and "till" in row[3]
        linked = j.db_one(
            "SELECT c.name FROM sale_customer s JOIN customer c ON c.id = s.customer_id"
        )
        assert linked == "Anna Schmidt"
        events = {r[0]: json.loads(r[1]) for r in till.db.execute_sql(
            "SELECT type, payload FROM outbox").fetchall()}  # fmt: skip
        assert events["customer.created"]["marketing_consent"] is True
        assert events["sale.completed"]["customer_id"] == events["customer.created"]["customer_id"]

    journey.run(steps)


def test_find_by_phone_attach_and_see_the_last_purchase(journey, till):
    service = till.customers
    service.create("Ben Okafor", phone="0171 555 0101")

    def steps(j):
        yield j.scan(demo_ean13(2))
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.type("5550")
        assert dialog.results.count() == 1 and "Ben Okafor" in dialog.results.item(0).text()
        yield j.key(Qt.Key.Key_Return)
        assert "Ben Okafor is attached" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        yield j.scan(demo_ean13(3))
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.type("ben")
        yield j.key(Qt.Key.Key_Return)
        assert "Last purchases:" in dialog.attached.text() and "#1" in dialog.attached.text()
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)


def test_a_duplicate_e_mail_is_caught_and_nothing_is_created(journey, till):
    till.customers.create("Anna Schmidt", email="anna@example.org")

    def steps(j):
        yield j.key(Qt.Key.Key_U, CTRL)
        dialog = yield j.modal(CustomerDialog)
        yield j.click(j.button(dialog, "New customer"))
        yield j.type("A. Schmidt")
        yield j.click(dialog.email)
        yield j.type("ANNA@example.org")
        yield j.click(j.button(dialog, "Create and attach"))
        assert "Anna Schmidt already has this e-mail" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)

    journey.run(steps)
    assert till.db.execute_sql("SELECT count(*) FROM customer").fetchone()[0] == 1
