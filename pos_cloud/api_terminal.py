"""Routes a till calls: enroll, push events, gaps, change feeds."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from . import auth, change_notify, feeds, ingest, receipt_mail, reports
from .deps import as_terminal, current_terminal, in_db, terminal_token
from .errors import BadInput
from .guards import StrictJSONRoute
from .models import Store, Terminal
from .schemas import (
    BatchIn,
    BatchOut,
    EnrollIn,
    EnrollOut,
    FeedPage,
    GapsOut,
    ReceiptMailIn,
    ReceiptMailOut,
    TerminalOut,
)

router = APIRouter(prefix="/v1", tags=["terminal"], route_class=StrictJSONRoute)

MAX_WAIT = 25.0


DISCONNECT_CHECK_S = 5.0  # a waiting long poll checks this often that its till is still there


class StreamName(enum.StrEnum):
    products = "products"
    barcodes = "barcodes"
    tax_rates = "tax_rates"
    customers = "customers"
    stock = "stock"
    staff = "staff"
    quick_keys = "quick_keys"
    promotions = "promotions"
    stores = "stores"
    transfers = "transfers"
    purchase_orders = "purchase_orders"


@router.post("/enroll", response_model=EnrollOut)
def enroll(body: EnrollIn) -> dict:
    """Exchange a one-time enrollment code for this till's bearer token."""
    return in_db(auth.enroll, body.code, body.terminal_name)


class _Gates:
    """At most ``limit`` batches per token in flight in this process; the rest wait here.

    Batches of one terminal take turns on its row lock anyway. Without this gate a terminal
    sending many batches at once would park one worker thread and one pooled database
    connection per batch while they wait for that lock (SQLite: for the write lock), which
    every other store needs too. Waiting here costs neither. Entries live only while held.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: dict[str, tuple[asyncio.Semaphore, int]] = {}

    @contextlib.asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for a place for ``key`` (runs on the event loop: no lock needed)."""
        gate, users = self._held.get(key, (None, 0))
        if gate is None:
            gate = asyncio.Semaphore(self.limit)
        self._held[key] = (gate, users + 1)
        try:
            async with gate:
                yield
        finally:
            gate, users = self._held[key]
            if users == 1:
                del self._held[key]
            else:
                self._held[key] = (gate, users - 1)


BATCHES_PER_TERMINAL = 2  # one writing, one waiting for the lock (ready the moment it frees)
batch_gates = _Gates(BATCHES_PER_TERMINAL)


@router.post("/events:batch", response_model=BatchOut)
async def push_events(body: BatchIn, token: str = Depends(terminal_token)) -> dict:
    """Store up to 500 events exactly once; one result per event, in order.

    Each event is validated on its own: a malformed one is answered ``rejected`` (and
    quarantined) while the others are stored.
    """
    async with batch_gates.hold(token):
        return await run_in_threadpool(as_terminal, token, ingest.ingest_batch, body.events)


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


@router.post("/receipt-mails", response_model=ReceiptMailOut, status_code=202)
def hand_over_receipt_mail(
    body: ReceiptMailIn, terminal: Terminal = Depends(current_terminal)
) -> dict:
    """E-mail a sale's receipt (HTML and PDF) from the cloud, retried until it goes.

    409 when the cloud sends no e-mail (the till sends it itself); the same ``mail_id`` again
    changes nothing (one message per receipt).
    """
    added = in_db(
        receipt_mail.queue,
        terminal.store_id,
        body.mail_id,
        str(body.sale_id),
        body.recipient,
        body.receipt_token,
    )
    return {"status": "queued" if added else "already_queued"}


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
    also: str | None = Query(
        default=None,
        max_length=400,
        description="Other streams whose changes end the long poll too: stream:cursor,...",
    ),
    token: str = Depends(terminal_token),
) -> Response:
    """One page of changes after ``after``; with ``wait`` hold until a change or timeout.

    With ``also`` the wait also ends (with an empty page) when one of those streams has
    changes after its cursor: a till long-polls its products and still hears of a promotion
    or a PIN reset at once.
    """
    after_seq = feeds.parse_cursor(after)
    others = _parse_also(also)
    deadline = time.monotonic() + wait
    store_id = None
    while True:
        mark = None  # the hub's wake count before this read (see _wait_for_change)
        if store_id is None:  # the first read also checks the token, in the same connection
            mark = change_notify.hub.wakes()
            store_id, seen, body = await run_in_threadpool(
                as_terminal, token, _read, stream.value, after_seq, limit, others
            )
        else:  # a shared read may have begun before this waiter's mark could be taken
            _, seen, body = await _shared_read(store_id, stream.value, after_seq, limit, others)
        if body is not None or time.monotonic() >= deadline:
            break
        if not await _wait_for_change(request, store_id, seen, deadline, mark):
            break
    if body is None:  # nothing up to ``seen``: the till's cursor may move there (read_page)
        cursor = str(max(after_seq, seen))
        body = feeds.encode_page({"items": [], "cursor": cursor, "has_more": False})
    return Response(body, media_type="application/json")


_reads_in_flight: dict[tuple, asyncio.Future] = {}


def _parse_also(also: str | None) -> tuple[tuple[str, int], ...]:
    """``"promotions:12,staff:"`` -> (("promotions", 12), ("staff", 0)); BadInput if malformed."""
    if not also:
        return ()
    pairs = []
    for part in also.split(","):
        name, _, cursor = part.partition(":")
        if name not in StreamName.__members__:
            raise BadInput(f"'{name[:40]}' in 'also' is not a stream; name streams like staff:12.")
        pairs.append((name, feeds.parse_cursor(cursor)))
    return tuple(pairs)


async def _shared_read(
    store_id: str, stream: str, after: int, limit: int, also: tuple[tuple[str, int], ...] = ()
):
    """:func:`_read` once for every woken long poll asking for the same page at the same time.

    One change wakes every till of the store at once; they all hold the same cursor, so one
    read answers them all (2,000 tills: two queries instead of 4,000). A waiter that joins a
    read begun before its own wake may get the page without the change; its ``seen`` is then
    older than the store's counter, so it reads again at once: never a missed change.
    """
    key = (asyncio.get_running_loop(), store_id, stream, after, limit, also)
    pending = _reads_in_flight.get(key)
    if pending is None:
        pending = asyncio.ensure_future(
            run_in_threadpool(in_db, _read, store_id, stream, after, limit, also)
        )
        _reads_in_flight[key] = pending

        def forget(done: asyncio.Future) -> None:
            if _reads_in_flight.get(key) is done:
                del _reads_in_flight[key]

        pending.add_done_callback(forget)
    return await asyncio.shield(pending)


def _read(
    terminal_or_store: Terminal | str,
    stream: str,
    after: int,
    limit: int,
    also: tuple[tuple[str, int], ...] = (),
) -> tuple[str, int, bytes | None]:
    """(store id, counter before the read, the encoded page or None when it is empty).

    The counter is read first, so anything committed later moves it past ``seen`` and wakes
    the long poll. A terminal comes with its store's counter already read (the token check
    joins the store), and a till whose cursor is that counter is not read for at all: a
    repeat poll while nothing changes costs the token check and nothing else here.

    The page is encoded here, on the worker thread, rather than by FastAPI's response-model
    pass, which costs more than reading thousands of rows and would run on the event loop;
    read_page already builds exactly the documented FeedPage shape.
    """
    if isinstance(terminal_or_store, Terminal):
        store_id, seen = terminal_or_store.store_id, terminal_or_store.store.change_seq
    else:
        store_id, seen = terminal_or_store, feeds.latest_change_seq(terminal_or_store)
    if after == seen:  # nothing in this stream up to the counter: no page to read
        page = {"items": [], "cursor": str(seen), "has_more": False}
    else:
        page = feeds.read_page(store_id, stream, after, limit, latest=seen)
    # An ``also`` stream whose cursor is the counter has nothing new either: no probe.
    if page["items"] or any(
        cursor < seen and feeds.has_rows_after(store_id, name, cursor) for name, cursor in also
    ):
        return store_id, seen, feeds.encode_page(page)
    return store_id, seen, None


async def _wait_for_change(
    request: Request, store_id: str, seen: int, deadline: float, mark: int | None
) -> bool:
    """Wait until the store's counter passes ``seen`` (True) or time runs out (False).

    Woken by change_notify (PostgreSQL NOTIFY, or this process's own writes): no query while
    nothing changes. On SQLite, or while the PostgreSQL listener is down, the counter is also
    read every second (a write from another process, e.g. a CLI import). ``mark``: the hub's
    wake count taken before ``seen`` was read, or None (read the counter again).
    """
    entry = change_notify.hub.register(store_id)
    try:
        # A change committed between the read and the registration may have woken nobody;
        # the hub knows when that cannot have happened (an idle till's repeat poll: no query).
        if not (mark is not None and change_notify.hub.missed_nothing_since(mark)) and (
            await run_in_threadpool(in_db, feeds.latest_change_seq, store_id) > seen
        ):
            return True
        while (left := deadline - time.monotonic()) > 0:
            # Listening, the wake comes by itself: look up only now and then whether the till
            # went away (2,000 waiters checking every second cost a fifth of a core).
            listening = change_notify.hub.listening
            step = DISCONNECT_CHECK_S if listening else change_notify.FALLBACK_POLL
            try:
                await asyncio.wait_for(entry[1].wait(), min(left, step))
                return True
            except TimeoutError:
                pass
            if await request.is_disconnected():
                return False
            if not change_notify.hub.listening:
                latest = await run_in_threadpool(in_db, feeds.latest_change_seq, store_id)
                if latest > seen:
                    return True
        return False
    finally:
        change_notify.hub.unregister(store_id, entry)
