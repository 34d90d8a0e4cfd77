"""Saving a sale: sale, lines, payments, journal record and outbox event in one transaction."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.payment import Payment
from pos_desktop.domain.pricing import AppliedPromotion
from pos_desktop.domain.sale import Sale, SaleLine
from pos_desktop.domain.tax import TaxSummaryRow

from . import journal, outbox
from .codec import canonical_json, parse_utc, utc_text
from .customer_repo import link_sale

SALE_COMPLETED = "sale.completed"


def sale_payload(sale: Sale) -> dict[str, Any]:
    """The wire/journal form of a sale (see docs/CLOUD.md, event ``sale.completed``)."""
    return {
        "sale_id": sale.sale_id,
        "terminal_id": sale.terminal_id,
        "receipt_number": sale.receipt_number,
        "currency": sale.currency,
        "prices_include_tax": sale.prices_include_tax,
        "subtotal_minor": sale.subtotal_minor,
        "tax_minor": sale.tax_minor,
        "total_minor": sale.total_minor,
        "rounding_minor": sale.rounding_minor,
        "savings_minor": sale.savings_minor,
        "completed_at": utc_text(sale.completed_at),
        "cashier": sale.cashier,
        "shift_id": sale.shift_id,
        **({"customer_id": sale.customer_id} if sale.customer_id else {}),
        **({"receipt_token": sale.receipt_token} if sale.receipt_token else {}),
        "lines": [
            {
                "line_id": ln.line_id,
                "product_id": ln.product_id,
                "sku": ln.sku,
                "gtin": ln.gtin,
                "name": ln.name,
                "quantity": str(ln.quantity),
                "unit_price_minor": ln.unit_price_minor,
                "line_total_minor": ln.amount_minor,
                "net_minor": ln.net_minor,
                "tax_minor": ln.tax_minor,
                "tax_code": ln.tax_code,
                "tax_percent": str(ln.tax_percent),
                "sold_by_weight": ln.sold_by_weight,
                "regular_minor": ln.regular_minor,
                "promotion_minor": ln.promotion_minor,
                "line_discount_minor": ln.line_discount_minor,
                "order_discount_minor": ln.order_discount_minor,
                "promotions": [list(a) for a in ln.promotions],
                "override_reason": ln.override_reason,
            }
            for ln in sale.lines
        ],
        "payments": [p.to_json() for p in sale.payments],
    }


@dataclass(frozen=True, slots=True)
class SaleSummary:
    sale_id: str
    receipt_number: int
    completed_at: str
    total_minor: int
    currency: str
    line_count: int
    tenders: str


class SalesRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    @property
    def db(self) -> SqliteDatabase:
        """The sales db (the checkout reads promotions, vouchers and settings from it)."""
        return self._db

    def save_completed(
        self, sale: Sale, within: Callable[[SqliteDatabase, Sale], None] | None = None
    ) -> Sale:
        """Number and store the sale with its journal record and outbox event, atomically.

        ``within`` runs inside the same transaction (e.g. marking a card payment as used by
        this sale), so both happen or neither does.

        The receipt number comes from the terminal's counter inside the same transaction, so a
        rolled-back sale leaves no gap.
        """
        db = self._db
        with db.atomic("IMMEDIATE"):
            cur = db.execute_sql(
                "UPDATE receipt_counter SET last_number = last_number + 1 "
                "WHERE terminal_id = ? RETURNING last_number",
                (sale.terminal_id,),
            )
            row = cur.fetchone()
            if row is None:
                raise RuntimeError(
                    f"No receipt counter for terminal {sale.terminal_id}; run 'pos-admin init'."
                )
            # 128 random bits: the digital receipt's link, printed before the sale is synced.
            sale = sale.numbered(row[0], secrets.token_urlsafe(16))
            stamp = utc_text(sale.completed_at)
            db.execute_sql(
                "INSERT INTO sale (id, terminal_id, receipt_number, currency, subtotal_minor, "
                "tax_minor, total_minor, prices_include_tax, status, cashier, completed_at, "
                "shift_id, rounding_minor, savings_minor) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'completed', ?, ?, ?, ?, ?)",
                (
                    sale.sale_id,
                    sale.terminal_id,
                    sale.receipt_number,
                    sale.currency,
                    sale.subtotal_minor,
                    sale.tax_minor,
                    sale.total_minor,
                    int(sale.prices_include_tax),
                    sale.cashier,
                    stamp,
                    sale.shift_id,
                    sale.rounding_minor,
                    sale.savings_minor,
                ),
            )
            if sale.customer_id:
                link_sale(db, sale.sale_id, sale.customer_id)
            conn = db.connection()
            conn.executemany(
                "INSERT INTO sale_line (id, sale_id, position, product_id, sku, gtin, name, "
                "quantity, unit_price_minor, amount_minor, net_minor, tax_minor, tax_code, "
                "tax_percent, regular_minor, promotion_minor, discount_minor, "
                "order_discount_minor, promotions, override_reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        ln.line_id,
                        sale.sale_id,
                        pos,
                        ln.product_id,
                        ln.sku,
                        ln.gtin,
                        ln.name,
                        str(ln.quantity),
                        ln.unit_price_minor,
                        ln.amount_minor,
                        ln.net_minor,
                        ln.tax_minor,
                        ln.tax_code,
                        str(ln.tax_percent),
                        ln.regular_minor,
                        ln.promotion_minor,
                        ln.discount_minor,
                        ln.order_discount_minor,
                        json.dumps([list(a) for a in ln.promotions]),
                        ln.override_reason,
                    )
                    for pos, ln in enumerate(sale.lines, start=1)
                ],
            )
            conn.executemany(
                "INSERT INTO payment (id, sale_id, tender, currency, amount_minor, "
                "tendered_minor, change_minor, reference, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.payment_id,
                        sale.sale_id,
                        p.tender,
                        p.amount.currency,
                        p.amount.amount_minor,
                        p.tendered.amount_minor,
                        p.change.amount_minor,
                        p.reference,
                        stamp,
                    )
                    for p in sale.payments
                ],
            )
            body = {**sale_payload(sale), **_seller(db)}
            payload = canonical_json(body)  # one text for journal and outbox
            journal.append(db, SALE_COMPLETED, sale.sale_id, payload, sale.completed_at)
            outbox.append_event(db, SALE_COMPLETED, payload, sale.completed_at)
            if within is not None:
                within(db, sale)
        return sale

    def recent(self, limit: int = 50) -> list[SaleSummary]:
        rows = self._db.execute_sql(
            "SELECT s.id, s.receipt_number, s.completed_at, s.total_minor, s.currency, "
            "(SELECT COUNT(*) FROM sale_line l WHERE l.sale_id = s.id), "
            "(SELECT group_concat(tender, '+') FROM payment p WHERE p.sale_id = s.id) "
            "FROM sale s ORDER BY s.completed_at DESC, s.receipt_number DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [SaleSummary(*row) for row in rows]

    def quantity_sold_since(self, sku: str, since: str) -> Decimal:
        """How much of ``sku`` this till's stored sales sold from ``since`` (stored UTC text)."""
        rows = self._db.execute_sql(
            "SELECT sl.quantity FROM sale_line sl JOIN sale s ON s.id = sl.sale_id "
            "WHERE sl.sku = ? AND s.completed_at >= ?",
            (sku, since),
        ).fetchall()
        return sum((Decimal(q) for (q,) in rows), Decimal(0))

    def has_any(self) -> bool:
        return self._db.execute_sql("SELECT 1 FROM sale LIMIT 1").fetchone() is not None

    def count(self) -> int:
        return self._db.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0]

    def receipt_numbers(self, terminal_id: str) -> list[int]:
        rows = self._db.execute_sql(
            "SELECT receipt_number FROM sale WHERE terminal_id = ? ORDER BY receipt_number",
            (terminal_id,),
        ).fetchall()
        return [r[0] for r in rows]

    def payload(self, sale_id: str) -> dict[str, Any] | None:
        """The stored journal body of a sale (what was printed and replicated)."""
        row = self._db.execute_sql(
            "SELECT body FROM journal WHERE object_id = ? AND type = ?", (sale_id, SALE_COMPLETED)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def first_sale_of_product(self, product_id: str) -> tuple[str, int, str, str] | None:
        """The first stored sale with a line of ``product_id``: (sale id, receipt number,
        payment id, tender) of its first payment; None when no sale has it."""
        return self._db.execute_sql(
            "SELECT s.id, s.receipt_number, p.id, p.tender FROM sale_line l "
            "JOIN sale s ON s.id = l.sale_id JOIN payment p ON p.sale_id = s.id "
            "WHERE l.product_id = ? LIMIT 1",
            (product_id,),
        ).fetchone()

    def find_by_receipt(self, terminal_id: str, receipt_number: int) -> Sale | None:
        """The stored sale with that receipt number on that terminal, rebuilt from its journal
        record (exactly what was printed), or None."""
        row = self._db.execute_sql(
            "SELECT id FROM sale WHERE terminal_id = ? AND receipt_number = ? "
            "AND status = 'completed'",
            (terminal_id, receipt_number),
        ).fetchone()
        return self.load(row[0]) if row else None

    def load(self, sale_id: str) -> Sale | None:
        data = self.payload(sale_id)
        return sale_from_payload(data) if data else None


def _seller(db: SqliteDatabase) -> dict[str, Any]:
    """The store as this receipt names it (the digital receipt and invoice show the same), and
    the language and locale the paper receipt is printed in (the cloud's copy speaks it too)."""
    row = db.execute_sql(
        "SELECT name, address, tax_id, receipt_footer, language, locale "
        "FROM store_settings WHERE id = 1"
    ).fetchone()
    if row is None:
        return {}
    seller = dict(zip(("name", "address", "tax_id", "footer"), row[:4], strict=True))
    return {"seller": seller, "language": row[4], "locale": row[5]}


def sale_from_payload(data: dict[str, Any]) -> Sale:
    """Rebuild a :class:`Sale` from its ``sale.completed`` payload (journal or wire)."""
    cur = data["currency"]
    lines = tuple(
        SaleLine(
            line_id=ln["line_id"],
            product_id=ln["product_id"],
            sku=ln["sku"],
            gtin=ln.get("gtin"),
            name=ln["name"],
            quantity=Decimal(ln["quantity"]),
            unit_price_minor=ln["unit_price_minor"],
            amount_minor=ln["line_total_minor"],
            net_minor=ln["net_minor"],
            tax_minor=ln["tax_minor"],
            tax_code=ln["tax_code"],
            tax_percent=Decimal(ln["tax_percent"]),
            sold_by_weight=bool(ln.get("sold_by_weight", False)),
            regular_minor=ln.get("regular_minor"),
            promotion_minor=ln.get("promotion_minor", 0),
            line_discount_minor=ln.get("line_discount_minor", 0),
            order_discount_minor=ln.get("order_discount_minor", 0),
            promotions=tuple(AppliedPromotion(*a) for a in ln.get("promotions", ())),
            override_reason=ln.get("override_reason"),
        )
        for ln in data["lines"]
    )
    payments = tuple(Payment.from_json(p, cur) for p in data["payments"])
    return Sale(
        sale_id=data["sale_id"],
        terminal_id=data["terminal_id"],
        currency=cur,
        prices_include_tax=data["prices_include_tax"],
        lines=lines,
        payments=payments,
        subtotal_minor=data["subtotal_minor"],
        tax_minor=data["tax_minor"],
        total_minor=data["total_minor"],
        tax_summary=_tax_summary(lines, data["prices_include_tax"]),
        completed_at=parse_utc(data["completed_at"]),
        cashier=data.get("cashier"),
        shift_id=data.get("shift_id"),
        customer_id=data.get("customer_id"),
        receipt_token=data.get("receipt_token"),
        receipt_number=data.get("receipt_number"),
        rounding_minor=data.get("rounding_minor", 0),
        savings_minor=data.get("savings_minor", 0),
    )


def _tax_summary(lines: tuple[SaleLine, ...], prices_include_tax: bool) -> tuple:
    acc: dict[str, list] = {}
    for ln in lines:
        row = acc.setdefault(ln.tax_code, [ln.tax_percent, 0, 0])
        row[1] += ln.net_minor
        row[2] += ln.tax_minor
    return tuple(
        TaxSummaryRow(code, code, pct, net, tax, net + tax)
        for code, (pct, net, tax) in sorted(acc.items())
    )
