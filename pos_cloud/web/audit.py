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
    record_by(
        viewer.organisation_id,
        viewer.user_id,
        viewer.email,
        action,
        object_type,
        object_id,
        store_id=store_id,
        before=before,
        after=after,
    )


def record_by(
    organisation_id: str,
    user_id: str | None,
    who: str,
    action: str,
    object_type: str,
    object_id: str,
    *,
    store_id: str | None = None,
    before: Any = None,
    after: Any = None,
) -> None:
    """:func:`record` for a change made by someone other than a signed-in person (``who``:
    e.g. the admin API), or on a person's behalf by the cloud's own code."""
    WebAudit.create(
        organisation_id=organisation_id,
        user_id=user_id,
        user_email=who,
        action=action,
        store_id=store_id,
        object_type=object_type,
        object_id=str(object_id)[:200],
        before=_json(before),
        after=_json(after),
    )
