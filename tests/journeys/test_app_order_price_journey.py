"""An app pushes an order at its own price: recalling it needs a manager's PIN, and both the
refusal and the approval are in the audit log."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from pos_desktop.storage import audit
from pos_desktop.ui.views.approval_dialog import ApprovalDialog
from pos_desktop.ui.views.parked_sales_dialog import ParkedSalesDialog


def push_order(j, price_minor: int) -> str:
    body = {
        "app_id": j.api.key.app_id,
        "api_version": "1",
        "reference": "1234",
        "lines": [{"sku": "SKU0000001", "quantity": 1, "unit_price_minor": price_minor}],
    }
    r = j.api.http.post("/v1/orders", json=body)
    assert r.status_code == 201, r.text
    return r.json()["parked_id"]


def outcomes(j) -> list[str]:
    return [e.outcome for e in audit.entries(j.db, "price_override.app_order")]


def test_an_app_price_needs_a_manager_at_recall(api_journey):
    def steps(j):
        push_order(j, 1)  # one cent for the demo's first product
        yield j.key(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        parked = yield j.modal(ParkedSalesDialog)
        yield j.key(Qt.Key.Key_Return)  # Recall
        approval = yield j.modal(ApprovalDialog)
        assert any("set its own prices" in lb.text() for lb in approval.findChildren(QLabel))
        yield j.key(Qt.Key.Key_Escape)  # the cashier has no manager at hand
        yield j.until(lambda: "manager must approve" in parked.message.text(), what="refused")
        assert j.cart_names() == [] and outcomes(j) == ["denied"]
        yield j.key(Qt.Key.Key_Return)  # try again, the manager is here now
        approval = yield j.modal(ApprovalDialog)
        yield j.pin(approval, "9999")
        yield j.closed(parked)
        yield j.until(lambda: j.cart_names(), what="order recalled")
        assert j.till.checkout.price().total_minor == 1
        assert outcomes(j) == ["denied", "granted"]

    api_journey.run(steps)
