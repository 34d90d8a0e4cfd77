"""Changing the store's approval policy (Store settings, ``pos-admin policy``): the new table is
saved with one audit record that names who changed which cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.policy import ApprovalPolicy
from pos_desktop.domain.staff import Action, Role
from pos_desktop.storage import audit
from pos_desktop.storage.policy_repo import save_policy


def policy_diff(old: ApprovalPolicy, new: ApprovalPolicy) -> dict[str, Any]:
    """The cells and second-person actions that differ, for the audit record (empty: none)."""
    cells = [
        [role.value, action.value, new.decide(role, action).value]
        for action in Action
        for role in Role
        if old.decide(role, action) is not new.decide(role, action)
    ]
    second = {
        action.value: new.needs_second_person(action)
        for action in Action
        if old.needs_second_person(action) != new.needs_second_person(action)
    }
    diff: dict[str, Any] = {}
    if cells:
        diff["cells"] = cells
    if second:
        diff["second_person"] = second
    return diff


def save_policy_change(
    db: SqliteDatabase, old: ApprovalPolicy, new: ApprovalPolicy, *, user: str, now: datetime
) -> bool:
    """Save ``new`` and audit what changed since ``old``; False (nothing written) when equal.

    Runs inside the caller's transaction when there is one (Store settings saves the policy
    with the other settings).
    """
    diff = policy_diff(old, new)
    if not diff:
        return False
    with db.atomic():
        save_policy(db, new)
        audit.append(db, "policy.changed", user=user, outcome=audit.GRANTED, now=now, detail=diff)
    return True


@dataclass(frozen=True, slots=True)
class PolicyChange:
    """A policy edited on a screen: saved with the store settings by ``store_admin.set_values``."""

    old: ApprovalPolicy
    new: ApprovalPolicy
    user: str
    now: datetime

    def save(self, db: SqliteDatabase) -> bool:
        return save_policy_change(db, self.old, self.new, user=self.user, now=self.now)
