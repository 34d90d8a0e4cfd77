"""Routes a till calls: enroll, push events, gaps, change feeds."""

from __future__ import annotations

import asyncio
import enum
import time

from fastapi import APIRouter, Depends, Query, Request
from starlette.concurrency import run_in_threadpool

from . import auth, feeds, ingest, reports
from .deps import current_terminal, in_db
from .models import Store, Terminal
from .schemas import BatchIn, BatchOut, EnrollIn, EnrollOut, FeedPage, GapsOut, TerminalOut

router = APIRouter(prefix="/v1", tags=["terminal"])

POLL_INTERVAL = 0.1  # seconds; a change reaches a waiting till within ~100 ms
MAX_WAIT = 25.0


class StreamName(enum.StrEnum):
    products = "products"
    barcodes = "barcodes"
    tax_rates = "tax_rates"
    customers = "customers"
    stock = "stock"


@router.post("/enroll", response_model=EnrollOut)
def enroll(body: EnrollIn) -> dict:
    """Exchange a one-time enrollment code for this till's bearer token."""
    return in_db(auth.enroll, body.code, body.terminal_name)


@router.post("/events:batch", response_model=BatchOut)
def push_events(body: BatchIn, terminal: Terminal = Depends(current_terminal)) -> dict:
    """Store up to 500 events exactly once; one result per event, in order."""
    return in_db(ingest.ingest_batch, terminal, body.events)


@router.get("/terminals/me", response_model=TerminalOut)
def me(terminal: Terminal = Depends(current_terminal)) -> dict:
    """This terminal's identity and sync state."""

    def load() -> dict:
        fresh = Terminal.get_by_id(terminal.id)
        store = Store.get_by_id(fresh.store_id)
        return {
            "terminal_id": fresh.id,
            "store_id": store.id,
            "name": fresh.name,
            "currency": store.currency,
            "last_seq": fresh.last_seq,
            "journal_head": fresh.journal_head,
            "revoked": fresh.revoked,
        }

    return in_db(load)


@router.get("/terminals/me/gaps", response_model=GapsOut)
def my_gaps(terminal: Terminal = Depends(current_terminal)) -> dict:
    """Seqs below last_seq the server has not received from this terminal."""
    return in_db(reports.gaps_report, terminal)


@router.get("/feed/{stream}", response_model=FeedPage)
async def feed(
    request: Request,
    stream: StreamName,
    after: str | None = Query(default=None, description="Cursor from the previous page"),
    limit: int = Query(default=1000, ge=1, le=feeds.MAX_PAGE),
    wait: float = Query(default=0, ge=0, le=MAX_WAIT, description="Long-poll seconds"),
    terminal: Terminal = Depends(current_terminal),
) -> dict:
    """One page of changes after ``after``; with ``wait`` hold until a change or timeout."""
    after_seq = feeds.parse_cursor(after)
    store_id = terminal.store_id
    deadline = time.monotonic() + wait
    while True:
        # Read the counter before the page: anything committed later moves the counter.
        seen = await run_in_threadpool(in_db, feeds.latest_change_seq, store_id)
        page = await run_in_threadpool(
            in_db, feeds.read_page, store_id, stream.value, after_seq, limit
        )
        if page["items"] or time.monotonic() >= deadline:
            return page
        if not await _wait_for_change(request, store_id, seen, deadline):
            return page


async def _wait_for_change(request: Request, store_id: str, seen: int, deadline: float) -> bool:
    """Poll the store's counter until it passes ``seen`` (True) or time runs out (False)."""
    while time.monotonic() < deadline:
        await asyncio.sleep(min(POLL_INTERVAL, max(0.0, deadline - time.monotonic())))
        if await request.is_disconnected():
            return False
        latest = await run_in_threadpool(in_db, feeds.latest_change_seq, store_id)
        if latest > seen:
            return True
    return False
