"""Stock pages of a store: on hand, movements, low stock, transfers, purchase orders.

Purchase orders are made and closed here (audited); transfers are sent and received at the
tills (their stock moves with the tills' events), so the web lists them only.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from .. import purchase_orders, restock, suppliers
from ..db import connection, database_proxy
from ..errors import BadInput
from . import audit, money, po_documents, stock_views
from .accounts import Viewer
from .site import csrf_viewer, current_viewer, download, render, store_for

router = APIRouter(prefix="/app/stores/{store_id}")


@router.get("/stock")
def stock(request: Request, store_id: str, q: str = "", viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        rows = stock_views.stock_rows(store.id, q)
    return render(request, "stock.html", store=store, page_name="stock", rows=rows, q=q)


@router.get("/stock/{sku}/movements")
def movements(request: Request, store_id: str, sku: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        rows = stock_views.movement_rows(store.id, sku)
        name = stock_views.product_name(store.id, sku)
    return render(
        request, "stock_movements.html", store=store, page_name="stock", sku=sku, name=name,
        rows=rows,
    )  # fmt: skip


@router.get("/low-stock")
def low_stock(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        rows = stock_views.low_rows(store.id)
        known = suppliers.listing(store.id)
    return render(
        request, "low_stock.html", store=store, page_name="low-stock", rows=rows, form={},
        suppliers=known,
    )  # fmt: skip


@router.get("/transfers")
def transfer_list(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        rows = stock_views.transfer_rows(store.id)
    in_transit = [r for r in rows if r["status"] == "in_transit"]
    done = [r for r in rows if r["status"] != "in_transit"]
    return render(
        request, "transfers.html", store=store, page_name="transfers", in_transit=in_transit,
        done=done,
    )  # fmt: skip


def _orders_page(request, store, *, error=None, form=None, status_code=200):
    rows = purchase_orders.listing(store.id)
    return render(
        request, "purchase_orders.html", status_code=status_code, store=store,
        page_name="purchase-orders", rows=rows, error=error, form=form or {},
        suppliers=suppliers.listing(store.id),
    )  # fmt: skip


@router.get("/purchase-orders")
def order_list(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        return _orders_page(request, store)


def order_lines(store, typed: str, skus: list[str], quantities: list[str]):
    """Lines from the hand-typed text (``SKU QUANTITY [UNIT COST]`` a line) and from the
    low-stock list's fields (a quantity left empty or 0 is not ordered)."""
    lines: list[purchase_orders.OrderLine] = []
    for number, raw in enumerate(typed.splitlines(), 1):
        parts = raw.replace(";", " ").replace("\t", " ").split()
        if not parts:
            continue
        if len(parts) not in (2, 3):
            raise BadInput(
                f"Line {number} ('{raw.strip()[:60]}'): write SKU QUANTITY and optionally the "
                "unit cost, e.g. 'A1 12 0.85'."
            )
        cost = money.parse_amount(parts[2], store.currency) if len(parts) == 3 else None
        where = f"Line {number} ({parts[0]})"
        lines.append(
            purchase_orders.OrderLine(
                parts[0], purchase_orders.parse_quantity(parts[1], where), cost
            )
        )
    for sku, quantity in zip(skus, quantities, strict=False):
        if not quantity.strip().strip("0.,"):  # empty, 0, 0.0: left out
            continue
        lines.append(purchase_orders.OrderLine(sku, purchase_orders.parse_quantity(quantity, sku)))
    return lines


def parse_date(text: str) -> dt.date | None:
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"'{text}' is no date; write it YYYY-MM-DD.") from None


@router.post("/purchase-orders")
async def create_order(request: Request, store_id: str, viewer: Viewer = Depends(csrf_viewer)):
    form = await request.form()
    typed = str(form.get("lines") or "")
    skus = [str(v) for v in form.getlist("line_sku")]
    quantities = [str(v) for v in form.getlist("line_quantity")]
    supplier = str(form.get("supplier") or "")
    expected = str(form.get("expected_date") or "")

    from starlette.concurrency import run_in_threadpool

    def work():
        with connection():
            store = store_for(viewer, store_id)
            try:
                lines = order_lines(store, typed, skus, quantities)
                with database_proxy.atomic():
                    order = purchase_orders.create(store.id, supplier, parse_date(expected), lines)
                    audit.record(
                        viewer, "purchase_order.create", "purchase_order", order["id"],
                        store_id=store.id, after=_audited(order),
                    )  # fmt: skip
            except BadInput as exc:
                form_back = {"supplier": supplier, "expected_date": expected, "lines": typed}
                return _orders_page(request, store, error=str(exc), form=form_back, status_code=422)
        return RedirectResponse(
            f"/app/stores/{store.id}/purchase-orders/{order['id']}", status_code=303
        )

    return await run_in_threadpool(work)


def _audited(order: dict) -> dict:
    return {
        "number": order["number"],
        "supplier": order["supplier"],
        "status": order["status"],
        "lines": [{"sku": ln["sku"], "ordered": ln["ordered"]} for ln in order["lines"]],
    }


@router.get("/purchase-orders/{order_id}")
def order_view(
    request: Request, store_id: str, order_id: str, viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        order = purchase_orders.as_dict(purchase_orders.get(store.id, order_id))
        supplier = po_documents.supplier_of(store, order)
    return render(
        request, "purchase_order.html", store=store, page_name="purchase-orders", order=order,
        supplier=supplier,
    )  # fmt: skip


@router.post("/purchase-orders/{order_id}/close")
def close_order(store_id: str, order_id: str, viewer: Viewer = Depends(csrf_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        with database_proxy.atomic():
            before = purchase_orders.as_dict(purchase_orders.get(store.id, order_id))
            after = purchase_orders.close(store.id, order_id)
            if before["status"] != after["status"]:
                audit.record(
                    viewer, "purchase_order.close", "purchase_order", order_id,
                    store_id=store.id, before={"status": before["status"]},
                    after={"status": after["status"]},
                )  # fmt: skip
    return RedirectResponse(f"/app/stores/{store.id}/purchase-orders/{order_id}", status_code=303)


def _order_file_name(store, order: dict, ext: str) -> str:
    safe = "".join(c if c.isalnum() else "-" for c in order["supplier"])[:40] or "supplier"
    return f"PO{order['number']}_{safe}.{ext}"


@router.get("/purchase-orders/{order_id}/po.pdf")
def order_pdf(store_id: str, order_id: str, viewer: Viewer = Depends(current_viewer)):
    """The order as a PDF to send to the supplier."""
    with connection():
        store = store_for(viewer, store_id)
        order = purchase_orders.as_dict(purchase_orders.get(store.id, order_id))
        body = po_documents.order_pdf(store, order)
    return download(body, _order_file_name(store, order, "pdf"), "application/pdf")


@router.get("/purchase-orders/{order_id}/po.csv")
def order_csv(store_id: str, order_id: str, viewer: Viewer = Depends(current_viewer)):
    """The order as a CSV (one line a product) for a supplier's ordering system."""
    with connection():
        store = store_for(viewer, store_id)
        order = purchase_orders.as_dict(purchase_orders.get(store.id, order_id))
        body = po_documents.order_csv(store, order).encode("utf-8")
    return download(body, _order_file_name(store, order, "csv"), "text/csv; charset=utf-8")


def _suppliers_page(request, store, *, error=None, form=None, status_code=200):
    return render(
        request, "suppliers.html", status_code=status_code, store=store, page_name="suppliers",
        rows=suppliers.listing(store.id), error=error, form=form or {},
        default_days=restock.DEFAULT_LEAD_TIME_DAYS,
    )  # fmt: skip


@router.get("/suppliers")
def supplier_list(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        return _suppliers_page(request, store)


@router.post("/suppliers")
def save_supplier(
    request: Request,
    store_id: str,
    name: str = Form(""),
    email: str = Form(""),
    lead_time_days: str = Form(""),
    supplier_id: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """Add a supplier, or change one (``supplier_id``); audited."""
    with connection():
        store = store_for(viewer, store_id)
        try:
            with database_proxy.atomic():
                before = (
                    suppliers.as_dict(suppliers.get(store.id, supplier_id)) if supplier_id else None
                )
                saved = suppliers.save(store.id, name, email, lead_time_days, supplier_id)
                audit.record(
                    viewer, "supplier.update" if before else "supplier.create", "supplier",
                    saved.id, store_id=store.id, before=before, after=suppliers.as_dict(saved),
                )  # fmt: skip
        except BadInput as exc:
            form = {"name": name, "email": email, "lead_time_days": lead_time_days}
            return _suppliers_page(request, store, error=str(exc), form=form, status_code=422)
    return RedirectResponse(f"/app/stores/{store.id}/suppliers", status_code=303)
