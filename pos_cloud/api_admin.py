"""Admin routes (admin bearer token): stores, enrollment, catalogue, terminals, reports."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from . import auth, catalog, catalogue_reads, quarantine, reports
from .admin_tokens import AdminScope
from .catalog import ProductInput
from .deps import in_db, require_admin
from .errors import NotFound
from .guards import StrictJSONRoute
from .models import Store, Terminal
from .schemas import (
    AdminTerminalOut,
    CustomerIn,
    DailyReportOut,
    EnrollmentCodeIn,
    EnrollmentCodeOut,
    PriceIn,
    ProductIn,
    ProductOut,
    QuarantinedEventOut,
    SaleOut,
    StoreIn,
    StoreOut,
    TaxRateIn,
)

router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    route_class=StrictJSONRoute,
)


def _scope(request: Request) -> AdminScope:
    return request.state.admin_scope  # set by require_admin, which runs first


@router.get("/stores", response_model=list[StoreOut])
def list_stores(request: Request) -> list[dict]:
    """Every store (a store-scoped token sees its own only)."""
    query = Store.select().order_by(Store.name)
    if _scope(request).store_id is not None:
        query = query.where(Store.id == _scope(request).store_id)
    return in_db(lambda: [catalog.store_dict(s) for s in query])


@router.post("/stores", response_model=StoreOut, status_code=201)
def create_store(request: Request, body: StoreIn) -> dict:
    """Create a store with its currency and time zone (for business days); global tokens only."""
    _scope(request).check_all_stores()
    return in_db(lambda: catalog.store_dict(catalog.create_store(**body.model_dump())))


@router.post(
    "/stores/{store_id}/enrollment-codes", response_model=EnrollmentCodeOut, status_code=201
)
def create_enrollment_code(store_id: str, body: EnrollmentCodeIn | None = None) -> dict:
    """A one-time code a till of this store enrolls with."""
    ttl = dt.timedelta(minutes=(body or EnrollmentCodeIn()).ttl_minutes)
    code, expires = in_db(auth.create_enrollment_code, store_id, ttl)
    return {"code": code, "expires_at": expires}


@router.get("/stores/{store_id}/products")
def list_products(
    store_id: str,
    q: str = Query(default="", max_length=200, description="Part of a SKU, name or barcode"),
    category: str | None = Query(
        default=None, max_length=100, description='One product group ("" for none)'
    ),
    active: bool | None = Query(default=None, description="Only active (or inactive) ones"),
    after: str = Query(default="", max_length=64, description="The previous page's 'next'"),
    limit: int = Query(default=50, ge=1, le=catalogue_reads.MAX_PAGE),
) -> dict:
    """The store's products by SKU, with their barcodes: ``{items, next}`` (``next``: the
    cursor of the next page, None on the last)."""
    return in_db(catalogue_reads.list_products, store_id, q, category, active, after, limit)


@router.get("/stores/{store_id}/products/{sku}", response_model=ProductOut)
def get_product(store_id: str, sku: str) -> dict:
    """One product with its barcodes."""
    return in_db(catalogue_reads.product_detail, store_id, sku)


@router.put("/stores/{store_id}/products/{sku}", response_model=ProductOut)
def put_product(store_id: str, sku: str, body: ProductIn) -> dict:
    """Create or replace a product (and attach its GTINs)."""
    item = ProductInput(
        sku,
        body.name,
        body.price_minor,
        body.tax_code,
        tuple(body.gtins),
        body.active,
        body.category,
    )
    return in_db(
        lambda: catalogue_reads.with_gtins(store_id, catalog.upsert_products(store_id, [item])[0])
    )


@router.put("/stores/{store_id}/products/{sku}/price", response_model=ProductOut)
def put_price(store_id: str, sku: str, body: PriceIn) -> dict:
    """Change one product's price."""
    return in_db(
        lambda: catalogue_reads.with_gtins(
            store_id, catalog.set_price(store_id, sku, body.price_minor)
        )
    )


@router.delete("/stores/{store_id}/products/{sku}", status_code=204)
def delete_product(store_id: str, sku: str) -> Response:
    """Delete a product (a tombstone for the tills) and its barcodes."""
    in_db(catalog.delete_product, store_id, sku)
    return Response(status_code=204)


@router.delete("/stores/{store_id}/barcodes/{gtin}", status_code=204)
def delete_barcode(store_id: str, gtin: str) -> Response:
    """Detach one barcode."""
    in_db(catalog.delete_barcode, store_id, gtin)
    return Response(status_code=204)


@router.put("/stores/{store_id}/tax-rates/{code}")
def put_tax_rate(store_id: str, code: str, body: TaxRateIn) -> dict:
    """Create or update a tax rate (rate in basis points)."""
    rate = in_db(catalog.upsert_tax_rate, store_id, code, body.name, body.rate_bp)
    return {"code": rate.code, "name": rate.name, "rate_bp": rate.rate_bp}


@router.delete("/stores/{store_id}/tax-rates/{code}", status_code=204)
def delete_tax_rate(store_id: str, code: str) -> Response:
    """Delete a tax rate."""
    in_db(catalog.delete_tax_rate, store_id, code)
    return Response(status_code=204)


@router.put("/stores/{store_id}/customers/{customer_id}")
def put_customer(
    store_id: str, body: CustomerIn, customer_id: str = Path(min_length=1, max_length=36)
) -> dict:
    """Create or update a customer."""
    c = in_db(catalog.upsert_customer, store_id, customer_id, body.name, body.email, body.phone)
    return {"id": c.id, "name": c.name, "email": c.email, "phone": c.phone}


@router.delete("/stores/{store_id}/customers/{customer_id}", status_code=204)
def delete_customer(store_id: str, customer_id: str) -> Response:
    """Delete a customer."""
    in_db(catalog.delete_customer, store_id, customer_id)
    return Response(status_code=204)


@router.get("/stores/{store_id}/terminals", response_model=list[AdminTerminalOut])
def list_terminals(store_id: str) -> list[dict]:
    """The store's terminals with last seq, journal head and gaps."""
    return in_db(reports.list_terminals, store_id)


@router.post("/terminals/{terminal_id}/revoke", status_code=204)
def revoke_terminal(request: Request, terminal_id: str) -> Response:
    """Revoke a terminal's token; its next request gets 401."""
    scope = _scope(request)

    def revoke() -> None:
        if scope.store_id is not None:
            store = Terminal.select(Terminal.store).where(Terminal.id == terminal_id).scalar()
            if store != scope.store_id:  # another store's terminal: as if it did not exist
                raise NotFound(f"No terminal with id {terminal_id}.")
        auth.revoke_terminal(terminal_id)

    in_db(revoke)
    return Response(status_code=204)


@router.get("/stores/{store_id}/quarantine", response_model=list[QuarantinedEventOut])
def quarantined_events(
    store_id: str,
    terminal: str | None = Query(default=None, max_length=36, description="Only this terminal"),
    limit: int = Query(default=100, ge=1, le=quarantine.LIST_LIMIT),
) -> list[dict]:
    """Events the store's terminals sent that were rejected, with the reason, newest first."""
    return in_db(quarantine.listing, store_id, terminal, limit)


@router.get("/stores/{store_id}/sales", response_model=list[SaleOut])
def sales(store_id: str, day: dt.date = Query(description="Store-local business day")) -> list:
    """Sales of one business day."""
    return in_db(reports.sales_of_day, store_id, day)


@router.get("/stores/{store_id}/reports/daily", response_model=DailyReportOut)
def daily_report(store_id: str, day: dt.date = Query(description="Business day")) -> dict:
    """Count, gross, tax and per-tender totals of one business day."""
    return in_db(reports.daily_report, store_id, day)
