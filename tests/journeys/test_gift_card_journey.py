"""Gift cards and loyalty points at the till, against a real cloud on loopback: sell a card
(Ctrl+Shift+V), check its balance, pay with it (F1, scan), refused while the cloud is down;
earn points with a customer attached, see them, spend them with the customer's consent (F4);
a Coffee line earns double points when the owner set ``loyalty_group_rates`` Coffee=2."""

from __future__ import annotations

from argparse import Namespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from hardware.escpos_parse import parse_escpos
from pos_desktop.cli.admin_sync import run_enroll
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.store_admin import set_values
from pos_desktop.storage import outbox, sync_repo
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.storage.promotion_repo import category_group
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.push import Pusher
from pos_desktop.ui.views.customer_dialog import CustomerDialog
from pos_desktop.ui.views.gift_card_dialog import GiftCardDialog
from pos_desktop.ui.views.tender_dialog import TenderDialog
from tests.conftest import paper_jobs
from tests.sync.sync_helpers import cloud_fixture

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier

journey_cloud = cloud_fixture("sqlite")


@pytest.fixture
def enrolled(journey_cloud, till):
    """The journey's till enrolled with the cloud (as ``pos-admin enroll`` does)."""
    server, cloud = journey_cloud
    store = cloud.store("EUR")
    args = Namespace(
        data_dir=till.config.data_dir,
        cloud=server.url,
        code=cloud.code(store),
        name="Lane 1",
        force=False,
    )
    assert run_enroll(args) == 0
    return server, cloud


def push(till) -> None:
    creds = sync_repo.load_credentials(till.db)
    with CloudClient(creds.cloud_url, creds.token) as client:
        Pusher(till.db, client).push_pending()
    assert not outbox.pending(till.db)


def cloud_balance(till, path: str) -> int:
    creds = sync_repo.load_credentials(till.db)
    with CloudClient(creds.cloud_url, creds.token) as client:
        return client.request("GET", path)["balance"]


def attach_cleo(j):
    """Ctrl+U, type "Cleo", Enter attaches her, Esc closes the customer dialog."""
    yield j.key(Qt.Key.Key_U, CTRL)
    dialog = yield j.modal(CustomerDialog)
    yield j.type("Cleo")
    yield j.key(Qt.Key.Key_Return)
    yield j.key(Qt.Key.Key_Escape)
    yield j.closed(dialog)


def test_sell_a_gift_card_check_it_and_pay_with_it(enrolled, journey, till):
    server, _cloud = enrolled

    def steps(j):
        yield j.key(Qt.Key.Key_V, CTRL_SHIFT)
        dialog = yield j.modal(GiftCardDialog)
        yield j.scan("GC-JOURNEY-1")
        yield j.type("25.00")
        yield j.key(Qt.Key.Key_Return)
        yield j.closed(dialog)
        assert j.cart_names() == ["Gift card GC-JOURNEY-1"]
        assert "loaded once the sale is paid" in j.message()
        yield j.key(Qt.Key.Key_F5)  # exact cash
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        assert j.db_one("SELECT tax_minor FROM sale_line") == 0  # not taxable revenue
        push(till)
        assert cloud_balance(till, "/v1/gift-cards/GC-JOURNEY-1") == 2500

        yield j.key(Qt.Key.Key_V, CTRL_SHIFT)  # the customer asks what is on it
        dialog = yield j.modal(GiftCardDialog)
        yield j.scan("GC-JOURNEY-1")
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: "holds" in dialog.message.text(), what="the balance shown")
        assert "25.00" in dialog.message.text()
        yield j.key(Qt.Key.Key_Escape)
        yield j.closed(dialog)

        yield j.scan(demo_ean13(1))
        total = till.checkout.totals().total.amount_minor
        yield j.key(Qt.Key.Key_F1)
        tender = yield j.modal(TenderDialog)
        yield j.scan("gc-journey-1")  # any case: one card
        if total > 2500:  # the card holds less than the total: cash for the rest
            yield j.until(lambda: tender.tenders.count() == 1, what="the card listed")
            assert tender.split.tenders[0].kind == "gift_card"
            yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 2, what="paid")
        assert cloud_balance(till, "/v1/gift-cards/GC-JOURNEY-1") == max(0, 2500 - total)
        paid = j.db_one("SELECT amount_minor FROM payment WHERE tender = 'gift_card'")
        assert paid == min(2500, total)

        server.stop()  # the cloud is gone: the card cannot be spent
        try:
            yield j.scan(demo_ean13(2))
            yield j.key(Qt.Key.Key_F1)
            tender = yield j.modal(TenderDialog)
            yield j.scan("GC-JOURNEY-1")
            yield j.until(lambda: "cannot be reached" in tender.message.text(), timeout_s=15)
            assert not tender.split.tenders
            yield j.key(Qt.Key.Key_Escape)
            yield j.closed(tender)
        finally:
            server.start()

    journey.run(steps, timeout_s=60)


def test_points_earned_shown_and_spent_with_the_customers_consent(
    enrolled, journey, till, sim_printer
):
    save_checkout_settings(till.db, CheckoutSettings(loyalty_points_per_unit=100))
    till.reload_checkout_settings()
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")

    def steps(j):
        yield j.scan(demo_ean13(3))
        yield from attach_cleo(j)
        earned = till.checkout.totals().total.amount_minor  # 100 points per 1.00 = 1 per cent
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        push(till)
        path = f"/v1/customers/{customer.customer_id}/points"
        assert cloud_balance(till, path) == earned

        yield j.scan(demo_ean13(4))
        yield from attach_cleo(j)
        yield j.until(
            lambda: f"Cleo Park · {earned} points" in j.window.customer_chip.text(),
            what="points on the chip",
        )
        yield j.key(Qt.Key.Key_F1)
        tender = yield j.modal(TenderDialog)
        due = tender.split.remaining_minor
        yield j.key(Qt.Key.Key_F4)
        ask = yield j.modal(QMessageBox)
        assert f"has {earned} points" in ask.text()
        yield j.click(ask.button(QMessageBox.StandardButton.Yes))
        spent = min(earned, due)
        if spent < due:
            yield j.until(lambda: tender.tenders.count() == 1, what="points listed")
            yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 2, what="paid")
        assert j.db_one("SELECT amount_minor FROM payment WHERE tender = 'points'") == spent
        yield j.until(lambda: len(paper_jobs(sim_printer)) >= 2, what="receipt printed")
        paper = parse_escpos(paper_jobs(sim_printer)[-1]).text
        assert "Points left" in paper and str(earned - spent) in paper
        assert customer.customer_id not in paper  # the id is not for paper

    journey.run(steps, timeout_s=60)
    push(till)
    sold = till.db.execute_sql("SELECT total_minor FROM sale ORDER BY receipt_number").fetchall()
    second = sold[1][0]
    path = f"/v1/customers/{customer.customer_id}/points"
    first = sold[0][0]
    spent = min(first, second)
    assert cloud_balance(till, path) == first - spent + (second - spent)


def test_a_coffee_line_earns_double_points_on_the_status_bar(enrolled, journey, till):
    set_values(till.db, {"loyalty_points": "100", "loyalty_group_rates": "Coffee=2, Tobacco=0"})
    till.reload_checkout_settings()
    (pid,) = till.db.execute_sql(
        "SELECT product_id FROM barcode WHERE gtin = ?", (demo_ean13(5).zfill(14),)
    ).fetchone()
    till.db.execute_sql(  # as the cloud's products feed files it under its category
        "INSERT INTO product_group_member (group_code, product_id) VALUES (?, ?)",
        (category_group("Coffee"), pid),
    )
    customer = till.customers.create("Cleo Park", phone="0171 555 0199")

    def steps(j):
        yield j.scan(demo_ean13(5))
        yield from attach_cleo(j)
        paid = till.checkout.totals().total.amount_minor
        yield j.key(Qt.Key.Key_F5)
        yield j.until(lambda: j.db_one("SELECT count(*) FROM sale") == 1, what="sale saved")
        push(till)
        assert cloud_balance(till, f"/v1/customers/{customer.customer_id}/points") == 2 * paid

        yield j.scan(demo_ean13(6))
        yield from attach_cleo(j)
        yield j.until(
            lambda: f"Cleo Park · {2 * paid} points" in j.window.customer_chip.text(),
            what="points on the chip",
        )

    journey.run(steps, timeout_s=60)
