"""Canonical JSON and UTC timestamps: one spelling for what gets hashed, stored and sent."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return utc_text(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def canonical_json(data: Any) -> str:
    """Sorted keys, no spaces, Decimals as strings: equal data gives equal bytes."""
    return json.dumps(
        data, sort_keys=True, separators=(",", ":"), default=_default, ensure_ascii=False
    )


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_text(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds, e.g. 2026-11-26T18:51:01.123456+00:00."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)
