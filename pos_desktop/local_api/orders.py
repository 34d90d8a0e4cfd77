"""``POST /v1/orders``: an app pushes an order; it waits at the till as a parked sale.

The parking service (``pos_desktop.services.parking``) owns parked sales; this module checks
the order, keeps the Idempotency-Key and hands the lines over with
``park_lines(lines, *, label, source, reference)``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.limits import MAX_UNIT_PRICE_MINOR
from pos_desktop.services.pos_api import PosApiService
from pos_desktop.services.pos_api_rules import SUPPORTED_API_VERSIONS, ApiError
from pos_desktop.storage.codec import canonical_json, sha256_hex
from pos_desktop.storage.pos_api_repo import AppRow

MAX_LINES = 500


class ParkingPort(Protocol):
    def park_lines(self, lines, *, label: str, source: str, reference: str): ...


def _line_error(i: int, message: str) -> ApiError:
    return ApiError(422, "invalid_lines", f"lines[{i}]: {message}", field="lines", line=i)


def _quantity(i: int, value: Any) -> Decimal:
    try:
        qty = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise _line_error(i, f'quantity {value!r} is not a number, e.g. 2 or "1.250".') from None
    if isinstance(value, float) or not qty.is_finite() or qty <= 0 or qty > 9999:
        raise _line_error(
            i, f"quantity {value!r} must be above 0 and at most 9999, as an integer or a string."
        )
    return qty


def check_lines(raw: Any) -> list[dict[str, Any]]:
    """Validate order lines into plain dicts (sku, gtin, quantity, unit_price_minor)."""
    if not isinstance(raw, list) or not raw or len(raw) > MAX_LINES:
        raise ApiError(
            422, "invalid_lines", f"lines must be a list of 1 to {MAX_LINES} lines.", field="lines"
        )
    out = []
    for i, line in enumerate(raw):
        if not isinstance(line, dict):
            raise _line_error(i, "each line is an object with sku or gtin and quantity.")
        sku, gtin = line.get("sku"), line.get("gtin")
        if (sku is None) == (gtin is None):
            raise _line_error(i, "give exactly one of sku or gtin.")
        code = sku if sku is not None else gtin
        if not isinstance(code, str) or not code.strip() or len(code) > 64:
            raise _line_error(i, "sku/gtin must be text of 1 to 64 characters.")
        price = line.get("unit_price_minor")
        if price is not None and (
            not isinstance(price, int)
            or isinstance(price, bool)
            or not 0 <= price <= MAX_UNIT_PRICE_MINOR
        ):
            raise _line_error(
                i,
                "unit_price_minor must be a whole number of minor units from 0 to "
                f"{MAX_UNIT_PRICE_MINOR}; the till's cashier approves prices other than "
                "the catalogue's.",
            )
        out.append(
            {
                "sku": sku.strip() if sku else None,
                "gtin": gtin.strip() if gtin else None,
                "quantity": _quantity(i, line.get("quantity")),
                "unit_price_minor": price,
            }
        )
    return out


def push_order(
    service: PosApiService,
    parking: ParkingPort | None,
    app: AppRow,
    body: dict[str, Any],
    idempotency_key: str | None,
) -> tuple[dict[str, Any], bool]:
    """Park the order at the till. Returns ``(order json, replayed)``.

    Raises:
        ApiError: 503 no parking on this till, 4xx bad order, 409 key reused for another order.
    """
    if parking is None:
        raise ApiError(
            503, "orders_unavailable", "This till cannot take orders yet (no parked sales)."
        )
    if str(body.get("api_version", "1")) not in SUPPORTED_API_VERSIONS:
        raise ApiError(
            400,
            "unsupported_api_version",
            f"api_version {body.get('api_version')!r} is not supported; this till supports "
            f"{', '.join(SUPPORTED_API_VERSIONS)}.",
            supported_versions=list(SUPPORTED_API_VERSIONS),
        )
    if body.get("app_id") != app.id:
        raise ApiError(403, "app_mismatch", f"app_id is not the app of this API key ({app.id}).")
    reference = body.get("reference")
    if not isinstance(reference, str) or not reference.strip() or len(reference) > 64:
        raise ApiError(422, "invalid_reference", "reference must be text of 1 to 64 characters.")
    note = body.get("note") or ""
    if not isinstance(note, str) or len(note) > 500:
        raise ApiError(422, "invalid_note", "note must be text of at most 500 characters.")
    lines = check_lines(body.get("lines"))
    body_hash = sha256_hex(canonical_json([app.id, reference, note, lines]))
    # The key check, the parked sale and the order record commit together: a retry after a
    # crash or a lost answer finds the order, never parks it twice.
    with service.transaction():
        return _park_once(service, parking, app, lines, reference, note, idempotency_key, body_hash)


def _park_once(service, parking, app, lines, reference, note, idempotency_key, body_hash):
    if idempotency_key:
        earlier = service.repo.order_by_idempotency_key(app.id, idempotency_key)
        if earlier is not None:
            if earlier[1] != body_hash:
                raise ApiError(
                    409,
                    "idempotency_key_reused",
                    f"Idempotency-Key '{idempotency_key}' was already used for another order.",
                )
            return {"id": earlier[0], "parked_id": earlier[2], "status": "parked"}, True
    from pos_desktop.services.parking import ParkLine

    park_lines = [
        ParkLine(ln["sku"], ln["gtin"], ln["quantity"], ln["unit_price_minor"]) for ln in lines
    ]
    label = f"{app.name} order {reference.strip()}" + (f" - {note.strip()}" if note.strip() else "")
    try:
        parked = parking.park_lines(
            park_lines, label=label[:200], source=app.name, reference=reference.strip()
        )
    except DomainError as err:
        raise ApiError(422, "invalid_lines", str(err), field="lines") from err
    parked_id = str(getattr(parked, "parked_id", None) or getattr(parked, "id", None) or parked)
    order_id = new_id()
    service.record_order(order_id, app.id, reference.strip(), idempotency_key, body_hash, parked_id)
    return {"id": order_id, "parked_id": parked_id, "status": "parked"}, False
