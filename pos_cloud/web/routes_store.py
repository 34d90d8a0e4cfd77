"""Per-store pages that change things: catalogue, terminals; and the export downloads."""

from __future__ import annotations

import datetime as dt
import tempfile

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, StreamingResponse

from .. import admin_tokens, auth, reports
from ..db import connection, database_proxy
from ..errors import BadInput, NotFound
from ..models import Terminal, utcnow
from . import analytics, audit, catalogue, exports, import_jobs, money
from .accounts import Viewer
from .site import csrf_viewer, current_viewer, download, render, require_owner, store_for

router = APIRouter(prefix="/app/stores/{store_id}")
PAGE_SIZE = 50


@router.get("/products")
def products(
    request: Request,
    store_id: str,
    q: str = "",
    page: int = 1,
    category: str | None = None,
    viewer: Viewer = Depends(current_viewer),
):
    page = max(page, 1)
    category = None if category == "_all" else category  # the filter's "all"
    with connection():
        store = store_for(viewer, store_id)
        rows = catalogue.search_products(
            store.id, q, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE, category=category
        )
        rates = catalogue.tax_rates(store.id)
        groups = catalogue.categories(store.id)
    context = dict(store=store, page_name="products", q=q, page=page, more=len(rows) > PAGE_SIZE)
    context |= {"category": category, "categories": groups}
    return render(
        request, "products.html", rows=rows[:PAGE_SIZE], result=None, rates=rates, **context
    )


@router.post("/tax-rates")
def set_tax_rate(
    store_id: str,
    code: str = Form(""),
    name: str = Form(""),
    percent: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
        catalogue.set_tax_rate(viewer, store.id, code, name, percent)
    return RedirectResponse(f"/app/stores/{store.id}/products#tax-rates", status_code=303)


@router.post("/products/price")
def change_price(
    request: Request,
    store_id: str,
    sku: str = Form(...),
    price: str = Form(...),
    viewer: Viewer = Depends(csrf_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
        try:
            product = catalogue.set_price(
                viewer, store.id, sku, money.parse_amount(price, store.currency)
            )
            error = None
        except BadInput as exc:
            product, error = catalogue.catalog.get_product(store.id, sku), str(exc)
        row = catalogue.product_row(store.id, product)
    if request.headers.get("HX-Request"):
        return render(
            request, "_product_row.html", store=store, r=row, error=error, saved=error is None
        )
    if error:
        raise BadInput(error)
    return RedirectResponse(f"/app/stores/{store.id}/products?q={sku}", status_code=303)


@router.post("/products/category")
def change_category(
    request: Request,
    store_id: str,
    sku: str = Form(...),
    category: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
        try:
            product = catalogue.set_category(viewer, store.id, sku, category)
            error = None
        except BadInput as exc:
            product, error = catalogue.catalog.get_product(store.id, sku), str(exc)
        row = catalogue.product_row(store.id, product)
    if request.headers.get("HX-Request"):
        return render(
            request, "_product_row.html", store=store, r=row, error=error, saved=error is None
        )
    if error:
        raise BadInput(error)
    return RedirectResponse(f"/app/stores/{store.id}/products?q={sku}", status_code=303)


@router.post("/products/import")
async def import_products(
    request: Request,
    store_id: str,
    file: UploadFile = File(...),
    viewer: Viewer = Depends(csrf_viewer),
):
    data = await file.read(catalogue.MAX_IMPORT_BYTES + 1)
    filename = file.filename or ""
    background = (
        import_jobs.line_count(data) >= import_jobs.BACKGROUND_FROM_LINES
        and len(data) <= catalogue.MAX_IMPORT_BYTES
    )

    def work():
        with connection():
            store = store_for(viewer, store_id)
        if background:  # a big file: the page shows its progress (import_jobs.py)
            job = import_jobs.start(viewer, store.id, data)
            with connection():
                return store, import_jobs.state(store.id, job.id), None, None
        with connection():
            try:
                return store, None, catalogue.import_csv(viewer, store.id, data), None
            except BadInput as exc:
                return store, None, None, str(exc)

    from starlette.concurrency import run_in_threadpool

    store, job, result, error = await run_in_threadpool(work)
    if job is not None:
        return _import_page(request, store, job, filename)
    status = 200 if error is None and result and not result.problems else 422
    return render(
        request,
        "_import_result.html" if request.headers.get("HX-Request") else "import_result.html",
        status_code=status,
        store=store,
        page_name="products",
        result=result,
        error=error,
        filename=filename,
    )


@router.get("/products/import/{job_id}")
def import_progress(
    request: Request,
    store_id: str,
    job_id: str,
    name: str = "",
    viewer: Viewer = Depends(current_viewer),
):
    """A background import's progress (polled by the page), then its outcome."""
    with connection():
        store = store_for(viewer, store_id)
        job = import_jobs.state(store.id, job_id)
    return _import_page(request, store, job, name)


def _import_page(request: Request, store, job: dict, filename: str):
    failed = (
        job["finished"]
        and job["result"] is None
        or (job["result"] is not None and job["result"].problems)
    )
    partial = "_import_result.html" if job["finished"] else "_import_progress.html"
    return render(
        request,
        partial if request.headers.get("HX-Request") else "import_result.html",
        status_code=422 if failed else 200,
        store=store,
        page_name="products",
        job=job,
        result=job["result"],
        error=job["error"],
        filename=filename,
        partial=partial,
    )


def _store_tokens(viewer: Viewer, store_id: str) -> list[dict]:
    """The admin tokens limited to this store (an owner's business); never global ones."""
    if not viewer.is_owner:
        return []
    return [t for t in admin_tokens.listing() if t["store_id"] == store_id]


def _terminals_page(request, viewer, store, *, code=None, new_token=None):
    rows = reports.list_terminals(store.id)
    now = utcnow().replace(tzinfo=dt.UTC)
    for r in rows:
        seen = r["last_seen_at"]
        r["lag_s"] = int((now - seen).total_seconds()) if seen else None
    return render(
        request,
        "terminals.html",
        store=store,
        page_name="terminals",
        rows=rows,
        code=code,
        tokens=_store_tokens(viewer, store.id),
        new_token=new_token,
    )


@router.get("/terminals")
def terminals(request: Request, store_id: str, viewer: Viewer = Depends(current_viewer)):
    with connection():
        store = store_for(viewer, store_id)
        return _terminals_page(request, viewer, store)


@router.post("/admin-tokens")
def new_admin_token(
    request: Request,
    store_id: str,
    label: str = Form(""),
    read_only: str = Form(""),
    viewer: Viewer = Depends(csrf_viewer),
):
    """An API token for this store only (for a script or an integration); shown once."""
    with connection(), database_proxy.atomic():
        store = store_for(viewer, store_id)  # another business's store: 404, as everywhere
        require_owner(viewer)
        token_id, token = admin_tokens.create(label, store.id, read_only == "on")
        audit.record(
            viewer,
            "admin_token.create",
            "admin_token",
            str(token_id),
            store_id=store.id,
            after={"label": label.strip(), "read_only": read_only == "on"},
        )
        return _terminals_page(request, viewer, store, new_token=token)


@router.post("/admin-tokens/revoke")
def revoke_admin_token(
    store_id: str, token_id: int = Form(...), viewer: Viewer = Depends(csrf_viewer)
):
    with connection(), database_proxy.atomic():
        store = store_for(viewer, store_id)
        require_owner(viewer)
        if not any(t["id"] == token_id for t in _store_tokens(viewer, store.id)):
            raise NotFound("No such API token for this store.")
        admin_tokens.revoke(token_id)
        audit.record(
            viewer,
            "admin_token.revoke",
            "admin_token",
            str(token_id),
            store_id=store.id,
            before={"revoked": False},
            after={"revoked": True},
        )
    return RedirectResponse(f"/app/stores/{store.id}/terminals", status_code=303)


@router.post("/enrollment-codes")
def new_enrollment_code(request: Request, store_id: str, viewer: Viewer = Depends(csrf_viewer)):
    with connection(), database_proxy.atomic():
        store = store_for(viewer, store_id)
        code, expires = auth.create_enrollment_code(store.id)
        audit.record(
            viewer,
            "terminal.enrollment_code",
            "store",
            store.id,
            store_id=store.id,
            after={"expires_at": expires.isoformat()},
        )
        return _terminals_page(request, viewer, store, code={"code": code, "expires_at": expires})


@router.post("/terminals/revoke")
def revoke_terminal(
    request: Request,
    store_id: str,
    terminal_id: str = Form(...),
    viewer: Viewer = Depends(csrf_viewer),
):
    with connection(), database_proxy.atomic():
        store = store_for(viewer, store_id)
        terminal = Terminal.get_or_none((Terminal.id == terminal_id) & (Terminal.store == store.id))
        if terminal is None:
            raise NotFound("No such terminal in this store.")
        auth.revoke_terminal(terminal.id)
        audit.record(
            viewer,
            "terminal.revoke",
            "terminal",
            terminal.id,
            store_id=store.id,
            before={"revoked": terminal.revoked, "name": terminal.name},
            after={"revoked": True},
        )
    return RedirectResponse(f"/app/stores/{store.id}/terminals", status_code=303)


def _period(store, date_from: str, date_to: str) -> tuple[dt.date, dt.date]:
    today = analytics.store_today(store)
    try:
        start = dt.date.fromisoformat(date_from) if date_from else today.replace(day=1)
        end = dt.date.fromisoformat(date_to) if date_to else today
    except ValueError:
        raise BadInput("Dates are written YYYY-MM-DD.") from None
    exports.check_period(start, end)
    return start, end


@router.get("/exports")
def exports_page(
    request: Request,
    store_id: str,
    date_from: str = "",
    date_to: str = "",
    viewer: Viewer = Depends(current_viewer),
):
    with connection():
        store = store_for(viewer, store_id)
        start, end = _period(store, date_from, date_to)
        rows = exports.journal(store, start, end)
    return render(
        request, "exports.html", store=store, page_name="exports", start=start, end=end, rows=rows
    )


def _filename(store, kind: str, start: dt.date, end: dt.date, ext: str = "csv") -> str:
    safe = "".join(c if c.isalnum() else "-" for c in store.name)[:40] or "store"
    return f"{safe}_{kind}_{start:%Y%m%d}-{end:%Y%m%d}.{ext}"


@router.get("/exports/journal.csv")
def journal_csv(
    store_id: str, date_from: str = "", date_to: str = "", viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        start, end = _period(store, date_from, date_to)
        body = exports.journal_csv(store, start, end).encode("utf-8")
    return download(body, _filename(store, "journal", start, end), "text/csv; charset=utf-8")


@router.get("/exports/datev.csv")
def datev_csv(
    store_id: str, date_from: str = "", date_to: str = "", viewer: Viewer = Depends(current_viewer)
):
    with connection():
        store = store_for(viewer, store_id)
        start, end = _period(store, date_from, date_to)
        body = exports.datev_csv(store, start, end)
    name = f"EXTF_Buchungsstapel_{_filename(store, 'datev', start, end)}"
    return download(body, name, "text/csv; charset=windows-1252")


@router.get("/exports/lines.csv")
def lines_csv(
    store_id: str, date_from: str = "", date_to: str = "", viewer: Viewer = Depends(current_viewer)
):
    # Written to a spooled file in this thread (peewee connections are per thread), then
    # streamed: a year of a busy store is millions of lines.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    with connection():
        store = store_for(viewer, store_id)
        start, end = _period(store, date_from, date_to)
        for chunk in exports.lines_csv(store, start, end):
            spool.write(chunk.encode("utf-8"))
    spool.seek(0)

    def chunks():
        try:
            while block := spool.read(256 * 1024):
                yield block
        finally:
            spool.close()

    name = _filename(store, "sale-lines", start, end)
    return StreamingResponse(
        chunks(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )
