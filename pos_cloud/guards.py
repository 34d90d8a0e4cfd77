"""Request guards: body size limit, strict JSON, and 4xx answers for input a database refuses.

Everything here answers a hostile or broken request with a 4xx and a sentence, never a 500:
a till treats a 5xx as "try again later" and would resend a poisoned batch for ever.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Coroutine
from typing import Any

import peewee
from fastapi import FastAPI, HTTPException, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 8 * 1024 * 1024  # a 500-sale batch is ~0.5 MB; see docs/CLOUD.md
MAX_JSON_DEPTH = 64  # objects/arrays inside each other; a sale event needs 5


def too_large_message(limit: int) -> str:
    """The 413 sentence."""
    return (
        f"The request body is larger than {limit} bytes; send fewer events per batch "
        "(at most 500) or smaller ones."
    )


class BodyTooLarge(HTTPException):
    """Raised from the counting ``receive`` once the body passes the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


class BodySizeLimit:
    """Pure ASGI middleware: refuse a body over ``max_bytes`` with 413, counting as it streams.

    A ``Content-Length`` over the limit is refused before any byte is read; a chunked body
    (or a lying length) is cut off as soon as the count passes the limit, so the server never
    holds more than ``max_bytes`` of one request.
    """

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await self._refuse(send)
                    return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if started:
                raise
            await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"detail": too_large_message(self.max_bytes)}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; send a finite number")


def parse_json(body: bytes) -> Any:
    """Parse a request body as strict JSON (RFC 8259).

    Refuses NaN/Infinity (Python's parser takes them; no JSON peer writes them) and nesting
    deeper than :data:`MAX_JSON_DEPTH`, with a ``json.JSONDecodeError`` saying which, which
    FastAPI answers as a 422. Big integers parse exactly; the models bound them.
    """
    text = body.decode("utf-8") if isinstance(body, bytes | bytearray) else body
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise json.JSONDecodeError(
            f"JSON nested deeper than {MAX_JSON_DEPTH} levels", text, 0
        ) from None
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise
        raise json.JSONDecodeError(str(exc), text, 0) from None
    if _depth_exceeds(value, MAX_JSON_DEPTH):
        raise json.JSONDecodeError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels", text, 0)
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    # Only containers go on the stack: a scalar costs one type check (this runs on every
    # batch; the first version, which stacked every value, cost 1.4 ms per 50-sale batch).
    stack = [(value, 1)] if type(value) in (dict, list) else []
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in node.values() if type(node) is dict else node:
            kind = type(child)
            if kind is dict or kind is list:
                stack.append((child, depth + 1))
    return False


class _StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            try:
                self._json = parse_json(await self.body())
            except UnicodeDecodeError as exc:
                raise json.JSONDecodeError("the body is not UTF-8", "", exc.start) from None
        return self._json


class StrictJSONRoute(APIRoute):
    """A route whose JSON body is parsed by :func:`parse_json` (set as a router's
    ``route_class``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(_StrictJSONRequest(request.scope, request.receive))

        return strict_handler


def _safe(value: Any) -> Any:
    """A JSON-safe copy: non-finite floats as text (an error may echo the input)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _json_response(content: Any, status_code: int) -> Response:
    # ensure_ascii: a lone surrogate echoed back is written as its escape instead of failing.
    text = json.dumps(_safe(content), ensure_ascii=True, allow_nan=False)
    return Response(text, status_code=status_code, media_type="application/json")


def install(app: FastAPI, max_body_bytes: int = MAX_BODY_BYTES) -> None:
    """Add the body limit and the 4xx answers for input the database refuses."""
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors = jsonable_encoder(exc.errors(), custom_encoder={bytes: repr})
        for error in errors:  # a JSON parse error's reason is in ctx; say it in the message
            reason = (error.get("ctx") or {}).get("error")
            if error.get("type") == "json_invalid" and reason:
                error["msg"] = f"JSON decode error: {reason}"
        return _json_response({"detail": errors}, 422)

    @app.exception_handler(UnicodeEncodeError)
    async def lone_surrogate(request: Request, exc: UnicodeEncodeError) -> Response:
        detail = "Text must be valid Unicode: remove lone surrogates (U+D800-U+DFFF) and resend."
        return _json_response({"detail": detail}, 422)

    @app.exception_handler(peewee.DataError)
    async def out_of_range(request: Request, exc: peewee.DataError) -> Response:
        # PostgreSQL: value too long for its column, number out of range. The models bound
        # what they know; this is the net for anything they miss.
        first = (str(exc).strip().splitlines() or ["invalid value"])[0]
        detail = f"A value does not fit the database ({first}); shorten it or correct it."
        return _json_response({"detail": detail}, 422)

    @app.exception_handler(OverflowError)
    async def overflow(request: Request, exc: OverflowError) -> Response:
        detail = "A number or date is out of range; send values within the documented limits."
        return _json_response({"detail": detail}, 422)
