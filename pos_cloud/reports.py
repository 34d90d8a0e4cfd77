"""Read side for admins: terminals, sales of a day and the daily report of a store."""

from __future__ import annotations

import datetime as dt

from .catalog import get_store
from .models import Sale, SalePayment, SeqGap, Terminal

MISSING_LIMIT = 10_000


def gap_ranges(terminal_id: str) -> list[dict]:
    """Missing seq ranges of a terminal, oldest first."""
    rows = SeqGap.select().where(SeqGap.terminal == terminal_id).order_by(SeqGap.first_seq)
    return [{"first_seq": g.first_seq, "last_seq": g.last_seq} for g in rows]


def gaps_report(terminal: Terminal) -> dict:
    """``{"last_seq", "gaps": [ranges], "missing": [seqs]}`` for one terminal."""
    ranges = gap_ranges(terminal.id)
    missing: list[int] = []
    for r in ranges:
        stop = min(r["last_seq"], r["first_seq"] + MISSING_LIMIT - len(missing) - 1)
        missing.extend(range(r["first_seq"], stop + 1))
        if len(missing) >= MISSING_LIMIT:
            break
    last = Terminal.select(Terminal.last_seq).where(Terminal.id == terminal.id).scalar()
    return {"last_seq": int(last or 0), "gaps": ranges, "missing": missing}


def list_terminals(store_id: str) -> list[dict]:
    """Every terminal of a store with its sync state."""
    get_store(store_id)
    out = []
    for t in Terminal.select().where(Terminal.store == store_id).order_by(Terminal.created_at):
        out.append(
            {
                "terminal_id": t.id,
                "name": t.name,
                "revoked": t.revoked,
                "last_seq": t.last_seq,
                "journal_head": t.journal_head,
                "last_seen_at": _aware(t.last_seen_at),
                "gaps": gap_ranges(t.id),
            }
        )
    return out


def sales_of_day(store_id: str, day: dt.date) -> list[dict]:
    """Sales of the store's business day (store-local calendar day), by completion time."""
    get_store(store_id)
    sales = list(
        Sale.select()
        .where((Sale.store == store_id) & (Sale.business_day == day))
        .order_by(Sale.completed_at, Sale.terminal, Sale.receipt_number)
    )
    payments: dict[str, list[dict]] = {}
    if sales:
        query = SalePayment.select().where(SalePayment.sale.in_([s.sale_id for s in sales]))
        for p in query:
            payments.setdefault(p.sale_id, []).append(
                {
                    "payment_id": p.payment_id,
                    "tender": p.tender,
                    "amount_minor": p.amount_minor,
                    "change_minor": p.change_minor,
                }
            )
    return [
        {
            "sale_id": s.sale_id,
            "terminal_id": s.terminal_id,
            "receipt_number": s.receipt_number,
            "currency": s.currency,
            "subtotal_minor": s.subtotal_minor,
            "tax_minor": s.tax_minor,
            "total_minor": s.total_minor,
            "cashier": s.cashier,
            "completed_at": _aware(s.completed_at),
            "business_day": _as_date(s.business_day),
            "payments": payments.get(s.sale_id, []),
        }
        for s in sales
    ]


def daily_report(store_id: str, day: dt.date) -> dict:
    """Count, gross, tax and net per tender of one business day."""
    store = get_store(store_id)
    sales = sales_of_day(store_id, day)
    tenders: dict[str, int] = {}
    for sale in sales:
        for p in sale["payments"]:
            net = p["amount_minor"] - p["change_minor"]
            tenders[p["tender"]] = tenders.get(p["tender"], 0) + net
    gross = sum(s["total_minor"] for s in sales)
    tax = sum(s["tax_minor"] for s in sales)
    return {
        "store_id": store_id,
        "day": day,
        "currency": store.currency,
        "sale_count": len(sales),
        "gross_minor": gross,
        "tax_minor": tax,
        "net_minor": gross - tax,
        "tenders": dict(sorted(tenders.items())),
    }


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment is not None else None


def _as_date(value) -> dt.date:
    # SQLite hands DateField values back as text.
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
