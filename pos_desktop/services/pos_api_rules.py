"""Rules for what apps may send the till's POS API: versions, amounts, types, callback URLs.

Pure checks (no db, no HTTP) used by :mod:`pos_desktop.services.pos_api`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pos_desktop.domain.errors import DomainError
from pos_desktop.storage.pos_api_repo import AppRow

SUPPORTED_API_VERSIONS = ("1",)
BASE_PAYMENT_TYPES = ("card", "cash")


@dataclass(frozen=True, slots=True)
class PosApiSettings:
    """What apps may ask for. ``other_tenders`` are the till's named tenders ("Invoice")."""

    max_amount_minor: int = 1_000_000
    other_tenders: tuple[str, ...] = ()

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


def check_prefix(prefix: str) -> str:
    """A callback prefix must be an http(s) URL with a host; returned normalised."""
    parts = urlsplit(prefix.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DomainError(
            f"'{prefix}' is not a callback URL prefix; give one such as "
            "https://shop.example.com/pos/ (http or https, with a host)."
        )
    return prefix.strip()


def url_within_prefix(url: str, prefix: str) -> bool:
    """True when ``url`` is under ``prefix`` on a boundary (``https://a.b`` never matches
    ``https://a.b.evil.com``)."""
    if not url.startswith(prefix):
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
    if amount > rules.max_amount_minor:
        raise _fail(
            "amount_minor",
            f"amount_minor {amount} is above this till's limit of {rules.max_amount_minor}; "
            "ask the shop to take larger payments at the till directly.",
            max_amount_minor=rules.max_amount_minor,
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
