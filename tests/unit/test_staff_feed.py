"""The till applies the cloud's ``staff`` feed: takeover by name, new PIN clears the lock,
tombstones disable, and a rename onto a local user's name never clashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pos_desktop.domain.staff import Role
from pos_desktop.storage import staff_repo
from pos_desktop.storage.db import open_database

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite")
    yield database
    database.close()


def _item(user_id: str, name: str, pin_hash: str = "$argon2id$a", active: bool = True, op="upsert"):
    data = {"id": user_id, "name": name, "role": "cashier", "pin_hash": pin_hash, "active": active}
    return {"op": op, "id": user_id, "data": data}


def _apply(db, *items):
    with db.atomic("IMMEDIATE"):
        staff_repo.apply_feed(db, list(items), NOW)


def test_a_local_user_of_the_same_name_is_taken_over(db):
    repo = staff_repo.StaffRepository(db)
    local = repo.add("Anna", Role.MANAGER, "$argon2id$local", NOW)
    repo.record_failure(local.user_id, 9, NOW)
    _apply(db, _item("c-1", "anna", "$argon2id$cloud"))
    (member,) = repo.all()
    assert (member.user_id, member.name, member.role) == ("c-1", "anna", Role.CASHIER)
    assert repo.pin_hash("c-1") == "$argon2id$cloud" and member.failed_attempts == 0


def test_same_hash_keeps_failures_new_hash_clears_them_tombstone_disables(db):
    repo = staff_repo.StaffRepository(db)
    _apply(db, _item("c-1", "Bo", "$argon2id$one"))
    repo.record_failure("c-1", 3, None)
    _apply(db, _item("c-1", "Bo", "$argon2id$one"))
    assert repo.by_id("c-1").failed_attempts == 3
    _apply(db, _item("c-1", "Bo", "$argon2id$two"))
    assert repo.by_id("c-1").failed_attempts == 0
    _apply(db, _item("c-1", "Bo", op="delete"))
    assert not repo.by_id("c-1").active and repo.pin_hash("c-1") == "$argon2id$two"


def test_a_cloud_rename_onto_a_local_users_name_keeps_both(db):
    repo = staff_repo.StaffRepository(db)
    _apply(db, _item("c-1", "Bo"))
    local = repo.add("Cy", Role.CASHIER, "$argon2id$local", NOW)
    _apply(db, _item("c-1", "Cy", "$argon2id$cloud"))
    names = {m.user_id: m.name for m in repo.all()}
    assert names["c-1"] == "Cy"
    assert names[local.user_id] == f"Cy (till {local.user_id[:8]})"
