"""An audit entry appended on its own (a login) while another connection writes (the sync
puller applying a page) waits for it instead of failing with "database is locked"."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from pos_desktop.storage import audit
from pos_desktop.storage.db import open_database

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def test_append_holds_the_write_lock_from_its_first_read(tmp_path):
    path = tmp_path / "till.sqlite"
    db = open_database(path)
    other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    outcome: list[str] = []

    def between_read_and_insert(sql: str) -> None:
        # Runs on the appending connection just before each statement: when its INSERT
        # comes, another connection tries to commit a write first (as the puller might).
        if sql.startswith("INSERT INTO audit_log") and not outcome:
            try:
                other.execute("BEGIN IMMEDIATE")
                other.execute(
                    "INSERT INTO tax_rate (code, name, percent) VALUES ('Z9', 'Zero', '0')"
                )
                other.execute("COMMIT")
                outcome.append("other committed in between")
            except sqlite3.OperationalError:
                outcome.append("other waited")  # the append holds the write lock

    db.connection().set_trace_callback(between_read_and_insert)
    try:
        head = audit.append(db, "login", user="Ann", outcome=audit.GRANTED, now=NOW)
    finally:
        db.connection().set_trace_callback(None)
        other.close()
        db.close()
    assert head.seq == 1 and outcome == ["other waited"]
