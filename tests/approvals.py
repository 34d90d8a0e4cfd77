"""Approval tokens for tests that drive the services directly (no dialog): a real
``AuthService.authorize`` by a manager, so the services' checks run as in production."""

from __future__ import annotations

from pos_desktop.domain.staff import Action, reasons_for
from pos_desktop.services.auth import Approval, AuthService

MANAGER, MANAGER_PIN = "Test Manager", "8642"


def approval(auth: AuthService, action: Action, object_id: str | None = None) -> Approval:
    """A one-shot token for ``action`` (on ``object_id``) granted to a test manager."""
    manager = auth.users.by_name(MANAGER) or auth.add_user(MANAGER, "manager", MANAGER_PIN)
    reasons = reasons_for(action)
    return auth.authorize(
        action, manager, reason=reasons[0].code if reasons else None, object_id=object_id
    )


def approver(auth: AuthService, asked: list | None = None, grant=lambda action: True):
    """A stand-in for the staff session's ``approve`` hook: records what was asked and answers
    with a real token when ``grant(action)`` (None otherwise, as a cancelled dialog does)."""

    def approve(action, detail, *, object_id=None, reason=None, note=""):
        if asked is not None:
            asked.append(action)
        return approval(auth, action, object_id) if grant(action) else None

    return approve
