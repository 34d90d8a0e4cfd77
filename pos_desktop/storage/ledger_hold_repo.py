"""Redemptions this till asked the cloud for (table ``ledger_hold``, migration 27).

States: ``reserving`` (written before the request), ``reserved`` (the cloud took it),
``offline`` (taken while the cloud was unreachable; nothing asked of it),
``spent`` (the sale was stored, in the sale's transaction), ``released`` (given back through
the outbox), ``refused`` (the cloud said no: nothing was taken).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from .codec import utc_text


@dataclass(frozen=True, slots=True)
class Hold:
    entry_id: str
    kind: str
    account: str
    unit: str
    amount: int
    balance_after: int | None
    state: str


_COLUMNS = "entry_id, kind, account, unit, amount, balance_after, state"


class LedgerHoldRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def begin(self, hold: Hold, now: datetime) -> None:
        """Record a redemption about to be asked for, or taken offline (``hold.state``;
        commits on its own)."""
        stamp = utc_text(now)
        with self._db.atomic("IMMEDIATE"):
            self._db.execute_sql(
                f"INSERT INTO ledger_hold ({_COLUMNS}, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                (
                    hold.entry_id,
                    hold.kind,
                    hold.account,
                    hold.unit,
                    hold.amount,
                    hold.state,
                    stamp,
                    stamp,
                ),
            )

    def set_state(
        self,
        entry_id: str,
        state: str,
        now: datetime,
        *,
        balance_after: int | None = None,
        sale_id: str | None = None,
        only_from: tuple[str, ...] = ("reserving", "reserved", "offline"),
    ) -> bool:
        """Move an open hold to ``state``; False when it was not open (call in a transaction
        when the change goes with other writes)."""
        marks = ", ".join("?" for _ in only_from)
        cur = self._db.execute_sql(
            "UPDATE ledger_hold SET state = ?, updated_at = ?, "
            "balance_after = COALESCE(?, balance_after), sale_id = COALESCE(?, sale_id) "
            f"WHERE entry_id = ? AND state IN ({marks})",
            (state, utc_text(now), balance_after, sale_id, entry_id, *only_from),
        )
        return cur.rowcount == 1

    def get(self, entry_id: str) -> Hold | None:
        row = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM ledger_hold WHERE entry_id = ?", (entry_id,)
        ).fetchone()
        return Hold(*row) if row else None

    def offline_open_amount(self, kind: str) -> int:
        """What tenders taken offline and not sold (yet) hold: they count against the till's
        offline limit as soon as they are taken."""
        row = self._db.execute_sql(
            "SELECT COALESCE(SUM(amount), 0) FROM ledger_hold WHERE kind = ? AND state = 'offline'",
            (kind,),
        ).fetchone()
        return int(row[0])

    def open_holds(self) -> list[Hold]:
        """Redemptions asked for whose sale was not stored (yet), except those an unresolved
        card payment carries as its earlier tenders (its approval stores the sale with them)."""
        rows = self._db.execute_sql(
            f"SELECT {_COLUMNS} FROM ledger_hold h "
            "WHERE state IN ('reserving', 'reserved', 'offline') "
            "AND NOT EXISTS (SELECT 1 FROM card_payment c WHERE c.status IN ('pending', "
            "'unknown') AND instr(c.cart_snapshot, h.entry_id) > 0) ORDER BY created_at"
        ).fetchall()
        return [Hold(*row) for row in rows]
