"""Accounting exports of one store and period: the daily journal (CSV and DATEV) and sale lines.

docs/BACKOFFICE.md documents every column. Every CSV goes through
``pos_common.csv_export``: a text cell a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) gets a leading apostrophe; signed amounts stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

import peewee as pw

from pos_common import csv_export

from ..models import Product, Sale, SalePayment, Store, TaxRate, Terminal
from .models import WebCashMovement, WebRefund, WebSaleLine, WebShift
from .money import decimal_text
from .projector import snapshot

MAX_DAYS = 366

# SKR03 accounts (the German standard chart most small retailers' accountants use).
# Revenue by tax rate in basis points; unknown rates go to 8200 (revenue without automatic tax).
REVENUE_ACCOUNTS = {1900: "8400", 700: "8300", 0: "8200"}
REVENUE_OTHER = "8200"
TENDER_ACCOUNTS = {"cash": "1000", "card": "1361"}
TENDER_OTHER = "1362"
TRANSIT = "1360"  # Geldtransit: the day's takings between revenue and the tender accounts
CASH = "1000"
CASH_SHORTAGE = "4900"  # sonstige betriebliche Aufwendungen
CASH_OVERAGE = "2700"  # sonstige Erträge


def safe_cell(value: object) -> str:
    """Text for a cell that no spreadsheet executes (for the DATEV file, written by hand)."""
    return str(csv_export.spreadsheet_safe("" if value is None else str(value)))


@dataclass(frozen=True)
class JournalRow:
    day: dt.date
    kind: str  # sales_by_tax | sales_by_tender | refund_by_tax | refund_by_tender | ...
    key: str  # tax code, tender or movement kind
    rate_bp: int | None
    count: int
    net_minor: int
    tax_minor: int
    gross_minor: int


def check_period(start: dt.date, end: dt.date) -> None:
    from ..errors import BadInput

    if end < start:
        raise BadInput("The period ends before it starts; swap the dates.")
    if (end - start).days >= MAX_DAYS:
        raise BadInput(f"Export at most {MAX_DAYS} days at a time.")


def _rates(store_id: str) -> dict[str, int]:
    return {
        code: rate
        for code, rate in TaxRate.select(TaxRate.code, TaxRate.rate_bp)
        .where(TaxRate.store == store_id)
        .tuples()
    }


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def journal(store: Store, start: dt.date, end: dt.date) -> list[JournalRow]:
    """The daily journal rows of a store, by day then kind then key."""
    check_period(start, end)
    with snapshot():
        return _journal(store, start, end)


def _journal(store: Store, start: dt.date, end: dt.date) -> list[JournalRow]:
    rates = _rates(store.id)
    rows: list[JournalRow] = []
    in_lines = (WebSaleLine.store_id == store.id) & WebSaleLine.business_day.between(start, end)
    for day, code, n, gross, tax in (
        WebSaleLine.select(
            WebSaleLine.business_day,
            WebSaleLine.tax_code,
            pw.fn.COUNT(pw.fn.DISTINCT(WebSaleLine.sale_id)),
            pw.fn.SUM(WebSaleLine.line_total_minor),
            pw.fn.SUM(WebSaleLine.tax_minor),
        )
        .where(in_lines)
        .group_by(WebSaleLine.business_day, WebSaleLine.tax_code)
        .tuples()
    ):
        gross, tax = int(gross or 0), int(tax or 0)
        rows.append(
            JournalRow(
                _day(day), "sales_by_tax", code, rates.get(code), int(n), gross - tax, tax, gross
            )
        )
    for day, tender, n, net in (
        SalePayment.select(
            Sale.business_day,
            SalePayment.tender,
            pw.fn.COUNT(SalePayment.payment_id),
            pw.fn.SUM(SalePayment.amount_minor - SalePayment.change_minor),
        )
        .join(Sale)
        .where((Sale.store == store.id) & Sale.business_day.between(start, end))
        .group_by(Sale.business_day, SalePayment.tender)
        .tuples()
    ):
        rows.append(
            JournalRow(_day(day), "sales_by_tender", tender, None, int(n), 0, 0, int(net or 0))
        )
    rows.extend(_refund_rows(store, start, end, rates))
    for day, n, variance in (
        WebShift.select(
            WebShift.business_day,
            pw.fn.COUNT(WebShift.shift_id),
            pw.fn.SUM(WebShift.variance_minor),
        )
        .where((WebShift.store_id == store.id) & WebShift.business_day.between(start, end))
        .group_by(WebShift.business_day)
        .tuples()
    ):
        if int(variance or 0):
            rows.append(
                JournalRow(_day(day), "cash_difference", "cash", None, int(n), 0, 0, int(variance))
            )
    for day, kind, n, amount in (
        WebCashMovement.select(
            WebCashMovement.business_day,
            WebCashMovement.kind,
            pw.fn.COUNT(WebCashMovement.movement_id),
            pw.fn.SUM(WebCashMovement.amount_minor),
        )
        .where(
            (WebCashMovement.store_id == store.id)
            & WebCashMovement.business_day.between(start, end)
            & WebCashMovement.kind.in_(("paid_in", "paid_out"))
        )
        .group_by(WebCashMovement.business_day, WebCashMovement.kind)
        .tuples()
    ):
        rows.append(JournalRow(_day(day), kind, kind, None, int(n), 0, 0, int(amount or 0)))
    order = ["sales_by_tax", "sales_by_tender", "refund_by_tax", "refund_by_tender"]
    order += ["cash_difference", "paid_in", "paid_out"]
    rows.sort(key=lambda r: (r.day, order.index(r.kind), r.key))
    return rows


def _refund_rows(
    store: Store, start: dt.date, end: dt.date, rates: dict[str, int]
) -> list[JournalRow]:
    """Refunds by tax rate (each refunded line's rate is its tax over its net, matched to the
    nearest rate of the store: the till's refund lines carry no tax code) and by tender."""
    by_tax: dict[tuple[dt.date, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    by_tender: dict[tuple[dt.date, str], list[int]] = defaultdict(lambda: [0, 0])
    refunds = WebRefund.select().where(
        (WebRefund.store_id == store.id) & WebRefund.business_day.between(start, end)
    )
    for refund in refunds:
        day = _day(refund.business_day)
        for kind_amount in json.loads(refund.tenders or "[]"):
            entry = by_tender[(day, kind_amount["kind"])]
            entry[0] += 1
            entry[1] += int(kind_amount["amount_minor"])
        body_lines = _refund_lines(refund)
        if not body_lines:
            body_lines = [(refund.total_minor, refund.tax_minor)]
        for gross, tax in body_lines:
            code = _nearest_code(gross, tax, rates)
            entry = by_tax[(day, code)]
            entry[0] += 1
            entry[1] += gross
            entry[2] += tax
    rows = [
        JournalRow(day, "refund_by_tax", code, rates.get(code), n, gross - tax, tax, gross)
        for (day, code), (n, gross, tax) in by_tax.items()
    ]
    rows += [
        JournalRow(day, "refund_by_tender", tender, None, n, 0, 0, amount)
        for (day, tender), (n, amount) in by_tender.items()
    ]
    return rows


def _refund_lines(refund: WebRefund) -> list[tuple[int, int]]:
    from ..models import Event

    event = Event.get_or_none(Event.event_id == refund.event_id)
    if event is None:
        return []
    payload = json.loads(event.body).get("payload") or {}
    out = []
    for line in payload.get("lines") or []:
        if isinstance(line, list) and len(line) >= 4:
            out.append((int(line[2]), int(line[3])))
    return out


def _nearest_code(gross: int, tax: int, rates: dict[str, int]) -> str:
    if not rates:
        return ""
    net = gross - tax
    rate = round(tax * 10_000 / net) if net else 0
    return min(rates, key=lambda code: (abs(rates[code] - rate), code))


def journal_csv(store: Store, start: dt.date, end: dt.date) -> str:
    """The journal as CSV (comma, UTF-8, amounts as decimals with a point)."""
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "date",
            "store_id",
            "store_name",
            "currency",
            "kind",
            "key",
            "tax_rate_percent",
            "count",
            "net",
            "tax",
            "gross",
        ]
    )
    cur = store.currency
    for r in journal(store, start, end):
        writer.writerow(
            [
                r.day.isoformat(),
                store.id,
                store.name,
                cur,
                r.kind,
                r.key,
                "" if r.rate_bp is None else decimal_text(r.rate_bp, "XXX"),
                r.count,
                decimal_text(r.net_minor, cur),
                decimal_text(r.tax_minor, cur),
                decimal_text(r.gross_minor, cur),
            ]
        )
    return out.getvalue()


DATEV_COLUMNS = [
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
]


def _datev_bookings(
    store: Store, start: dt.date, end: dt.date
) -> Iterator[tuple[int, str, str, dt.date, str]]:
    """(amount, debit account, credit account, day, text) per journal row."""
    for r in journal(store, start, end):
        if r.kind == "sales_by_tax":
            account = (
                REVENUE_ACCOUNTS.get(r.rate_bp, REVENUE_OTHER)
                if r.rate_bp is not None
                else REVENUE_OTHER
            )
            yield r.gross_minor, TRANSIT, account, r.day, f"Erlöse {r.key} {r.day:%d.%m.%Y}"
        elif r.kind == "sales_by_tender":
            yield (
                r.gross_minor,
                TENDER_ACCOUNTS.get(r.key, TENDER_OTHER),
                TRANSIT,
                r.day,
                f"Einnahmen {r.key}",
            )
        elif r.kind == "refund_by_tax":
            account = (
                REVENUE_ACCOUNTS.get(r.rate_bp, REVENUE_OTHER)
                if r.rate_bp is not None
                else REVENUE_OTHER
            )
            yield r.gross_minor, account, TRANSIT, r.day, f"Erstattungen {r.key}"
        elif r.kind == "refund_by_tender":
            yield (
                r.gross_minor,
                TRANSIT,
                TENDER_ACCOUNTS.get(r.key, TENDER_OTHER),
                r.day,
                f"Erstattungen {r.key}",
            )
        elif r.kind == "cash_difference":
            if r.gross_minor < 0:
                yield -r.gross_minor, CASH_SHORTAGE, CASH, r.day, "Kassendifferenz Fehlbetrag"
            else:
                yield r.gross_minor, CASH, CASH_OVERAGE, r.day, "Kassendifferenz Überschuss"
        elif r.kind == "paid_in":
            yield r.gross_minor, CASH, TRANSIT, r.day, "Bareinlage"
        elif r.kind == "paid_out":
            yield r.gross_minor, TRANSIT, CASH, r.day, "Barentnahme"


def datev_csv(store: Store, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> bytes:
    """The journal as a DATEV "Buchungsstapel" (EXTF format 700, category 21), Windows-1252.

    Line 1 is the EXTF header, line 2 the column names, then one booking per line:
    semicolon-separated, amounts with a decimal comma and always positive (the direction is
    ``S``: debit ``Konto``, credit ``Gegenkonto``), document date ``DDMM``.
    """
    now = now or dt.datetime.now(dt.UTC)
    created = now.strftime("%Y%m%d%H%M%S") + f"{now.microsecond // 1000:03d}"
    fiscal_start = start.replace(month=1, day=1)
    header = [
        '"EXTF"',
        "700",
        "21",
        '"Buchungsstapel"',
        "13",
        created,
        "",
        '"RE"',
        '""',
        '""',
        "",
        "",
        fiscal_start.strftime("%Y%m%d"),
        "4",
        start.strftime("%Y%m%d"),
        end.strftime("%Y%m%d"),
        _quote(f"POS {store.name}"[:30]),
        '""',
        "1",
        "0",
        "0",
        _quote(store.currency),
        "",
        '""',
        "",
        "",
        '""',
        "",
        "",
        '""',
        '""',
    ]
    lines = [";".join(header), ";".join(_quote(c) for c in DATEV_COLUMNS)]
    for amount, debit, credit, day, text in _datev_bookings(store, start, end):
        if amount == 0:
            continue
        lines.append(
            ";".join(
                [
                    decimal_text(amount, store.currency, sep=","),
                    '"S"',
                    _quote(store.currency),
                    "",
                    "",
                    '""',
                    debit,
                    credit,
                    '""',
                    day.strftime("%d%m"),
                    _quote(f"Z{day:%Y%m%d}"),
                    '""',
                    "",
                    _quote(safe_cell(text)[:60]),
                ]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252", errors="replace")


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def lines_csv(store: Store, start: dt.date, end: dt.date) -> Iterator[str]:
    """One CSV row per sale line (streamed: a year of a busy store is millions of rows)."""
    check_period(start, end)
    cur = store.currency
    buffer = io.StringIO()
    writer = csv_export.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            "business_day",
            "completed_at_utc",
            "terminal",
            "receipt_number",
            "sale_id",
            "line_no",
            "sku",
            "name",
            "category",
            "quantity",
            "unit_price",
            "line_total",
            "tax",
            "tax_code",
            "currency",
        ]
    )
    names = {t.id: t.name for t in Terminal.select().where(Terminal.store == store.id)}
    # The product's group as the catalogue has it now (a line keeps only its sku).
    grouped = (Product.store == store.id) & (Product.sku == WebSaleLine.sku)
    query = (
        WebSaleLine.select(WebSaleLine, Product.category)
        .join(Product, pw.JOIN.LEFT_OUTER, on=grouped)
        .where((WebSaleLine.store_id == store.id) & WebSaleLine.business_day.between(start, end))
        .order_by(
            WebSaleLine.business_day,
            WebSaleLine.completed_at,
            WebSaleLine.sale_id,
            WebSaleLine.line_no,
        )
        .tuples()
        .iterator()
    )
    fields = [f.name for f in WebSaleLine._meta.sorted_fields] + ["category"]
    for i, row in enumerate(query):
        r = dict(zip(fields, row, strict=True))
        completed = r["completed_at"]
        writer.writerow(
            [
                _day(r["business_day"]).isoformat(),
                completed if isinstance(completed, str) else completed.isoformat(sep=" "),
                names.get(r["terminal_id"], r["terminal_id"]),
                r["receipt_number"],
                r["sale_id"],
                r["line_no"],
                r["sku"],
                r["name"],
                r["category"] or "",
                _micro_text(r["quantity_micro"]),
                decimal_text(r["unit_price_minor"], cur),
                decimal_text(r["line_total_minor"], cur),
                decimal_text(r["tax_minor"], cur),
                r["tax_code"],
                cur,
            ]
        )
        if i % 1000 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _micro_text(micro: int) -> str:
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(int(micro)), 1_000_000)
    return f"{sign}{whole}" + (f".{frac:06d}".rstrip("0") if frac else "")
