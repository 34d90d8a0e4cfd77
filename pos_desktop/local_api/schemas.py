"""Request/response shapes of the POS API, for the OpenAPI document.

Bodies are checked by the service (so its messages name the field and the fix); these models
only describe them at ``/openapi.json``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from pos_desktop.domain.limits import MAX_SALE_MINOR, MAX_UNIT_PRICE_MINOR


class PaymentRequestIn(BaseModel):
    amount_minor: int = Field(
        description="Amount in minor units: 1250 = 12.50", gt=0, le=MAX_SALE_MINOR
    )
    currency: str = Field(
        description="ISO 4217 code; must be the store's currency", examples=["EUR"]
    )
    payment_types: list[str] = Field(description="Allowed tenders: card, cash, or others")
    callback_url: str = Field(
        description="Under the app's registered callback prefix; printable ASCII, no . or .. "
        "segments",
        max_length=2048,
    )
    app_id: str = Field(description="The app the API key belongs to")
    api_version: str = Field(description="Supported: 1", examples=["1"])
    reference: str = Field(
        description="The app's own reference (1-64 characters)", min_length=1, max_length=64
    )
    description: str | None = Field(
        default=None, description="Shown to the cashier as plain text (<= 200)", max_length=200
    )


class PaymentRequestOut(BaseModel):
    id: str
    app_id: str
    status: str = Field(description="pending, accepted, approved, declined, cancelled, unknown")
    amount_minor: int
    currency: str
    payment_types: list[str]
    reference: str
    description: str
    callback_url: str
    tender: str | None = None
    card_brand: str | None = None
    last4: str | None = None
    auth_code: str | None = None
    receipt_number: int | None = None
    message: str | None = None
    created_at: str
    updated_at: str


class OrderLineIn(BaseModel):
    sku: str | None = Field(default=None, description="The product's SKU, or give gtin")
    gtin: str | None = Field(default=None, description="A barcode (GTIN-8/12/13/14)")
    quantity: str | int = Field(description='Pieces, or kg for weighed items ("1.250")')
    unit_price_minor: int | None = Field(
        default=None,
        ge=0,
        le=MAX_UNIT_PRICE_MINOR,
        description="Overrides the catalogue price (a manager approves it at the till)",
    )


class OrderIn(BaseModel):
    app_id: str
    api_version: str = "1"
    reference: str = Field(
        description='The app\'s order number, e.g. "1234"', min_length=1, max_length=64
    )
    note: str | None = Field(
        default=None, description="Customer note shown at the till", max_length=500
    )
    lines: list[OrderLineIn] = Field(min_length=1, max_length=500)


class OrderOut(BaseModel):
    id: str
    parked_id: str
    status: str = "parked"


class ApiErrorOut(BaseModel):
    error: str = Field(description="A stable code, e.g. invalid_currency")
    message: str = Field(description="What is wrong and what to do, for a person")


def _inline(node, defs: dict):
    if isinstance(node, dict):
        ref = node.get("$ref")
        if ref is not None:
            return _inline(defs[ref.rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, defs) for v in node]
    return node


def body_schema(model: type[BaseModel]) -> dict:
    """``openapi_extra`` documenting a JSON body the endpoint reads itself (refs inlined)."""
    schema = model.model_json_schema()
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(schema, schema.get("$defs", {}))}},
        }
    }
