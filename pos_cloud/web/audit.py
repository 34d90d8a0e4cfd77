"""The audit trail of every change made on the web: who, when, what, before and after."""

from __future__ import annotations

import json
from typing import Any

from .accounts import Viewer
from .models import WebAudit


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


def record(
    viewer: Viewer,
    action: str,
    object_type: str,
    object_id: str,
    *,
    store_id: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """Append one audit row (call inside the transaction that makes the change)."""
    WebAudit.create(
        organisation_id=viewer.organisation_id,
        user_id=viewer.user_id,
        user_email=viewer.email,
        action=action,
        store_id=store_id,
        object_type=object_type,
        object_id=str(object_id)[:200],
        before=_json(before),
        after=_json(after),
    )
