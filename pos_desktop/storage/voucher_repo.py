"""Gift vouchers: a code with a balance; a redemption decrements it in the sale's transaction.

Codes are matched without regard to case (``gift-5000`` is ``GIFT-5000``); an exact match wins
when two codes differ only in case. The voucher table is small (one row per voucher sold), so the
case-insensitive match scans it instead of needing an index of its own.
"""

from __future__ import annotations

from datetime import datetime

from peewee import SqliteDatabase

from pos_desktop.domain.errors import PaymentError
from pos_desktop.domain.money import Money

from .codec import utc_text


class VoucherRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def issue(self, code: str, amount: Money, now: datetime) -> None:
        """Create a voucher (or top an existing one up to ``amount``)."""
        stamp = utc_text(now)
        self._db.execute_sql(
            "INSERT INTO gift_voucher (code, currency, balance_minor, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
            "balance_minor = excluded.balance_minor, updated_at = excluded.updated_at",
            (code.strip(), amount.currency, amount.amount_minor, stamp, stamp),
        )

    def load(self, code: str, amount: Money, now: datetime) -> None:
        """Add ``amount`` to a voucher, creating it when new (a gift card sold at this till)."""
        stamp = utc_text(now)
        self._db.execute_sql(
            "INSERT INTO gift_voucher (code, currency, balance_minor, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
            "balance_minor = balance_minor + excluded.balance_minor, "
            "updated_at = excluded.updated_at",
            (self._stored_code(code), amount.currency, amount.amount_minor, stamp, stamp),
        )

    def _stored_code(self, code: str) -> str:
        """The code as stored for ``code`` typed in any case (``code`` itself when unknown)."""
        code = code.strip()
        row = self._db.execute_sql(
            "SELECT code FROM gift_voucher WHERE code = ? COLLATE NOCASE "
            "ORDER BY code = ? DESC LIMIT 1",
            (code, code),
        ).fetchone()
        return row[0] if row else code

    def balance(self, code: str) -> Money | None:
        """The voucher's balance, or None when there is no active voucher with that code."""
        row = self._db.execute_sql(
            "SELECT balance_minor, currency FROM gift_voucher WHERE code = ? AND status = 'active'",
            (self._stored_code(code),),
        ).fetchone()
        return Money(row[0], row[1]) if row else None

    def redeem(self, code: str, amount_minor: int, now: datetime) -> None:
        """Take ``amount_minor`` off the voucher; call inside the sale's transaction.

        Raises:
            PaymentError: when the voucher is unknown or its balance is too low (the sale's
                transaction then rolls back: nothing is stored).
        """
        cur = self._db.execute_sql(
            "UPDATE gift_voucher SET balance_minor = balance_minor - ?, updated_at = ? "
            "WHERE code = ? AND status = 'active' AND balance_minor >= ?",
            (amount_minor, utc_text(now), self._stored_code(code), amount_minor),
        )
        if cur.rowcount != 1:
            raise PaymentError(
                f"Voucher {code} does not have {amount_minor} minor units left: check its "
                "balance and take another tender for the rest."
            )

    def refund_to(self, code: str, amount_minor: int, now: datetime) -> None:
        """Put a refunded amount back on the voucher (inside the refund's transaction)."""
        self._db.execute_sql(
            "UPDATE gift_voucher SET balance_minor = balance_minor + ?, updated_at = ? "
            "WHERE code = ?",
            (amount_minor, utc_text(now), self._stored_code(code)),
        )
