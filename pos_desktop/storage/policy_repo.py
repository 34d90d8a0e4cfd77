"""The store's approval policy, kept as one JSON row in the ``checkout_setting`` table."""

from __future__ import annotations

import json

from peewee import SqliteDatabase

from pos_desktop.domain.policy import ApprovalPolicy

KEY = "approval_policy"


def load_policy(db: SqliteDatabase) -> ApprovalPolicy:
    """The stored policy, or the built-in defaults when none was saved."""
    row = db.execute_sql("SELECT value FROM checkout_setting WHERE key = ?", (KEY,)).fetchone()
    if row is None:
        return ApprovalPolicy()
    return ApprovalPolicy.from_json(json.loads(row[0]))


def save_policy(db: SqliteDatabase, policy: ApprovalPolicy) -> None:
    db.execute_sql(
        "INSERT INTO checkout_setting (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (KEY, json.dumps(policy.to_json(), sort_keys=True)),
    )
