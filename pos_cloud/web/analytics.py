"""Figures for the dashboard and reports, read with aggregate SQL per store.

Sales and payments come from the rows ingestion writes (a synced sale counts at once);
lines, refunds, voids and shifts from the projections (see projector.py). Every query is
bounded by ``(store_id, business_day)``, the index both sides have.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

import peewee as pw

from ..models import Product, Sale, SalePayment, Store, Terminal
from .models import WebRefund, WebSaleLine, WebShift
from .projector import snapshot

PERIODS = ("day", "week", "month", "year")


@dataclass
class Bucket:
    label: str
    current: int = 0
    previous: int = 0


@dataclass
class PeriodFigures:
    period: str
    start: dt.date
    end: dt.date  # inclusive
    previous_start: dt.date
    previous_end: dt.date
    buckets: list[Bucket]
    sale_count: int = 0
    gross_minor: int = 0
    previous_count: int = 0
    previous_gross_minor: int = 0
    refund_count: int = 0
    refund_minor: int = 0
    void_count: int = 0
    void_minor: int = 0
    tenders: list[tuple[str, int]] = field(default_factory=list)
    top_products: list[tuple[str, str, int, int]] = field(default_factory=list)
    top_categories: list[tuple[str, int]] = field(default_factory=list)

    @property
    def average_basket_minor(self) -> int:
        return self.gross_minor // self.sale_count if self.sale_count else 0

    @property
    def change_percent(self) -> float | None:
        if not self.previous_gross_minor:
            return None
        return 100.0 * (self.gross_minor - self.previous_gross_minor) / self.previous_gross_minor


def store_today(store: Store, now: dt.datetime | None = None) -> dt.date:
    """The store-local calendar date now."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment.astimezone(zoneinfo.ZoneInfo(store.timezone)).date()


def today_by_terminal(store: Store) -> dict:
    """Today's count and gross per terminal of one store (live: reads the sale rows)."""
    day = store_today(store)
    rows = (
        Sale.select(Sale.terminal, pw.fn.COUNT(Sale.sale_id), pw.fn.SUM(Sale.total_minor))
        .where((Sale.store == store.id) & (Sale.business_day == day))
        .group_by(Sale.terminal)
        .tuples()
    )
    names = {
        t.id: t.name
        for t in Terminal.select(Terminal.id, Terminal.name).where(Terminal.store == store.id)
    }
    terminals = sorted(
        ((names.get(tid, tid), int(n), int(total or 0)) for tid, n, total in rows),
        key=lambda r: -r[2],
    )
    return {
        "store": store,
        "day": day,
        "count": sum(t[1] for t in terminals),
        "gross_minor": sum(t[2] for t in terminals),
        "terminals": terminals,
    }


def period_bounds(period: str, today: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(start, end, previous start, previous end) of the period containing ``today``."""
    if period == "day":
        return today, today, today - dt.timedelta(days=1), today - dt.timedelta(days=1)
    if period == "week":
        start = today - dt.timedelta(days=today.weekday())
        end = start + dt.timedelta(days=6)
        return start, end, start - dt.timedelta(days=7), start - dt.timedelta(days=1)
    if period == "month":
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        prev_end = start - dt.timedelta(days=1)
        return start, end, prev_end.replace(day=1), prev_end
    start = today.replace(month=1, day=1)
    return (
        start,
        today.replace(month=12, day=31),
        start.replace(year=start.year - 1),
        start - dt.timedelta(days=1),
    )


def _daily_totals(store_id: str, start: dt.date, end: dt.date) -> dict[dt.date, tuple[int, int]]:
    rows = (
        Sale.select(Sale.business_day, pw.fn.COUNT(Sale.sale_id), pw.fn.SUM(Sale.total_minor))
        .where((Sale.store == store_id) & Sale.business_day.between(start, end))
        .group_by(Sale.business_day)
        .tuples()
    )
    return {_as_date(d): (int(n), int(t or 0)) for d, n, t in rows}


def _hourly(store: Store, day: dt.date) -> dict[int, int]:
    zone = zoneinfo.ZoneInfo(store.timezone)
    out: dict[int, int] = {}
    rows = (
        Sale.select(Sale.completed_at, Sale.total_minor)
        .where((Sale.store == store.id) & (Sale.business_day == day))
        .tuples()
    )
    for moment, total in rows:
        if isinstance(moment, str):
            moment = dt.datetime.fromisoformat(moment)
        hour = moment.replace(tzinfo=dt.UTC).astimezone(zone).hour
        out[hour] = out.get(hour, 0) + int(total)
    return out


def period_figures(store: Store, period: str, today: dt.date | None = None) -> PeriodFigures:
    """Sales of the period with buckets, the previous period, tenders, refunds, voids, top 10."""
    if period not in PERIODS:
        period = "day"
    with snapshot():
        return _period_figures(store, period, today)


def _period_figures(store: Store, period: str, today: dt.date | None) -> PeriodFigures:
    today = today or store_today(store)
    start, end, pstart, pend = period_bounds(period, today)
    figures = PeriodFigures(period, start, end, pstart, pend, [])
    current = _daily_totals(store.id, start, end)
    previous = _daily_totals(store.id, pstart, pend)
    figures.sale_count = sum(v[0] for v in current.values())
    figures.gross_minor = sum(v[1] for v in current.values())
    figures.previous_count = sum(v[0] for v in previous.values())
    figures.previous_gross_minor = sum(v[1] for v in previous.values())
    if period == "day":
        now_hours, prev_hours = _hourly(store, start), _hourly(store, pstart)
        figures.buckets = [
            Bucket(f"{h:02d}", now_hours.get(h, 0), prev_hours.get(h, 0)) for h in range(24)
        ]
    elif period == "year":
        figures.buckets = [Bucket(dt.date(2000, m, 1).strftime("%b")) for m in range(1, 13)]
        for day, (_n, total) in current.items():
            figures.buckets[day.month - 1].current += total
        for day, (_n, total) in previous.items():
            figures.buckets[day.month - 1].previous += total
    else:
        days = (end - start).days + 1
        for i in range(days):
            day, prev = start + dt.timedelta(days=i), pstart + dt.timedelta(days=i)
            label = day.strftime("%a %d") if period == "week" else str(day.day)
            figures.buckets.append(
                Bucket(
                    label,
                    current.get(day, (0, 0))[1],
                    previous.get(prev, (0, 0))[1] if prev <= pend else 0,
                )
            )
    in_period = (Sale.store == store.id) & Sale.business_day.between(start, end)
    figures.tenders = [
        (tender, int(net or 0))
        for tender, net in SalePayment.select(
            SalePayment.tender,
            pw.fn.SUM(SalePayment.amount_minor - SalePayment.change_minor),
        )
        .join(Sale)
        .where(in_period)
        .group_by(SalePayment.tender)
        .order_by(pw.fn.SUM(SalePayment.amount_minor - SalePayment.change_minor).desc())
        .tuples()
    ]
    refunds = (
        WebRefund.select(pw.fn.COUNT(WebRefund.refund_id), pw.fn.SUM(WebRefund.total_minor))
        .where((WebRefund.store_id == store.id) & WebRefund.business_day.between(start, end))
        .tuples()
        .first()
    )
    figures.refund_count, figures.refund_minor = int(refunds[0] or 0), int(refunds[1] or 0)
    voids = (
        WebShift.select(pw.fn.SUM(WebShift.voids_count), pw.fn.SUM(WebShift.voids_minor))
        .where((WebShift.store_id == store.id) & WebShift.business_day.between(start, end))
        .tuples()
        .first()
    )
    figures.void_count, figures.void_minor = int(voids[0] or 0), int(voids[1] or 0)
    figures.top_products = top_products(store.id, start, end)
    figures.top_categories = top_categories(store.id, start, end)
    return figures


def top_products(store_id: str, start: dt.date, end: dt.date, limit: int = 10) -> list:
    """(sku, name, quantity in millionths, revenue) of the best sellers by revenue."""
    revenue = pw.fn.SUM(WebSaleLine.line_total_minor)
    rows = (
        WebSaleLine.select(
            WebSaleLine.sku,
            pw.fn.MAX(WebSaleLine.name),
            pw.fn.SUM(WebSaleLine.quantity_micro),
            revenue,
        )
        .where((WebSaleLine.store_id == store_id) & WebSaleLine.business_day.between(start, end))
        .group_by(WebSaleLine.sku)
        .order_by(revenue.desc())
        .limit(limit)
        .tuples()
    )
    return [(sku or "", name or "", int(q or 0), int(r or 0)) for sku, name, q, r in rows]


def top_categories(store_id: str, start: dt.date, end: dt.date, limit: int = 10) -> list:
    """(category, revenue) by revenue; lines whose product has no group count as ""."""
    group = pw.fn.COALESCE(Product.category, "")
    revenue = pw.fn.SUM(WebSaleLine.line_total_minor)
    rows = (
        WebSaleLine.select(group, revenue)
        .join(
            Product,
            pw.JOIN.LEFT_OUTER,
            on=(Product.store == store_id) & (Product.sku == WebSaleLine.sku),
        )
        .where((WebSaleLine.store_id == store_id) & WebSaleLine.business_day.between(start, end))
        .group_by(group)
        .order_by(revenue.desc())
        .limit(limit)
        .tuples()
    )
    return [(name or "", int(r or 0)) for name, r in rows]


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
