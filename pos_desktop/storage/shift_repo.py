"""Shifts and cash movements. Every event is journaled and queued in its own transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from peewee import IntegrityError, SqliteDatabase

from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.ids import new_id

from . import journal, outbox
from .codec import canonical_json, parse_utc, utc_text

SHIFT_OPENED = "shift.opened"
SHIFT_CLOSED = "shift.closed"
CASH_MOVEMENT = "cash.movement"
MOVEMENT_KINDS = ("paid_in", "paid_out", "drop", "no_sale")


@dataclass(frozen=True, slots=True)
class Shift:
    shift_id: str
    terminal_id: str
    number: int
    currency: str
    status: str
    opened_by: str
    opened_at: datetime
    float_count: CashCount
    count_attempts: int = 0
    closed_by: str | None = None
    closed_at: datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True, slots=True)
class CashMovement:
    movement_id: str
    shift_id: str
    kind: str
    amount_minor: int
    currency: str
    reason_code: str
    note: str
    user_name: str
    approved_by: str | None
    created_at: str


_SHIFT_COLS = (
    "id, terminal_id, number, currency, status, opened_by, opened_at, float_counts, "
    "count_attempts, closed_by, closed_at"
)


def _shift(row) -> Shift:
    sid, term, num, cur, status, by, at, floats, attempts, cby, cat = row
    return Shift(
        sid,
        term,
        num,
        cur,
        status,
        by,
        parse_utc(at),
        CashCount.from_json(cur, json.loads(floats)),
        attempts,
        cby,
        parse_utc(cat) if cat else None,
    )


class ShiftRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def open(self, terminal_id: str, user: str, float_count: CashCount, now: datetime) -> Shift:
        """Open the till's next shift with its counted float.

        Raises:
            DomainError: when a shift is already open on this till.
        """
        db, shift_id = self._db, new_id()
        try:
            with db.atomic("IMMEDIATE"):
                number = db.execute_sql(
                    "SELECT COALESCE(MAX(number), 0) + 1 FROM shift WHERE terminal_id = ?",
                    (terminal_id,),
                ).fetchone()[0]
                db.execute_sql(
                    "INSERT INTO shift (id, terminal_id, number, currency, status, opened_by, "
                    "opened_at, float_counts, float_minor) VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?)",
                    (
                        shift_id,
                        terminal_id,
                        number,
                        float_count.currency,
                        user,
                        utc_text(now),
                        canonical_json(float_count.to_json()),
                        float_count.total().amount_minor,
                    ),
                )
                body = {
                    "shift_id": shift_id,
                    "terminal_id": terminal_id,
                    "number": number,
                    "opened_by": user,
                    "currency": float_count.currency,
                    "float": float_count.to_json(),
                    "float_minor": float_count.total().amount_minor,
                }
                journal.append(db, SHIFT_OPENED, shift_id, body, now)
                outbox.append_event(db, SHIFT_OPENED, body, now)
        except IntegrityError:
            raise DomainError(
                f"A shift is already open on till {terminal_id}; close it before opening another."
            ) from None
        return self.get(shift_id)  # type: ignore[return-value]

    def get(self, shift_id: str) -> Shift | None:
        row = self._db.execute_sql(
            f"SELECT {_SHIFT_COLS} FROM shift WHERE id = ?",
            (shift_id,),  # noqa: S608
        ).fetchone()
        return _shift(row) if row else None

    def open_shift_id(self, terminal_id: str) -> str | None:
        """The id of the till's open shift, or None (one indexed probe: asked before a sale)."""
        row = self._db.execute_sql(
            "SELECT id FROM shift WHERE terminal_id = ? AND status = 'open'", (terminal_id,)
        ).fetchone()
        return row[0] if row else None

    def status(self, shift_id: str) -> str | None:
        """``open`` or ``closed``; None for an unknown shift."""
        row = self._db.execute_sql("SELECT status FROM shift WHERE id = ?", (shift_id,)).fetchone()
        return row[0] if row else None

    def current(self, terminal_id: str) -> Shift | None:
        row = self._db.execute_sql(
            f"SELECT {_SHIFT_COLS} FROM shift WHERE terminal_id = ? AND status = 'open'",  # noqa: S608
            (terminal_id,),
        ).fetchone()
        return _shift(row) if row else None

    def latest(self, terminal_id: str | None = None) -> Shift | None:
        where, params = ("WHERE terminal_id = ?", (terminal_id,)) if terminal_id else ("", ())
        row = self._db.execute_sql(
            f"SELECT {_SHIFT_COLS} FROM shift {where} ORDER BY opened_at DESC LIMIT 1",  # noqa: S608
            params,
        ).fetchone()
        return _shift(row) if row else None

    def add_movement(
        self,
        shift: Shift,
        kind: str,
        amount_minor: int,
        reason_code: str,
        user: str,
        now: datetime,
        *,
        approved_by: str | None = None,
        note: str = "",
    ) -> CashMovement:
        """Record paid in/out, a drop or a no-sale with its journal record and outbox event."""
        if kind not in MOVEMENT_KINDS:
            raise ValueError(f"unknown cash movement kind {kind!r}")
        movement = CashMovement(
            new_id(),
            shift.shift_id,
            kind,
            amount_minor,
            shift.currency,
            reason_code,
            note,
            user,
            approved_by,
            utc_text(now),
        )
        db = self._db
        with db.atomic():
            db.execute_sql(
                "INSERT INTO cash_movement (id, shift_id, kind, currency, amount_minor, "
                "reason_code, note, user_name, approved_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    movement.movement_id,
                    shift.shift_id,
                    kind,
                    shift.currency,
                    amount_minor,
                    reason_code,
                    note,
                    user,
                    approved_by,
                    movement.created_at,
                ),
            )
            body = {
                "movement_id": movement.movement_id,
                "shift_id": shift.shift_id,
                "kind": kind,
                "amount_minor": amount_minor,
                "currency": shift.currency,
                "reason_code": reason_code,
                "note": note,
                "user": user,
                "approved_by": approved_by,
            }
            journal.append(db, CASH_MOVEMENT, movement.movement_id, body, now)
            outbox.append_event(db, CASH_MOVEMENT, body, now)
        return movement

    def movements(self, shift_id: str) -> list[CashMovement]:
        rows = self._db.execute_sql(
            "SELECT id, shift_id, kind, amount_minor, currency, reason_code, note, user_name, "
            "approved_by, created_at FROM cash_movement WHERE shift_id = ? ORDER BY created_at",
            (shift_id,),
        ).fetchall()
        return [CashMovement(*r) for r in rows]

    def bump_count_attempts(self, shift_id: str) -> int:
        """One more blind count of this shift's drawer; returns how many there have been."""
        with self._db.atomic():
            self._db.execute_sql(
                "UPDATE shift SET count_attempts = count_attempts + 1 WHERE id = ?", (shift_id,)
            )
            return self._db.execute_sql(
                "SELECT count_attempts FROM shift WHERE id = ?", (shift_id,)
            ).fetchone()[0]

    def mark_closed(self, shift_id: str, user: str, counted: dict, now: datetime) -> None:
        """Close the shift row; call inside the close transaction (which journals the Z)."""
        cur = self._db.execute_sql(
            "UPDATE shift SET status = 'closed', closed_by = ?, closed_at = ?, counted = ? "
            "WHERE id = ? AND status = 'open'",
            (user, utc_text(now), canonical_json(counted), shift_id),
        )
        if cur.rowcount != 1:
            raise DomainError("This shift is already closed; open a new shift to sell.")
