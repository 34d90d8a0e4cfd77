"""X and Z report data (SQL aggregates per shift) and their receipt-printer layout.

A report is a plain JSON-able dict wrapped in :class:`ShiftReport`; a Z report stores exactly
that dict (immutable). ``report_layout.build_layout`` turns it into the one layout that the
printer (:class:`ReportPrinter`), the till's viewer and the PDF (``report_pdf.py``) all draw.

Figures, all in minor units of ``currency``:
  gross_sales_minor  totals of completed sales, tax included
  net_sales_minor    the same without tax (gross - tax)
  tax_rates          per rate: net, tax, gross
  tenders            per tender: count, amount taken (change already deducted)
  refunds/discounts/promotions   0 until the tables/columns that hold them exist
  voided_lines       lines voided before payment (``void_record``): count, amount
  cancelled_sales    sales cancelled before payment and parked sales dropped: count, amount
  voids              both of the above (plus completed sales with a voided status)
  no_sales, paid_in, paid_out, drops   cash movements
  cashiers           per cashier (``sale.cashier``): sales, amount
  first/last receipt, hourly (UTC hour), grand_total_minor (perpetual: previous Z + this
  shift's gross), journal_head at the moment the report was made.
  expected_cash_minor  the sum of the shift's cash ledger (migration 0013): float + cash taken
                     net of change (cash rounding included) - cash refunds + paid in - paid out
                     - drops; cash_sales_minor and cash_refunds are its parts
  cashiers           per cashier: sales and amount, cash taken and cash refunded by them
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from textwrap import wrap
from typing import Any

from peewee import SqliteDatabase

from hardware.receipt import Cut, Feed, PrintBlock, PrintJob, TextLine
from pos_desktop.domain.money import Money
from pos_desktop.storage import journal, void_repo
from pos_desktop.storage.codec import utc_text
from pos_desktop.storage.report_repo import ReportRepository
from pos_desktop.storage.settings_repo import load_settings
from pos_desktop.storage.shift_repo import Shift

from .report_layout import ReportLayout, ReportSection, build_layout


@dataclass(frozen=True, slots=True)
class ShiftReport:
    """``kind`` is "X" (running) or "Z" (closing, numbered); ``data`` is the JSON body."""

    data: dict[str, Any]

    @property
    def kind(self) -> str:
        return self.data["kind"]

    @property
    def currency(self) -> str:
        return self.data["currency"]

    def money(self, key: str) -> Money:
        return Money(self.data[key], self.currency)


def _pair(n_amount: tuple[int, int] | None) -> dict[str, int]:
    n, amount = n_amount or (0, 0)
    return {"count": n, "amount_minor": amount or 0}


def _sum(*pairs: tuple[int, int] | None) -> tuple[int, int]:
    present = [p for p in pairs if p]
    return sum(p[0] for p in present), sum(p[1] for p in present)


def _store(db: SqliteDatabase) -> dict[str, str]:
    """The store a report is for, kept in the report (a Z stays right after the store moves)."""
    settings = load_settings(db)
    if settings is None:
        return {}
    return {"name": settings.name, "address": settings.address, "timezone": settings.timezone}


class ReportService:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self.repo = ReportRepository(db)

    def compute(self, shift: Shift, kind: str, now: datetime) -> ShiftReport:
        """Aggregate everything about ``shift`` as it stands now (an X; the close makes a Z)."""
        repo, sid = self.repo, shift.shift_id
        by_cashier: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        hourly: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        count = gross = tax = 0
        first = last = None
        for cashier, hour, n, total, tx, lo, hi in repo.sales_by_cashier_hour(sid):
            count, gross, tax = count + n, gross + total, tax + tx
            by_cashier[cashier or "-"][0] += n
            by_cashier[cashier or "-"][1] += total
            hourly[hour][0] += n
            hourly[hour][1] += total
            first = lo if first is None else min(first, lo)
            last = hi if last is None else max(last, hi)
        tenders = [
            {"tender": t, "count": n, "amount_minor": a} for t, n, a in repo.tender_rows(sid)
        ]
        moves = repo.movement_rows(sid)
        voided = void_repo.totals(self._db, sid)
        ledger = repo.cash_ledger_rows(sid)
        cash_by: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        refund_rows = 0
        for user, entry, n, amount in ledger:
            cash_by[user or "-"][entry] += amount
            refund_rows += n if entry == "refund" else 0
        cash_sales = sum(v["sale"] for v in cash_by.values())
        cash_refunds = -sum(v["refund"] for v in cash_by.values())
        for name in cash_by:
            if name not in by_cashier and (cash_by[name]["sale"] or cash_by[name]["refund"]):
                by_cashier[name] = [0, 0]
        paid_in, paid_out, drops = (_pair(moves.get(k)) for k in ("paid_in", "paid_out", "drop"))
        float_minor = shift.float_count.total().amount_minor
        head = journal.head(self._db)
        data = {
            "kind": kind,
            "terminal_id": shift.terminal_id,
            "shift_id": sid,
            "shift_number": shift.number,
            "currency": shift.currency,
            "opened_by": shift.opened_by,
            "opened_at": utc_text(shift.opened_at),
            "generated_at": utc_text(now),
            "store": _store(self._db),
            "sales_count": count,
            "gross_sales_minor": gross,
            "tax_minor": tax,
            "net_sales_minor": gross - tax,
            "tax_rates": [
                {"code": c, "percent": p, "net_minor": n, "tax_minor": t, "gross_minor": g}
                for c, p, n, t, g in repo.tax_rows(sid)
            ],
            "tenders": tenders,
            "refunds": _pair(repo.refunds(sid)),
            "voided_lines": _pair(voided.get("line")),
            "cancelled_sales": _pair(_sum(voided.get("sale"), voided.get("parked_sale"))),
            "voids": _pair(_sum(repo.voids(sid), *voided.values())),
            "discounts_minor": repo.line_adjustment(sid, "discount_minor"),
            "promotions_minor": repo.line_adjustment(sid, "promotion_minor"),
            "no_sales": _pair(moves.get("no_sale"))["count"],
            "paid_in": paid_in,
            "paid_out": paid_out,
            "drops": drops,
            "float_minor": float_minor,
            "cash_sales_minor": cash_sales,
            "cash_refunds": {"count": refund_rows, "amount_minor": cash_refunds},
            "expected_cash_minor": sum(amount for _u, _k, _n, amount in ledger),
            "cashiers": [
                {
                    "cashier": c,
                    "count": v[0],
                    "amount_minor": v[1],
                    "cash_minor": cash_by[c]["sale"] if c in cash_by else 0,
                    "cash_refunds_minor": -cash_by[c]["refund"] if c in cash_by else 0,
                }
                for c, v in sorted(by_cashier.items())
            ],
            "first_receipt": first,
            "last_receipt": last,
            "hourly": [
                {"hour": h, "count": v[0], "amount_minor": v[1]} for h, v in sorted(hourly.items())
            ],
            "grand_total_minor": repo.previous_grand_total(shift.terminal_id) + gross,
            "journal_head": {"seq": head.seq, "hash": head.hash},
        }
        return ShiftReport(data)

    def z_report(self, shift_id: str) -> ShiftReport | None:
        stored = self.repo.z_for_shift(shift_id)
        return ShiftReport(stored.body) if stored else None


class ReportPrinter:
    """Draws a report's :class:`~.report_layout.ReportLayout` for the receipt printer (pure)."""

    def __init__(self, locale: str, columns: int = 48) -> None:
        self.locale = locale
        self.columns = columns

    def job(self, report: ShiftReport, store_name: str = "", store_timezone: str = "") -> PrintJob:
        layout = build_layout(
            report.data, self.locale, store_name=store_name, store_timezone=store_timezone
        )
        return PrintJob(
            blocks=(*layout_lines(layout, self.columns), Feed(2), Cut()), columns=self.columns
        )


def _section_lines(section: ReportSection, width: int) -> list[TextLine]:
    """The section's rows with each value column right-aligned; a row too wide for the paper
    puts its label on a line of its own."""
    cells = [section.columns, *(row.values for row in section.rows)]
    widths = [max(len(r[i]) for r in cells) + 1 for i in range(len(section.columns))]

    def values(vals: tuple[str, ...]) -> str:
        return "".join(v.rjust(wd) for v, wd in zip(vals, widths, strict=True))

    room = width - sum(widths)
    heads = values(section.columns)
    if len(section.title) + len(heads) <= width:
        lines = [TextLine(section.title.ljust(width - len(heads)) + heads, bold=True)]
    else:
        lines = [TextLine(section.title, bold=True), TextLine(heads.rjust(width))]
    for row in section.rows:
        if len(row.label) <= room:
            text = row.label.ljust(room) + values(row.values)
            lines.append(TextLine(text, bold=row.highlight))
        else:
            lines.append(TextLine(row.label, bold=row.highlight))
            lines.append(TextLine(values(row.values).rjust(width), bold=row.highlight))
    return lines


def layout_lines(layout: ReportLayout, width: int) -> list[PrintBlock]:
    """The layout as receipt lines, with the hourly chart as text bars.

    Args:
        layout: the report's layout.
        width: characters per line (the printer profile's columns).

    Returns:
        Text lines, none wider than ``width`` (header lines wrap).
    """
    lines: list[PrintBlock] = []
    if layout.store_name:
        lines.append(TextLine(layout.store_name, align="center", bold=True))
    lines += [TextLine(p, align="center") for a in layout.store_address for p in wrap(a, width)]
    lines.append(TextLine(layout.title.upper(), align="center", bold=True, double=True))
    lines += [TextLine(part) for h in layout.header for part in wrap(h, width)]
    for section in layout.sections:
        lines.append(TextLine("-" * width))
        lines += _section_lines(section, width)
    lines += [TextLine("-" * width), TextLine(layout.chart_title, bold=True)]
    lines += [TextLine(p) for p in wrap(f"Hour starting ({layout.zone_label})", width)]
    if not layout.hourly:
        lines.append(TextLine("No sales in this period"))
    top = max((bar.amount_minor for bar in layout.hourly), default=0) or 1
    amount_width = max((len(bar.amount_text) for bar in layout.hourly), default=0)
    room = max(width - 6 - amount_width - 2, 1)
    for bar in layout.hourly:
        length = max(bar.amount_minor, 0) * room // top
        lines.append(
            TextLine(f"{bar.label} {'#' * length:<{room}} {bar.amount_text:>{amount_width}}")
        )
    lines.append(TextLine("-" * width))
    lines += [TextLine(p) for f in layout.footer for p in wrap(f, width)]
    return lines


def verify_journal(db: SqliteDatabase, *, against_z: bool = False) -> journal.VerifyResult:
    """Walk the journal; with ``against_z`` also check it against every Z report's chain head.

    A Z keeps the seq and hash of its ``shift.closed`` record: a journal that ends before it was
    truncated, a record there with another hash was rewritten, and a Z whose body no longer
    matches its stored hash was edited.
    """
    repo = ReportRepository(db)
    zs = repo.z_reports() if against_z else []
    latest = max((z.journal_head for z in zs), key=lambda h: h.seq, default=None)
    result = journal.verify(db, latest)
    for z in zs:
        name = f"Z report {z.number} (terminal {z.terminal_id})"
        if not z.body_intact:
            result.problems.append(f"{name}: its stored body was changed")
        kept = journal.hash_at(db, z.journal_head.seq)
        if kept is None:
            result.problems.append(
                f"record {z.journal_head.seq}: missing, but {name} recorded it as the chain head"
            )
        elif kept != z.journal_head.hash:
            result.problems.append(
                f"record {z.journal_head.seq}: differs from the chain head kept in {name}"
            )
    return result
