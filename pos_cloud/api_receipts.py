"""Admin routes for invoices: the store as seller and a business customer's invoice details.

A sale's digital receipt is an invoice when its customer has an address and a VAT id; the
seller is the store as the till printed it (its settings travel with the sale) or, for sales
that do not carry them, the address and VAT id set here.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from . import customers
from .db import database_proxy
from .deps import in_db, require_admin
from .errors import NotFound
from .guards import StrictJSONRoute
from .models import Customer, Store

router = APIRouter(
    prefix="/v1/admin/stores/{store_id}",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    route_class=StrictJSONRoute,
)

StoreId = Path(max_length=36)
CustomerId = Path(min_length=1, max_length=36)


class InvoiceDetails(BaseModel):
    address: str = Field(default="", max_length=500, description="Lines separated by \\n")
    vat_id: str = Field(default="", max_length=64)


def _clean(body: InvoiceDetails) -> dict[str, str]:
    lines = [line.strip() for line in body.address.replace("\r", "").split("\n")]
    return {"address": "\n".join(line for line in lines if line), "vat_id": body.vat_id.strip()}


@router.put("/seller")
def put_seller(body: InvoiceDetails, store_id: str = StoreId) -> dict[str, Any]:
    """The store's address and VAT id on its digital receipts and invoices."""
    values = _clean(body)

    def save() -> dict[str, Any]:
        if not Store.update(**values).where(Store.id == store_id).execute():
            raise NotFound(f"No store {store_id}.")
        return {"store_id": store_id, **values}

    return in_db(save)


@router.put("/customers/{customer_id}/invoice-details")
def put_invoice_details(
    body: InvoiceDetails, store_id: str = StoreId, customer_id: str = CustomerId
) -> dict[str, Any]:
    """A business customer's address and VAT id: with both, their receipts are invoices.
    Checked and normalised as on the back office's customer page (VAT id upper case, no
    spaces)."""
    values = customers.clean_invoice_details(body.address, body.vat_id)

    def save() -> dict[str, Any]:
        with database_proxy.atomic():
            customer = Customer.get_or_none(
                (Customer.id == customer_id)
                & (Customer.store == store_id)
                & Customer.erased_at.is_null()
            )
            if customer is None:
                raise NotFound(f"No customer {customer_id} in store {store_id}.")
            before = {"address": customer.address or "", "vat_id": customer.vat_id or ""}
            if before != values:  # audited: a merge keeps the most recently changed details
                Customer.update(**values).where(Customer.id == customer_id).execute()
                customers.audit_change(
                    store_id,
                    customers.ADMIN_API,
                    "customer.invoice_details",
                    customer_id,
                    before,
                    values,
                )
        return {"customer_id": customer_id, **values}

    return in_db(save)
