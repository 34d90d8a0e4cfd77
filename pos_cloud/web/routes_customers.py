"""Customer pages: find (search as you type), look at one, change contact details, and the
GDPR actions: export (JSON), merge two duplicates, erase; plus the marketing-consent CSV and
a business customer's invoice details.

Customers belong to one store, so an owner sees every store's (switching stores) and a store
manager their own store's. Managers look after their customers (edit, merge, export); erasing
personal data for good is the owner's decision, like the store's API tokens. Every change and
every download of personal data is in the audit trail (without the personal data itself).
"""

from __future__ import annotations

import csv
import io
import json

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from .. import customers
from ..db import connection, database_proxy
from ..errors import BadInput, CloudError
from . import audit, customer_book
from .accounts import Viewer
from .site import csrf_viewer, current_viewer, download, render, require_owner, store_for

router = APIRouter(prefix="/app/stores/{store_id}/customers")
PAGE_SIZE = 25


def _wants_rows(request: Request) -> bool:
    """htmx asks for the rows only; but Back onto a pushed search URL that htmx has no
    snapshot of also carries ``HX-Request`` and must get the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _not_cached(response):
    """The same URL answers rows or a whole page (and shows personal data): no cache may
    keep it, or hand the rows to Back."""
    response.headers["Vary"] = "HX-Request"
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("")
def customer_list(
    request: Request,
    store_id: str,
    q: str = "",
    page: int = 1,
    viewer: Viewer = Depends(current_viewer),
):
    """The list; with ``HX-Request`` only its rows (the search box asks as you type)."""
    page = max(page, 1)
    with connection():
        store = store_for(viewer, store_id)
        rows = customer_book.search(store.id, q[:200], PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)
    template = "_customer_rows.html" if _wants_rows(request) else "customers.html"
    return _not_cached(
        render(
            request,
            template,
            store=store,
            page_name="customers",
            rows=rows[:PAGE_SIZE],
            q=q,
            page=page,
            more=len(rows) > PAGE_SIZE,
        )
    )


@router.get("/marketing.csv")
def marketing_csv(store_id: str, viewer: Viewer = Depends(current_viewer)):
    """The customers who agreed to marketing, for a CRM or e-mail marketing tool."""
    with connection(), database_proxy.atomic():
        store = store_for(viewer, store_id)
        body = customers.marketing_csv(store.id)
        rows = max(len(list(csv.reader(io.StringIO(body)))) - 1, 0)  # a name may hold a CRLF
        audit.record(
            viewer,
            "customer.marketing_csv",
            "store",
            store.id,
            store_id=store.id,
            after={"rows": rows},
        )
    safe = "".join(c if c.isalnum() else "-" for c in store.name)[:40] or "store"
    return download(
        body.encode("utf-8"), f"{safe}_marketing-consent.csv", "text/csv; charset=utf-8"
    )


def _customer_page(request: Request, viewer: Viewer, store, customer_id: str, status=200, **ctx):
    with connection():
        profile = customer_book.profile(store, customer_id)
    return render(
        request,
        "customer.html",
        status,
        store=store,
        page_name="customers",
        p=profile,
        c=profile.customer,
        **ctx,
    )


@router.get("/{customer_id}")
def customer_page(
    request: Request,
    store_id: str,
    customer_id: str,
    merged: int | None = None,
    viewer: Viewer = Depends(current_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
    saved = (
        None
        if merged is None
        else f"Merged: the duplicate's sales and {merged} point(s) moved here."
    )
    return _customer_page(request, viewer, store, customer_id, saved=saved)


@router.post("/{customer_id}/contact")
def change_contact(
    request: Request,
    store_id: str,
    customer_id: str,
    name: str = Form(""),
    email: str = Form(""),
    phone: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
    try:
        with connection():
            changed = customer_book.change_contact(
                viewer, store.id, customer_id, name, email, phone
            )
    except BadInput as exc:
        return _customer_page(request, viewer, store, customer_id, exc.status_code, error=str(exc))
    saved = "Contact details saved; the tills get them with their next sync."
    return _customer_page(
        request, viewer, store, customer_id, saved=saved if changed else "Nothing changed."
    )


@router.post("/{customer_id}/invoice")
def change_invoice_details(
    request: Request,
    store_id: str,
    customer_id: str,
    address: str = Form(""),
    vat_id: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """A business customer's billing address and VAT id (both set: receipts are invoices)."""
    with connection():
        store = store_for(viewer, store_id)
    try:
        with connection():
            changed = customer_book.change_invoice_details(
                viewer, store.id, customer_id, address, vat_id
            )
    except BadInput as exc:  # the form keeps what was typed, to be corrected
        typed = {"address": address, "vat_id": vat_id}
        return _customer_page(
            request, viewer, store, customer_id, exc.status_code, error=str(exc), typed=typed
        )
    saved = "Invoice details saved." if changed else "Nothing changed."
    return _customer_page(request, viewer, store, customer_id, saved=saved)


@router.post("/{customer_id}/marketing")
def marketing_consent(
    request: Request,
    store_id: str,
    customer_id: str,
    agreed: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """The customer agreed to marketing (``agreed=1``) or withdrew their consent."""
    with connection():
        store = store_for(viewer, store_id)
    try:
        with connection():
            customer_book.set_marketing_consent(viewer, store.id, customer_id, agreed == "1")
    except BadInput as exc:
        return _customer_page(request, viewer, store, customer_id, exc.status_code, error=str(exc))
    saved = "Marketing consent recorded." if agreed == "1" else "Marketing consent withdrawn."
    return _customer_page(request, viewer, store, customer_id, saved=saved)


@router.get("/{customer_id}/export.json")
def export_json(store_id: str, customer_id: str, viewer: Viewer = Depends(current_viewer)):
    """Everything held about the customer (GDPR access), as a JSON file."""
    with connection(), database_proxy.atomic():
        store = store_for(viewer, store_id)
        body = customers.export(store.id, customer_id)
        audit.record(viewer, "customer.export", "customer", customer_id, store_id=store.id)
    content = json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8")
    return download(content, f"customer-{customer_id}.json", "application/json")


@router.get("/{customer_id}/merge")
def merge_page(
    request: Request,
    store_id: str,
    customer_id: str,
    into: str = "",
    q: str = "",
    viewer: Viewer = Depends(current_viewer),
):
    """Pick the customer to keep (search as you type), then confirm the merge."""
    with connection():
        store = store_for(viewer, store_id)
        duplicate = customer_book.get(store.id, customer_id)
    if duplicate.deleted:
        gone = "This customer is merged or erased already."
        return _customer_page(request, viewer, store, customer_id, 422, error=gone)
    error = None
    with connection():
        kept = customer_book.get(store.id, into) if into else None
        if kept is not None and (kept.id == duplicate.id or kept.deleted):
            kept, error = None, "Pick a live customer other than this one to keep."
        candidates = [
            c
            for c in customer_book.search(store.id, q[:200], PAGE_SIZE + 1)
            if c.id != duplicate.id
        ][:PAGE_SIZE]
    template = "_merge_candidates.html" if _wants_rows(request) else "merge.html"
    return _not_cached(
        render(
            request,
            template,
            422 if error else 200,
            store=store,
            page_name="customers",
            c=duplicate,
            kept=kept,
            candidates=candidates,
            q=q,
            error=error,
        )
    )


@router.post("/{customer_id}/merge")
def merge(
    request: Request,
    store_id: str,
    customer_id: str,
    into: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """Merge this customer (the duplicate) into ``into``: sales and points move there."""
    with connection():
        store = store_for(viewer, store_id)
    try:
        with connection(), database_proxy.atomic():
            customer_book.get(store.id, customer_id)
            if not into:
                raise BadInput("Pick the customer to keep.")
            customer_book.get(store.id, into)
            by = customers.By(viewer.user_id, viewer.email)
            result = customers.merge(store.id, customer_id, into, by)  # audits it
    except CloudError as exc:
        if exc.status_code == 404:
            raise
        return _customer_page(request, viewer, store, customer_id, exc.status_code, error=str(exc))
    return RedirectResponse(
        f"/app/stores/{store.id}/customers/{into}?merged={result['points_moved']}",
        status_code=303,
    )


@router.get("/{customer_id}/erase")
def erase_page(
    request: Request, store_id: str, customer_id: str, viewer: Viewer = Depends(current_viewer)
):
    """The confirmation step before erasing."""
    with connection():
        store = store_for(viewer, store_id)
        require_owner(viewer)
        profile = customer_book.profile(store, customer_id)
    if profile.customer.erased_at is not None:
        return _customer_page(
            request, viewer, store, customer_id, 422, error="This customer is erased already."
        )
    return render(
        request, "erase.html", store=store, page_name="customers", c=profile.customer, p=profile
    )


@router.post("/{customer_id}/erase")
def erase(
    request: Request,
    store_id: str,
    customer_id: str,
    confirm: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """Erase the customer's personal data; their sales and totals stay, pseudonymous."""
    with connection():
        store = store_for(viewer, store_id)
        require_owner(viewer)
        customer = customer_book.get(store.id, customer_id)
    if customer.erased_at is not None:
        return _customer_page(
            request, viewer, store, customer_id, 422, error="This customer is erased already."
        )
    if confirm != "erase":
        return _customer_page(
            request,
            viewer,
            store,
            customer_id,
            422,
            error="Erasing needs the confirmation step: use the Erase button on this page.",
        )
    with connection(), database_proxy.atomic():
        result = customers.erase(store.id, customer_id)
        audit.record(
            viewer,
            "customer.erase",
            "customer",
            customer_id,
            store_id=store.id,
            after={
                "sales_kept": result["sales_kept"],
                "events_scrubbed": result["events_scrubbed"],
                "merged_records_erased": result["merged_records_erased"],
            },
        )
    return _customer_page(
        request,
        viewer,
        store,
        customer_id,
        saved=f"Erased. {result['sales_kept']} sale(s) stay, under the pseudonymous id.",
    )
