"""The steps after a stored sale, run by the after-sale service (not by the window): the receipt
with the drawer kick first for cash, the count of stored sales, and the app's payment request
the sale paid, settled with its callback sent."""

from __future__ import annotations

from test_pos_api_support import CallbackReceiver, request_body

from hardware.escpos_parse import DrawerPulse, parse_escpos
from pos_desktop.domain.money import Money
from pos_desktop.services.after_sale import AppRequestSettled
from pos_desktop.services.callbacks import RetryPolicy
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.payment_request_flow import PaymentRequestTill
from tests.conftest import paper_jobs


def test_a_cash_sale_prints_with_the_drawer_kick_first(till, sim_printer):
    till.checkout.scan(demo_ean13(1))
    sale = till.checkout.pay_cash(Money(500, "EUR"))

    after = till.after_sale.sale_stored(sale)

    assert after.sales_saved == 1 and after.app_request is None
    outcome = after.receipt.result(timeout=10)
    assert outcome.status == "printed" and outcome.drawer_opened
    (job,) = paper_jobs(sim_printer)
    receipt = parse_escpos(job)
    kinds = [type(e).__name__ for e in receipt.events]
    # the pulse goes before anything is laid out or printed: the drawer opens while it prints
    assert kinds.index(DrawerPulse.__name__) < kinds.index("Align"), kinds
    assert "TOTAL" in receipt.text
    assert till.db.execute_sql("SELECT reason, sale_id, status FROM drawer_event").fetchall() == [
        ("sale", sale.sale_id, "sent")
    ]
    assert till.db.execute_sql("SELECT kind, status FROM print_job").fetchall() == [
        ("receipt", "printed")
    ]


def test_a_sale_that_paid_an_app_request_settles_it_and_calls_back(till):
    api = till.start_pos_api(retry=RetryPolicy(base_s=0.05, cap_s=0.2))
    with CallbackReceiver() as receiver:
        app = api.register_app("Web shop", receiver.prefix)
        body = request_body(app.app_id, receiver.prefix)
        request_id = api.create_request(api.repo.app(app.app_id), body).request.id
        flow = PaymentRequestTill(api, till.checkout)
        flow.begin(request_id)
        sale = flow.pay_cash(Money(2000, "EUR"))

        after = till.after_sale.sale_stored(sale)

        assert after.app_request == AppRequestSettled(request_id, "approved")
        assert api.request(request_id).status == "approved"
        assert receiver.got_one.wait(10)
        assert receiver.received[0].json["status"] == "approved"
        assert after.receipt.result(timeout=10).status == "printed"
        # a later sale pays no request: nothing is settled twice
        till.checkout.scan(demo_ean13(2))
        again = till.after_sale.sale_stored(till.checkout.pay_cash(Money(500, "EUR")))
        assert again.app_request is None and again.sales_saved == 2
