"""Customers at the till (table ``customer``, migrations 6 and 20) and the sales they made."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import SqliteDatabase

_COLUMNS = "id, name, email, phone, marketing_consent, consent_at, consent_source, email_receipts"


@dataclass(frozen=True, slots=True)
class CustomerRow:
    customer_id: str
    name: str
    email: str | None
    phone: str | None
    marketing_consent: bool
    consent_at: str | None
    consent_source: str | None
    email_receipts: bool


@dataclass(frozen=True, slots=True)
class CustomerSale:
    sale_id: str
    receipt_number: int
    completed_at: str
    total_minor: int
    currency: str


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CustomerRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def _rows(self, sql: str, params: tuple) -> list[CustomerRow]:
        return [
            CustomerRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6], bool(r[7]))
            for r in self._db.execute_sql(sql, params).fetchall()
        ]

    def search(self, text: str, limit: int = 20) -> list[CustomerRow]:
        """By name (any word's start), e-mail or phone digits; names starting with it first."""
        text = text.strip()
        if not text:
            return []
        like = _escape_like(text)
        digits = "".join(c for c in text if c.isdigit())
        phone = f"%{_escape_like(digits)}%" if len(digits) >= 3 else None
        return self._rows(
            f"SELECT {_COLUMNS} FROM customer WHERE name LIKE ? ESCAPE '\\' "
            "OR name LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\' "
            "OR (? IS NOT NULL AND phone LIKE ? ESCAPE '\\') "
            "ORDER BY (name LIKE ? ESCAPE '\\') DESC, name LIMIT ?",
            (f"{like}%", f"% {like}%", f"%{like}%", phone, phone, f"{like}%", limit),
        )

    def is_empty(self) -> bool:
        return self._db.execute_sql("SELECT 1 FROM customer LIMIT 1").fetchone() is None

    def get(self, customer_id: str) -> CustomerRow | None:
        rows = self._rows(f"SELECT {_COLUMNS} FROM customer WHERE id = ?", (customer_id,))
        return rows[0] if rows else None

    def find_same(self, email: str | None, phone: str | None) -> CustomerRow | None:
        """A customer with this e-mail or phone already (a likely duplicate)."""
        rows = self._rows(
            f"SELECT {_COLUMNS} FROM customer WHERE (? IS NOT NULL AND email = ? COLLATE NOCASE) "
            "OR (? IS NOT NULL AND phone = ?) LIMIT 1",
            (email, email, phone, phone),
        )
        return rows[0] if rows else None

    def insert(self, row: CustomerRow, now_text: str) -> None:
        self._db.execute_sql(
            "INSERT INTO customer (id, name, email, phone, updated_at, marketing_consent, "
            "consent_at, consent_source, email_receipts, created_here) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (row.customer_id, row.name, row.email, row.phone, now_text,
             int(row.marketing_consent), row.consent_at, row.consent_source,
             int(row.email_receipts)),
        )  # fmt: skip

    def set_email_receipts(self, customer_id: str, now_text: str) -> None:
        """Record that the customer wants receipts by e-mail (inside the action's transaction)."""
        self._db.execute_sql(
            "UPDATE customer SET email_receipts = 1, updated_at = ? WHERE id = ?",
            (now_text, customer_id),
        )

    def sales(self, customer_id: str, limit: int = 50) -> list[CustomerSale]:
        rows = self._db.execute_sql(
            "SELECT s.id, s.receipt_number, s.completed_at, s.total_minor, s.currency "
            "FROM sale_customer c JOIN sale s ON s.id = c.sale_id WHERE c.customer_id = ? "
            "ORDER BY s.completed_at DESC LIMIT ?",
            (customer_id, limit),
        ).fetchall()
        return [CustomerSale(*r) for r in rows]


def link_sale(db: SqliteDatabase, sale_id: str, customer_id: str) -> None:
    """Within the sale's transaction: which customer made it."""
    db.execute_sql(
        "INSERT INTO sale_customer (sale_id, customer_id) VALUES (?, ?)", (sale_id, customer_id)
    )
