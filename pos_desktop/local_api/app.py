"""The FastAPI app of the till's POS API (``/v1/...``; OpenAPI at ``/openapi.json``).

Endpoints are ``async`` on purpose: they run on the server's single event-loop thread, so the
API uses one db connection of its own and the service calls (a few ms of SQLite) stay in order.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.responses import JSONResponse

from pos_desktop.services.pos_api import PosApiService, request_view
from pos_desktop.services.pos_api_rules import SUPPORTED_API_VERSIONS, ApiError

from .orders import ParkingPort, push_order
from .schemas import (
    ApiErrorOut,
    OrderIn,
    OrderOut,
    PaymentRequestIn,
    PaymentRequestOut,
    body_schema,
)

MAX_BODY_BYTES = 256 * 1024  # a 500-line order is about 50 KiB
MAX_JSON_DEPTH = 8  # the deepest valid body (an order line) is 3 levels

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ApiErrorOut} for code in (400, 401, 403, 404, 409, 413, 422, 429)
}


def _error(err: ApiError) -> JSONResponse:
    headers = {}
    if "retry_after_s" in err.extra:
        headers["Retry-After"] = str(err.extra["retry_after_s"])
    return JSONResponse(
        {"error": err.code, "message": err.message, **err.extra},
        status_code=err.status,
        headers=headers,
    )


def _too_large() -> ApiError:
    return ApiError(
        413,
        "body_too_large",
        f"The body is larger than {MAX_BODY_BYTES // 1024} KiB; send fewer lines per order.",
        max_bytes=MAX_BODY_BYTES,
    )


async def _read_limited(request: Request) -> bytes:
    """The body, refused with a 413 as soon as it passes :data:`MAX_BODY_BYTES`."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise _too_large()
        chunks.append(chunk)
    return b"".join(chunks)


def _depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (checked before parsing)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _no_constants(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await _read_limited(request)
    try:
        text = (raw or b"null").decode("utf-8")
        if _depth(text) > MAX_JSON_DEPTH:
            raise ValueError(f"it is nested deeper than {MAX_JSON_DEPTH} levels")
        body = json.loads(text, parse_constant=_no_constants)
        # Lone surrogates (\ud800) parse but cannot be stored or shown: refuse them here.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeError, RecursionError) as err:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON ({err}).") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    return body


def create_app(service: PosApiService, parking: ParkingPort | None = None) -> FastAPI:
    """Build the API over ``service`` (and ``parking`` for orders, when the till has it)."""
    app = FastAPI(
        title="Countertop POS till API",
        version="1",
        description="Ask the till for a payment, poll it, cancel it; push orders. "
        "See docs/POS_API.md.",
    )
    app.add_exception_handler(ApiError, lambda _req, err: _error(err))

    @app.get("/v1/health", tags=["meta"])
    async def health() -> dict[str, Any]:
        """No key needed: the till is up and which API versions it speaks."""
        return {"status": "ok", "api_versions": list(SUPPORTED_API_VERSIONS)}

    @app.post(
        "/v1/payment-requests",
        status_code=201,
        response_model=PaymentRequestOut,
        responses=ERRORS,
        openapi_extra=body_schema(PaymentRequestIn),
        tags=["payment requests"],
    )
    async def create_payment_request(
        request: Request,
        authorization: str | None = Header(default=None),
        idempotency_key: str | None = Header(default=None),
    ):
        """Ask the cashier to take a payment; answers 201 with status ``pending``."""
        app_row = service.authenticate(authorization)
        created = service.create_request(app_row, await _json_body(request), idempotency_key)
        headers = {"Idempotent-Replayed": "true"} if created.replayed else {}
        return JSONResponse(request_view(created.request), status_code=201, headers=headers)

    @app.get(
        "/v1/payment-requests/{request_id}",
        response_model=PaymentRequestOut,
        responses=ERRORS,
        tags=["payment requests"],
    )
    async def get_payment_request(request_id: str, authorization: str | None = Header(None)):
        """Poll a request's status and result."""
        app_row = service.authenticate(authorization)
        return request_view(service.get_request(app_row, request_id))

    @app.delete(
        "/v1/payment-requests/{request_id}",
        response_model=PaymentRequestOut,
        responses=ERRORS,
        tags=["payment requests"],
    )
    async def cancel_payment_request(request_id: str, authorization: str | None = Header(None)):
        """Cancel a request the cashier has not started (409 once started)."""
        app_row = service.authenticate(authorization)
        return request_view(service.cancel_request(app_row, request_id))

    @app.post(
        "/v1/orders",
        status_code=201,
        response_model=OrderOut,
        responses={**ERRORS, 503: {"model": ApiErrorOut}},
        openapi_extra=body_schema(OrderIn),
        tags=["orders"],
    )
    async def create_order(
        request: Request,
        authorization: str | None = Header(default=None),
        idempotency_key: str | None = Header(default=None),
    ):
        """Push an order; it waits at the till as a parked sale ("<app> order 1234")."""
        app_row = service.authenticate(authorization)
        body = await _json_body(request)
        order, replayed = push_order(service, parking, app_row, body, idempotency_key)
        headers = {"Idempotent-Replayed": "true"} if replayed else {}
        return JSONResponse(order, status_code=201, headers=headers)

    return app
