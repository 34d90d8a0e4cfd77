"""Rules for what apps may send the till's POS API: versions, amounts, types, callback URLs.

Pure checks (no db, no HTTP) used by :mod:`pos_desktop.services.pos_api`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.limits import MAX_SALE_MINOR
from pos_desktop.storage.pos_api_repo import AppRow

SUPPORTED_API_VERSIONS = ("1",)
BASE_PAYMENT_TYPES = ("card", "cash")


@dataclass(frozen=True, slots=True)
class PosApiSettings:
    """What apps may ask for. ``other_tenders`` are the till's named tenders ("Invoice")."""

    max_amount_minor: int = 1_000_000
    other_tenders: tuple[str, ...] = ()
    max_pending_per_app: int = 20  # requests waiting for the cashier, per app
    rate_per_minute: int = 60  # new payment requests per app per minute
    pending_expiry_s: int = 15 * 60  # a request nobody answered expires after this

    @property
    def payment_types(self) -> tuple[str, ...]:
        return BASE_PAYMENT_TYPES + tuple(t.lower() for t in self.other_tenders)


class ApiError(Exception):
    """A request the API refuses: ``status`` is the HTTP status, ``message`` says what to do."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


MAX_CALLBACK_URL = 2048  # characters; longer URLs are refused on arrival


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a callback URL, or None when it can.

    Only printable ASCII (no space, control characters or backslash: CR/LF would inject
    headers), at most :data:`MAX_CALLBACK_URL` characters, http(s) with a host, and no ``.``
    or ``..`` path segment (also percent-encoded), so the path cannot climb out of the prefix.
    """
    if len(url) > MAX_CALLBACK_URL:
        return f"it is longer than {MAX_CALLBACK_URL} characters"
    if any(not 0x21 <= ord(ch) <= 0x7E or ch == "\\" for ch in url):
        return "it contains a space, a control character, a backslash or non-ASCII text"
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return "it is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        return "it is not an http(s) URL with a host"
    segments = unquote(unquote(parts.path)).split("/")
    if any(seg in (".", "..") for seg in segments):
        return "its path contains '.' or '..' segments"
    return None


def check_prefix(prefix: str) -> str:
    """A callback prefix must be an http(s) URL with a host; returned normalised."""
    prefix = prefix.strip()
    if url_problem(prefix) is not None:
        raise DomainError(
            N_(
                "'{value}' is not a callback URL prefix; give one such as "
                "https://shop.example.com/pos/ (http or https, with a host, printable "
                "ASCII)."
            ),
            value=prefix[:100],
        )
    return prefix


def url_within_prefix(url: str, prefix: str) -> bool:
    """True when ``url`` is a clean URL under ``prefix`` on a boundary (``https://a.b`` never
    matches ``https://a.b.evil.com``; ``/pos/../other`` never matches ``/pos/``)."""
    if url_problem(url) is not None or not url.startswith(prefix):
        return False
    if urlsplit(url).netloc != urlsplit(prefix).netloc:
        return False
    rest = url[len(prefix) :]
    if prefix.endswith("/") or rest == "":
        return True
    if rest[0] not in "/?#":
        return False
    return urlsplit(url).hostname == urlsplit(prefix).hostname


def _fail(field_name: str, message: str, status: int = 422, **extra: Any) -> ApiError:
    return ApiError(status, f"invalid_{field_name}", message, field=field_name, **extra)


def _text(body: dict[str, Any], name: str, *, required: bool, limit: int) -> str:
    value = body.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise _fail(name, f"'{name}' must be text of 1 to {limit} characters.")
    return value.strip()


def validate_payment_request(
    app: AppRow, body: dict[str, Any], currency: str, rules: PosApiSettings
) -> dict[str, Any]:
    """Check a payment request body; returns the normalised fields.

    Raises:
        ApiError: 400 unsupported api_version, 403 app_id not the key's app, 422 a bad field.
    """
    version = body.get("api_version")
    if str(version) not in SUPPORTED_API_VERSIONS or not isinstance(version, str | int):
        raise ApiError(
            400,
            "unsupported_api_version",
            f"api_version {version!r} is not supported; this till supports "
            f"{', '.join(SUPPORTED_API_VERSIONS)}.",
            supported_versions=list(SUPPORTED_API_VERSIONS),
        )
    if body.get("app_id") != app.id:
        raise ApiError(
            403,
            "app_mismatch",
            f"app_id {body.get('app_id')!r} is not the app this API key belongs to ({app.id}).",
        )
    amount = body.get("amount_minor")
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise _fail(
            "amount_minor",
            f"amount_minor must be a whole number of minor units above 0 (1250 = 12.50), "
            f"not {amount!r}.",
        )
    limit = min(rules.max_amount_minor, MAX_SALE_MINOR)
    if amount > limit:
        raise _fail(
            "amount_minor",
            f"amount_minor {amount} is above this till's limit of {limit}; "
            "ask the shop to take larger payments at the till directly.",
            max_amount_minor=limit,
        )
    if body.get("currency") != currency:
        raise _fail(
            "currency",
            f"currency {body.get('currency')!r} is not this store's currency; it sells in "
            f"{currency}.",
        )
    types = body.get("payment_types")
    allowed = rules.payment_types
    if (
        not isinstance(types, list)
        or not types
        or not all(isinstance(t, str) for t in types)
        or set(types) - set(allowed)
    ):
        raise _fail(
            "payment_types",
            f"payment_types must be a non-empty list taken from {', '.join(allowed)}; "
            f"got {types!r}.",
            allowed=list(allowed),
        )
    url = body.get("callback_url")
    problem = url_problem(url) if isinstance(url, str) else "it is not text"
    if problem is not None:
        raise _fail(
            "callback_url",
            f"callback_url is refused: {problem}. Send a plain http(s) URL of at most "
            f"{MAX_CALLBACK_URL} characters under {app.callback_url_prefix}.",
        )
    if not isinstance(url, str) or not url_within_prefix(url, app.callback_url_prefix):
        raise _fail(
            "callback_url",
            f"callback_url {url!r} is outside this app's registered prefix "
            f"{app.callback_url_prefix}; the till only calls back under that prefix.",
        )
    return {
        "app_id": app.id,
        "api_version": str(version),
        "amount_minor": amount,
        "currency": currency,
        "payment_types": list(dict.fromkeys(types)),
        "callback_url": url,
        "reference": _text(body, "reference", required=True, limit=64),
        "description": _text(body, "description", required=False, limit=200),
    }
