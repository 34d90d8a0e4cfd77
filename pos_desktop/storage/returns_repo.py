"""Refunds: numbered from the sale counter, journaled and outboxed in one transaction."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.refund import Refund, RefundLine, TenderAmount

from . import journal, outbox
from .codec import canonical_json, utc_text

REFUND_COMPLETED = "refund.completed"


@dataclass(frozen=True, slots=True)
class StoredRefund:
    """A refund as stored: the domain plan plus its number, kind and names for the receipt."""

    refund: Refund
    terminal_id: str
    receipt_number: int
    kind: str  # receipt | no_receipt | exchange
    currency: str
    completed_at: datetime
    names: dict[str, str]
    original_receipt_number: int | None = None
    cashier: str | None = None
    shift_id: str | None = None
    exchange_sale_id: str | None = None
    skus: dict[str, str] | None = None  # line id -> sku: what goes back on the shelf


def refund_detail(refund: Refund, names: dict[str, str]) -> dict[str, Any]:
    return {
        "completes_sale": refund.completes_sale,
        "lines": [
            [ln.line_id, str(ln.quantity), ln.gross_minor, ln.tax_minor, names.get(ln.line_id, "")]
            for ln in refund.lines
        ],
        "tenders": [
            [t.tender_id, t.kind, t.name, t.amount_minor, t.reference] for t in refund.tenders
        ],
    }


def refund_payload(stored: StoredRefund) -> dict[str, Any]:
    r = stored.refund
    return {
        "refund_id": r.refund_id,
        "sale_id": r.sale_id,
        "kind": stored.kind,
        "terminal_id": stored.terminal_id,
        "receipt_number": stored.receipt_number,
        "original_receipt_number": stored.original_receipt_number,
        "currency": stored.currency,
        "goods_minor": r.goods_minor,
        "tax_minor": r.tax_minor,
        "rounding_minor": r.rounding_minor,
        "total_minor": r.payout_minor,
        "completed_at": utc_text(stored.completed_at),
        "cashier": stored.cashier,
        "shift_id": stored.shift_id,
        "exchange_sale_id": stored.exchange_sale_id,
        **refund_detail(r, stored.names),
        "stock": _returned_stock(r, stored.skus or {}),
    }


def _returned_stock(refund: Refund, skus: dict[str, str]) -> list[dict[str, str]]:
    """Quantities back in stock by sku (the cloud's stock ledger adds them)."""
    totals: dict[str, Decimal] = {}
    for line in refund.lines:
        sku = skus.get(line.line_id)
        if sku:
            totals[sku] = totals.get(sku, Decimal(0)) + line.quantity
    return [{"sku": sku, "quantity": str(q)} for sku, q in sorted(totals.items()) if q]


class ReturnsRepository:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db

    def next_receipt_number(self, terminal_id: str) -> int:
        """Take the next number of the sale counter (call inside the refund's transaction)."""
        row = self._db.execute_sql(
            "UPDATE receipt_counter SET last_number = last_number + 1 "
            "WHERE terminal_id = ? RETURNING last_number",
            (terminal_id,),
        ).fetchone()
        if row is None:
            raise RuntimeError(
                f"No receipt counter for terminal {terminal_id}; run 'pos-admin init'."
            )
        return row[0]

    def save(
        self, stored: StoredRefund, within: Callable[[SqliteDatabase], None] | None = None
    ) -> StoredRefund:
        """Number and store the refund with its journal record and outbox event, atomically."""
        db = self._db

        with db.atomic("IMMEDIATE"):
            stored = replace(stored, receipt_number=self.next_receipt_number(stored.terminal_id))
            r = stored.refund
            db.execute_sql(
                "INSERT INTO refund (id, sale_id, terminal_id, receipt_number, kind, currency, "
                "goods_minor, tax_minor, rounding_minor, total_minor, detail, cashier, shift_id, "
                "completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    r.refund_id,
                    r.sale_id or None,
                    stored.terminal_id,
                    stored.receipt_number,
                    stored.kind,
                    stored.currency,
                    r.goods_minor,
                    r.tax_minor,
                    r.rounding_minor,
                    r.payout_minor,
                    canonical_json(refund_detail(r, stored.names)),
                    stored.cashier,
                    stored.shift_id,
                    utc_text(stored.completed_at),
                ),
            )
            payload = refund_payload(stored)
            journal.append(db, REFUND_COMPLETED, r.refund_id, payload, stored.completed_at)
            outbox.append_event(db, REFUND_COMPLETED, payload, stored.completed_at)
            if within is not None:
                within(db)
        return stored

    def for_sale(self, sale_id: str) -> list[Refund]:
        """Earlier refunds against a sale, oldest first (for plan_refund's ``previous``)."""
        rows = self._db.execute_sql(
            "SELECT id, sale_id, detail, goods_minor, tax_minor, rounding_minor FROM refund "
            "WHERE sale_id = ? ORDER BY receipt_number",
            (sale_id,),
        ).fetchall()
        out = []
        for refund_id, sid, detail, goods, tax, rounding in rows:
            data = json.loads(detail)
            out.append(
                Refund(
                    sale_id=sid,
                    lines=tuple(
                        RefundLine(lid, Decimal(q), g, t) for lid, q, g, t, _n in data["lines"]
                    ),
                    tenders=tuple(TenderAmount(*t) for t in data["tenders"]),
                    goods_minor=goods,
                    tax_minor=tax,
                    rounding_minor=rounding,
                    completes_sale=data["completes_sale"],
                    refund_id=refund_id,
                )
            )
        return out

    def count(self) -> int:
        return self._db.execute_sql("SELECT COUNT(*) FROM refund").fetchone()[0]
