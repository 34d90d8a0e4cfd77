"""Admin routes for customers: list and search, get one, merge, export (GDPR access), erase
(create and update: ``PUT /v1/admin/stores/{store_id}/customers/{id}`` in api_admin)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Response

from . import customers
from .deps import in_db, require_admin
from .guards import StrictJSONRoute

router = APIRouter(
    prefix="/v1/admin/stores/{store_id}/customers",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    route_class=StrictJSONRoute,
)

StoreId = Path(max_length=36)
CustomerId = Path(min_length=1, max_length=36)


@router.get("")
def list_customers(
    store_id: str = StoreId,
    q: str = Query(default="", max_length=200, description="Part of a name, e-mail or phone"),
    after: str = Query(default="", max_length=36, description="The previous page's 'next'"),
    limit: int = Query(default=50, ge=1, le=customers.MAX_PAGE),
) -> dict[str, Any]:
    """Live customers, by id: ``{items, next}`` (``next``: the cursor of the next page)."""
    return in_db(customers.search, store_id, q, after, limit)


@router.get("/marketing.csv", response_class=Response)
def marketing_export(store_id: str = StoreId) -> Response:
    """The customers who agreed to marketing, as CSV for a CRM or e-mail marketing tool."""
    body = in_db(customers.marketing_csv, store_id)
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="marketing-consent.csv"'},
    )


@router.get("/{customer_id}")
def get_customer(store_id: str = StoreId, customer_id: str = CustomerId) -> dict[str, Any]:
    """One customer: contact and invoice details, consent, whether merged or erased."""
    return in_db(customers.get, store_id, customer_id)


@router.get("/{customer_id}/export")
def export_customer(store_id: str = StoreId, customer_id: str = CustomerId) -> dict[str, Any]:
    """Everything held about the customer, as JSON: the record, their sales, their points."""
    return in_db(customers.export, store_id, customer_id)


@router.post("/{customer_id}/merge-into/{kept_id}")
def merge_customer(
    store_id: str = StoreId,
    customer_id: str = CustomerId,
    kept_id: str = Path(min_length=1, max_length=36),
) -> dict[str, Any]:
    """Merge a duplicate into the customer kept: its sales and points move there."""
    return in_db(customers.merge, store_id, customer_id, kept_id)


@router.post("/{customer_id}/erase")
def erase_customer(store_id: str = StoreId, customer_id: str = CustomerId) -> dict[str, Any]:
    """Erase the customer's personal data; their sales and totals stay (pseudonymous)."""
    return in_db(customers.erase, store_id, customer_id)
