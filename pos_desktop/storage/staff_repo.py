"""Till users: name, role, Argon2id PIN hash, failed attempts and lockout expiry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from peewee import IntegrityError, SqliteDatabase

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.staff import Role, StaffMember

from .codec import parse_utc, utc_text

_COLUMNS = "id, name, role, active, failed_attempts, locked_until"


def _member(row) -> StaffMember:
    user_id, name, role, active, failed, locked = row
    return StaffMember(
        user_id, name, Role(role), bool(active), failed, parse_utc(locked) if locked else None
    )


class StaffRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def add(self, name: str, role: Role, pin_hash: str, now: datetime) -> StaffMember:
        """Create a user.

        Raises:
            DomainError: when the name is empty or already taken.
        """
        name = (name or "").strip()
        if not name:
            raise DomainError("A user needs a name.")
        stamp = utc_text(now)
        try:
            with self._db.atomic():
                self._db.execute_sql(
                    "INSERT INTO staff_user (id, name, role, pin_hash, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (new_id(), name, Role(role).value, pin_hash, stamp, stamp),
                )
        except IntegrityError:
            raise DomainError(f"A user named '{name}' already exists; pick another name.") from None
        return self.by_name(name)  # type: ignore[return-value]

    def by_name(self, name: str) -> StaffMember | None:
        row = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM staff_user WHERE name = ?",  # noqa: S608
            ((name or "").strip(),),
        ).fetchone()
        return _member(row) if row else None

    def by_id(self, user_id: str) -> StaffMember | None:
        row = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM staff_user WHERE id = ?",
            (user_id,),  # noqa: S608
        ).fetchone()
        return _member(row) if row else None

    def all(self, *, active_only: bool = False) -> list[StaffMember]:
        where = "WHERE active = 1" if active_only else ""
        rows = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM staff_user {where} ORDER BY name"  # noqa: S608
        ).fetchall()
        return [_member(r) for r in rows]

    def pin_hash(self, user_id: str) -> str | None:
        row = self._db.execute_sql(
            "SELECT pin_hash FROM staff_user WHERE id = ?", (user_id,)
        ).fetchone()
        return row[0] if row else None

    def set_pin_hash(self, user_id: str, pin_hash: str, now: datetime) -> None:
        """Store a new hash; a reset PIN also clears failures and the lock."""
        self._db.execute_sql(
            "UPDATE staff_user SET pin_hash = ?, failed_attempts = 0, locked_until = NULL, "
            "updated_at = ? WHERE id = ?",
            (pin_hash, utc_text(now), user_id),
        )

    def rehash(self, user_id: str, pin_hash: str) -> None:
        self._db.execute_sql("UPDATE staff_user SET pin_hash = ? WHERE id = ?", (pin_hash, user_id))

    def set_active(self, user_id: str, active: bool, now: datetime) -> None:
        self._db.execute_sql(
            "UPDATE staff_user SET active = ?, updated_at = ? WHERE id = ?",
            (int(active), utc_text(now), user_id),
        )

    def record_failure(self, user_id: str, attempts: int, locked_until: datetime | None) -> None:
        self._db.execute_sql(
            "UPDATE staff_user SET failed_attempts = ?, locked_until = ? WHERE id = ?",
            (attempts, utc_text(locked_until) if locked_until else None, user_id),
        )

    def clear_failures(self, user_id: str) -> None:
        self._db.execute_sql(
            "UPDATE staff_user SET failed_attempts = 0, locked_until = NULL WHERE id = ?",
            (user_id,),
        )


def apply_feed(db: SqliteDatabase, items: list[dict[str, Any]], now: datetime) -> int:
    """Apply a page of the cloud's ``staff`` feed (inside the puller's transaction).

    The cloud is the source of truth for the users it sends: one with the name of a user made
    at this till takes that user's row over (its PIN, role and state; the till's records name
    users, never their ids). A new PIN hash clears failed attempts and the lock, as a PIN reset
    at the till does. A tombstone disables the user; users are never deleted (sales name them).
    """
    conn, stamp = db.connection(), utc_text(now)
    conn.executemany(
        "UPDATE staff_user SET active = 0, updated_at = ? WHERE id = ?",
        [(stamp, i["id"]) for i in items if i["op"] == "delete"],
    )
    upserts = [i for i in items if i["op"] == "upsert"]
    # A cloud user renamed to the name of another user of this till, when the till has both:
    # the till's user keeps its row under a marked name, so no two rows clash.
    conn.executemany(
        "UPDATE staff_user SET name = name || ' (till ' || substr(id, 1, 8) || ')' "
        "WHERE name = ? AND id != ? AND EXISTS (SELECT 1 FROM staff_user WHERE id = ?)",
        [(i["data"]["name"], i["id"], i["id"]) for i in upserts],
    )
    conn.executemany(
        "UPDATE staff_user SET id = ? WHERE name = ? AND id != ?",
        [(i["id"], i["data"]["name"], i["id"]) for i in upserts],
    )
    conn.executemany(
        "INSERT INTO staff_user (id, name, role, pin_hash, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
        "name = excluded.name, role = excluded.role, active = excluded.active, "
        "failed_attempts = CASE WHEN pin_hash = excluded.pin_hash THEN failed_attempts ELSE 0 END, "
        "locked_until = CASE WHEN pin_hash = excluded.pin_hash THEN locked_until END, "
        "pin_hash = excluded.pin_hash, updated_at = excluded.updated_at",
        [
            (
                i["id"],
                i["data"]["name"],
                Role(i["data"]["role"]).value,
                i["data"]["pin_hash"],
                int(bool(i["data"]["active"])),
                stamp,
                stamp,
            )
            for i in upserts
        ],
    )
    return len(items)
