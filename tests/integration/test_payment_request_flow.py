"""The payment request flow in the service: its own sale, charged exactly what was asked, even
when a caller that is not the till's screen changes the cart behind it."""

from __future__ import annotations

import pytest
from test_pos_api_support import request_body

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.payment_request_flow import PaymentRequestTill
from pos_desktop.services.pos_api import PosApiService


@pytest.fixture
def flow(till):
    service = PosApiService(till.db, till.settings, till.clock)
    app = service.register_app("Web shop", "http://127.0.0.1:9/pos/")
    row = service.repo.app(app.app_id)
    rid = service.create_request(
        row, request_body(app.app_id, "http://127.0.0.1:9/pos/")
    ).request.id
    return PaymentRequestTill(service, till.checkout), rid


def sales(till) -> int:
    return till.db.execute_sql("SELECT count(*) FROM sale").fetchone()[0]


def test_a_request_starts_only_on_an_empty_cart(flow, till):
    flow, rid = flow
    till.checkout.scan(demo_ean13(1))
    with pytest.raises(DomainError, match="park the current sale"):
        flow.begin(rid)
    assert flow.api.request(rid).status == "pending"  # still waiting for the cashier


def test_cash_pays_exactly_the_requested_amount(flow, till):
    flow, rid = flow
    flow.begin(rid)
    sale = flow.pay_cash(Money(2000, "EUR"))
    assert sale.total_minor == 1250 and sale.change_minor == 750
    assert flow.api.complete_from_sale(sale).status == "approved"


def test_a_cart_changed_behind_the_request_is_never_charged(flow, till):
    flow, rid = flow
    flow.begin(rid)
    till.checkout.scan(demo_ean13(1))  # a script, not the screen (which refuses scans)
    with pytest.raises(DomainError, match="no longer matches"):
        flow.pay_cash(Money(5000, "EUR"))
    with pytest.raises(DomainError, match="no longer matches"):
        flow.pay_other("invoice")
    assert sales(till) == 0
    flow.give_up()
    assert flow.api.request(rid).status == "declined" and not flow.running
    assert till.checkout.cart.is_empty


def test_scans_are_refused_with_a_message_naming_the_app(flow):
    flow, rid = flow
    flow.begin(rid)
    text = flow.refuse_scan("4006381333931")
    assert "NOT added" in text and "Web shop" in text and "after this payment" in text
