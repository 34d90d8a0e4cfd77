"""The hash-chained journal: intact chains verify; edits, deletes, reorders, truncation do not."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from peewee import IntegrityError

from pos_desktop.storage import journal
from pos_desktop.storage.db import open_database

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite")
    for n in range(1, 6):
        with database.atomic():
            journal.append(
                database, "sale.completed", f"sale-{n}", {"n": n, "total_minor": 100 * n},
                T0 + timedelta(minutes=n),
            )  # fmt: skip
    yield database
    database.close()


def drop_guards(db) -> None:
    """What an attacker with file access does first: remove the append-only triggers."""
    db.execute_sql("DROP TRIGGER journal_no_update")
    db.execute_sql("DROP TRIGGER journal_no_delete")


def problems(db, head=None) -> list[str]:
    return journal.verify(db, head).problems


def test_an_intact_journal_verifies(db):
    result = journal.verify(db, journal.head(db))

    assert result.ok and result.checked == 5


def test_the_journal_refuses_updates_and_deletes(db):
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute_sql("UPDATE journal SET body = '{}' WHERE seq = 2")
    with pytest.raises(IntegrityError, match="append-only"):
        db.execute_sql("DELETE FROM journal WHERE seq = 2")


def test_an_edited_record_is_named(db):
    drop_guards(db)
    db.execute_sql("""UPDATE journal SET body = '{"n":3,"total_minor":1}' WHERE seq = 3""")

    assert problems(db) == ["record 3: content was changed after it was written"]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(db):
    drop_guards(db)
    seq, rid, type_, obj, created, _body, prev, _hash = db.execute_sql(
        "SELECT * FROM journal WHERE seq = 3"
    ).fetchone()
    forged_body = '{"n":3,"total_minor":1}'
    forged = journal.record_hash(prev, seq, rid, type_, obj, created, forged_body)
    db.execute_sql("UPDATE journal SET body = ?, hash = ? WHERE seq = 3", (forged_body, forged))

    assert problems(db) == ["record 4: does not follow the record before it"]


def test_a_deleted_record_is_named(db):
    drop_guards(db)
    db.execute_sql("DELETE FROM journal WHERE seq = 3")

    found = problems(db)

    assert found[0] == "record 3: missing (the next record is 4); records were deleted"
    assert "record 4: does not follow the record before it" in found


def test_reordered_records_are_named(db):
    drop_guards(db)
    # Swap records 2 and 3 (their sequence numbers), as if their order had been rewritten.
    db.execute_sql("UPDATE journal SET seq = -2 WHERE seq = 2")
    db.execute_sql("UPDATE journal SET seq = 2 WHERE seq = 3")
    db.execute_sql("UPDATE journal SET seq = 3 WHERE seq = -2")

    found = problems(db)

    assert any(p.startswith("record 2:") for p in found)
    assert any(p.startswith("record 3:") for p in found)


def test_a_truncated_tail_is_found_against_the_recorded_chain_head(db):
    head = journal.head(db)
    drop_guards(db)
    db.execute_sql("DELETE FROM journal WHERE seq > 3")

    assert problems(db) == []  # the remaining chain is consistent on its own...
    assert problems(db, head) == [  # ...which is why Z reports and the cloud keep heads
        "journal ends at record 3 but record 5 was recorded as the chain head: "
        "records were removed from the end"
    ]


def test_a_rewritten_tail_differs_from_the_recorded_head(db):
    head = journal.head(db)
    drop_guards(db)
    db.execute_sql("DELETE FROM journal WHERE seq = 5")
    with db.atomic():
        journal.append(db, "sale.completed", "sale-x", {"n": 99}, T0)

    assert problems(db) == []
    assert problems(db, head) == ["record 5: differs from the recorded chain head"]
