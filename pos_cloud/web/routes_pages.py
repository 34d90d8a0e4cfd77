"""Pages: the dashboard (live), sales and receipts (and e-mailing one), shifts and Z reports."""

from __future__ import annotations

import datetime as dt
import json

import peewee as pw
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from ..db import connection
from ..errors import BadInput, CloudError, NotFound
from ..models import Event, Sale, SalePayment, Terminal
from . import analytics, charts, money, receipt_sending, stock_alerts, z_pdf
from .accounts import Viewer
from .models import WebShift
from .site import csrf_viewer, current_viewer, download, render, store_for, visible_stores

router = APIRouter(prefix="/app")
MAX_ROWS = 200
PAGES = {
    "dashboard",
    "sales",
    "customers",
    "shifts",
    "products",
    "staff",
    "quick-keys",
    "terminals",
    "exports",
    "stock",
    "low-stock",
    "transfers",
    "purchase-orders",
    "suppliers",
}


@router.get("/")
def overview(request: Request, viewer: Viewer = Depends(current_viewer)):
    with connection():
        stores = visible_stores(viewer)
    if len(stores) == 1:
        return RedirectResponse(f"/app/stores/{stores[0].id}/dashboard", status_code=303)
    with connection():
        today = [analytics.today_by_terminal(s) for s in stores]
    return render(request, "overview.html", stores=stores, today=today)


@router.get("/live")
def overview_live(request: Request, viewer: Viewer = Depends(current_viewer)):
    """The today tiles of every visible store (HTMX polls this every second)."""
    with connection():
        today = [analytics.today_by_terminal(s) for s in visible_stores(viewer)]
    return render(request, "_today.html", today=today)


@router.get("/switch")
def switch_store(store: str, page: str = "dashboard", viewer: Viewer = Depends(current_viewer)):
    with connection():
        chosen = store_for(viewer, store)
    target = page if page in PAGES else "dashboard"
    return RedirectResponse(f"/app/stores/{chosen.id}/{target}", status_code=303)


@router.get("/stores/{store_id}/dashboard")
def dashboard(
    request: Request, store_id: str, period: str = "day", viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        today = analytics.today_by_terminal(store)
        figures = analytics.period_figures(store, period)
        low_stock = stock_alerts.low_count(store.id)
    unit = {"day": "hour", "year": "month"}.get(figures.period, "day")
    chart = charts.bar_chart(figures.buckets, f"Sales by {unit}")
    return render(
        request,
        "dashboard.html",
        store=store,
        page_name="dashboard",
        today=[today],
        figures=figures,
        chart=chart,
        periods=analytics.PERIODS,
        low_stock=low_stock,
    )


@router.get("/stores/{store_id}/live")
def dashboard_live(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        today = [analytics.today_by_terminal(store)]
    return render(request, "_today.html", store=store, today=today)


def _parse_day(text: str | None, default: dt.date | None) -> dt.date | None:
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"'{text}' is not a date; use YYYY-MM-DD.") from None


@router.get("/stores/{store_id}/sales")
def sales(
    request: Request,
    store_id: str,
    date_from: str = "",
    date_to: str = "",
    terminal: str = "",
    receipt: str = "",
    cashier: str = "",
    amount_min: str = "",
    amount_max: str = "",
    viewer: Viewer = Depends(current_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
        today = analytics.store_today(store)
        start = _parse_day(date_from, today - dt.timedelta(days=6))
        end = _parse_day(date_to, today)
        query = (
            Sale.select(Sale, Terminal.name.alias("terminal_name"))
            .join(Terminal)
            .where((Sale.store == store.id) & Sale.business_day.between(start, end))
        )
        if terminal:
            query = query.where(Sale.terminal == terminal)
        if receipt.strip():
            if not receipt.strip().isdigit():
                raise BadInput("A receipt number is digits only.")
            query = query.where(Sale.receipt_number == int(receipt))
        if cashier.strip():
            query = query.where(pw.fn.LOWER(Sale.cashier) == cashier.strip().lower())
        if amount_min.strip():
            query = query.where(Sale.total_minor >= money.parse_amount(amount_min, store.currency))
        if amount_max.strip():
            query = query.where(Sale.total_minor <= money.parse_amount(amount_max, store.currency))
        rows = list(query.order_by(Sale.completed_at.desc()).limit(MAX_ROWS + 1).objects())
        terminals = list(
            Terminal.select().where(Terminal.store == store.id).order_by(Terminal.name)
        )
    return render(
        request,
        "sales.html",
        store=store,
        page_name="sales",
        rows=rows[:MAX_ROWS],
        more=len(rows) > MAX_ROWS,
        terminals=terminals,
        f={
            "date_from": start.isoformat(),
            "date_to": end.isoformat(),
            "terminal": terminal,
            "receipt": receipt,
            "cashier": cashier,
            "amount_min": amount_min,
            "amount_max": amount_max,
        },
    )


@router.get("/stores/{store_id}/sales/{sale_id}")
def receipt(
    request: Request, store_id: str, sale_id: str, viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        sale = _sale(store, sale_id)
        return _receipt_page(request, store, sale, address=receipt_sending.customer_address(sale))


@router.post("/stores/{store_id}/sales/{sale_id}/email")
def email_receipt(
    request: Request,
    store_id: str,
    sale_id: str,
    address: str = Form(""),
    send_key: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """E-mail this receipt (HTML and PDF) through the cloud's receipt queue."""
    with connection():
        store = store_for(viewer, store_id)
        sale = _sale(store, sale_id)
        try:
            sent = receipt_sending.send(viewer, sale, address, send_key)
        except CloudError as exc:  # no SMTP, a bad address, a form without its key
            return _receipt_page(
                request, store, sale, exc.status_code, address=address, mail_error=str(exc)
            )
        return _receipt_page(request, store, sale, address=sent.address, mailed=sent.message)


@router.get("/stores/{store_id}/sales/{sale_id}/mails")
def receipt_mails(
    request: Request, store_id: str, sale_id: str, viewer: Viewer = Depends(current_viewer)
):
    """The receipt's e-mails and their status (the receipt page polls it while one waits)."""
    with connection():
        store = store_for(viewer, store_id)
        sale = _sale(store, sale_id)
        mails = receipt_sending.mails_of(sale)
    return render(request, "_receipt_mails.html", store=store, sale=sale, mails=mails)


def _sale(store, sale_id: str) -> Sale:
    sale = Sale.get_or_none((Sale.sale_id == sale_id) & (Sale.store == store.id))
    if sale is None:
        raise NotFound("No such sale in this store.")
    return sale


def _receipt_page(request: Request, store, sale: Sale, status_code: int = 200, **context):
    event = Event.get_by_id(sale.event_id)
    terminal = Terminal.get_by_id(sale.terminal_id)
    payments = list(SalePayment.select().where(SalePayment.sale == sale.sale_id))
    payload = json.loads(event.body).get("payload") or {}
    return render(
        request,
        "receipt.html",
        status_code,
        store=store,
        page_name="sales",
        sale=sale,
        terminal=terminal,
        lines=[ln for ln in payload.get("lines") or [] if isinstance(ln, dict)],
        payments=payments,
        send_key=receipt_sending.new_key(),
        mail_set_up=receipt_sending.is_set_up(),
        mails=receipt_sending.mails_of(sale),
        **context,
    )


@router.get("/stores/{store_id}/shifts")
def shifts(
    request: Request, store_id: str, day: str = "", viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        chosen = _parse_day(day, analytics.store_today(store))
        rows = list(
            WebShift.select()
            .where((WebShift.store_id == store.id) & (WebShift.business_day == chosen))
            .order_by(WebShift.closed_at)
        )
        names = {t.id: t.name for t in Terminal.select().where(Terminal.store == store.id)}
    return render(
        request,
        "shifts.html",
        store=store,
        page_name="shifts",
        rows=rows,
        names=names,
        day=chosen,
        previous=chosen - dt.timedelta(days=1),
        following=chosen + dt.timedelta(days=1),
    )


def _shift_of(viewer: Viewer, store_id: str, shift_id: str):
    store = store_for(viewer, store_id)
    shift = WebShift.get_or_none((WebShift.shift_id == shift_id) & (WebShift.store_id == store.id))
    if shift is None:
        raise NotFound("No such shift in this store.")
    return store, shift


@router.get("/stores/{store_id}/shifts/{shift_id}/z.pdf")
def z_report_pdf(store_id: str, shift_id: str, viewer: Viewer = Depends(current_viewer)):
    """The Z report as the till's PDF (same layout), for download."""
    with connection():
        store, shift = _shift_of(viewer, store_id, shift_id)
    name = f"Z{shift.z_number or ''}_{shift.business_day:%Y%m%d}.pdf"
    return download(z_pdf.z_report_pdf(store, shift), name, "application/pdf")


@router.get("/stores/{store_id}/shifts/{shift_id}")
def z_report(
    request: Request, store_id: str, shift_id: str, viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store, shift = _shift_of(viewer, store_id, shift_id)
        terminal = Terminal.get_or_none(Terminal.id == shift.terminal_id)
    return render(
        request,
        "z_report.html",
        store=store,
        page_name="shifts",
        shift=shift,
        terminal=terminal,
        z=json.loads(shift.body),
    )
