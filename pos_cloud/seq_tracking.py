"""Per-terminal seq tracking: ``last_seq``, ``journal_head`` and the exact list of gaps.

A batch is folded in memory event by event (the same rules as one event at a time) and
written back with a handful of statements. The caller holds the terminal's row lock
(:func:`lock_terminal`) for the whole transaction, so two pushers of one till serialise.

The work per batch is bounded whatever a terminal sent before: a terminal keeps at most
:data:`MAX_GAPS` gaps (an event that would open or split one more is refused), a batch reads
only the gaps its late events fall in (one index probe each), and the fold finds a gap by
bisection. Before this, a terminal that sent every other seq collected 100,000 gaps and each
of its batches scanned all of them per event (9.6 s inside the write transaction).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from . import change_notify
from .bulk import delete_in, insert_rows
from .db import database_proxy, is_postgres
from .models import SeqGap, Terminal, utcnow

MAX_GAPS = 1_000  # per terminal; an honest till has none, or a few after a lost database
_NO_LIMIT = 1 << 62


def too_many_gaps(seq: int) -> str:
    """The rejection reason for an event refused by the gap cap."""
    return (
        f"seq {seq} would leave more than {MAX_GAPS} ranges of missing seqs for this terminal; "
        "send the missing events first (GET /v1/terminals/me/gaps lists them)"
    )


@dataclass
class SeqState:
    """What the fold starts from and ends with.

    ``gaps`` is sorted and disjoint; it may hold only the gaps a batch can touch (the ones
    its late seqs fall in), since every other gap stays as it is. ``count`` is the total
    number of the terminal's gaps when known (None: not counted, no cap applies).
    """

    last_seq: int
    journal_head: str | None = None  # set only when a stored event advanced it
    gaps: list[tuple[int, int]] = field(default_factory=list)
    count: int | None = None


def fold(
    state: SeqState, events: Iterable[tuple[int, str | None]], limit: int = _NO_LIMIT
) -> tuple[SeqState, set[int]]:
    """Apply events ``(seq, journal_hash)`` in request order; returns the new state and the
    seqs refused because they would make more than ``limit`` gaps.

    A seq above ``last_seq + 1`` records the skipped range as a gap; a seq at or below it
    fills the gap that holds it (trims it, removes it, or splits it in two); one outside
    every gap changes nothing. O(log gaps) per event.
    """
    last, head = state.last_seq, state.journal_head
    gaps = sorted(state.gaps)
    count = state.count if state.count is not None else len(gaps)
    refused: set[int] = set()
    for seq, journal_hash in events:
        if seq > last:
            if seq > last + 1:
                if count >= limit:
                    refused.add(seq)
                    continue
                gaps.append((last + 1, seq - 1))  # above every other gap: stays sorted
                count += 1
            last = seq
            if journal_hash is not None:
                head = journal_hash
            continue
        i = bisect_right(gaps, (seq, _NO_LIMIT)) - 1  # the last gap starting at or below seq
        if i < 0 or gaps[i][1] < seq:
            continue
        first, end = gaps[i]
        if first < seq < end:
            if count >= limit:
                refused.add(seq)
                continue
            gaps[i : i + 1] = [(first, seq - 1), (seq + 1, end)]
            count += 1
        elif first == end:
            del gaps[i]
            count -= 1
        elif seq == first:
            gaps[i] = (seq + 1, end)
        else:
            gaps[i] = (first, seq - 1)
    return SeqState(last, head, gaps, count), refused


def lock_terminal(terminal_id: str) -> int:
    """Lock the terminal row for this transaction (touching ``last_seen_at``); its last_seq."""
    mark = database_proxy.obj.param
    # The back office's worker projects the batch once it commits: PostgreSQL tells every
    # process then (no extra round trip); in this process change_notify.flush does.
    notify = f", {change_notify.BACKOFFICE_NOTIFY_SQL}" if is_postgres() else ""
    cursor = database_proxy.execute_sql(
        f'UPDATE "terminal" SET "last_seen_at" = {mark} WHERE "id" = {mark} '
        f'RETURNING "last_seq"{notify}',
        (Terminal.last_seen_at.db_value(utcnow()), terminal_id),
    )
    change_notify.mark_backoffice()
    rows = cursor.fetchall()  # all: SQLite finishes the statement only when it is exhausted
    return int(rows[0][0]) if rows else 0


@dataclass
class GapBook:
    """The gaps a batch can touch, read once under the terminal lock."""

    terminal_id: str
    last_seq: int
    loaded: dict[tuple[int, int], int]  # (first, last) -> row id
    count: int | None = None

    def state(self) -> SeqState:
        """The fold's starting state: last_seq, the loaded gaps and the gap count."""
        return SeqState(self.last_seq, None, list(self.loaded), self.count)


def load(terminal_id: str, last_seq: int, seqs: list[int]) -> GapBook:
    """Read the gaps holding the late ``seqs`` (those at or below ``last_seq``) and, when the
    batch can add a gap, the terminal's gap count.

    A batch whose seqs simply continue from ``last_seq`` (the normal case) costs no query.
    """
    late = sorted({s for s in seqs if s <= last_seq})
    book = GapBook(terminal_id, last_seq, _containing_gaps(terminal_id, late))
    expected = last_seq
    grows = bool(late)
    for seq in seqs:
        if seq > expected + 1:
            grows = True
            break
        expected = max(expected, seq)
    if grows:
        book.count = SeqGap.select().where(SeqGap.terminal == terminal_id).count()
    return book


def _containing_gaps(terminal_id: str, late: list[int]) -> dict[tuple[int, int], int]:
    """For each seq, the one gap that can hold it: the first gap ending at or after it.

    One statement, one index probe per seq on ``seq_gap (terminal_id, last_seq)``
    (migration 0005), whatever the number of gaps.
    """
    if not late:
        return {}
    mark = database_proxy.obj.param
    values = ", ".join([f"({mark})"] * len(late))
    sql = (
        f'WITH "v" ("s") AS (VALUES {values}) '
        'SELECT "g"."id", "g"."first_seq", "g"."last_seq" FROM "v" JOIN "seq_gap" AS "g" '
        'ON "g"."id" = (SELECT "h"."id" FROM "seq_gap" AS "h" '
        f'WHERE "h"."terminal_id" = {mark} AND "h"."last_seq" >= "v"."s" '
        'ORDER BY "h"."last_seq" LIMIT 1) '
        'WHERE "g"."first_seq" <= "v"."s"'
    )
    rows = database_proxy.execute_sql(sql, (*late, terminal_id)).fetchall()
    return {(int(first), int(end)): gap_id for gap_id, first, end in rows}


def refused_seqs(book: GapBook, events: list[int]) -> set[int]:
    """Seqs (of the batch's candidate events, request order) the gap cap refuses."""
    if book.count is None:
        return set()
    _, refused = fold(book.state(), [(s, None) for s in events], MAX_GAPS)
    return refused


def record(book: GapBook, events: list[tuple[int, str | None]]) -> int:
    """Fold the stored ``events`` into the terminal's state and write it; returns last_seq.

    Args:
        book: the gaps read by :func:`load` under the terminal's row lock.
        events: ``(seq, journal_hash)`` of the events stored by this batch, in request order.
    """
    if not events:
        return book.last_seq
    after, _ = fold(book.state(), events)
    final = set(after.gaps)
    loaded = book.loaded
    delete_in(SeqGap, "id", [gap_id for gap, gap_id in loaded.items() if gap not in final])
    insert_rows(
        SeqGap,
        ("terminal", "first_seq", "last_seq"),
        [(book.terminal_id, a, b) for a, b in sorted(final - set(loaded))],
    )
    if after.last_seq != book.last_seq:
        changes: dict = {Terminal.last_seq: after.last_seq}
        if after.journal_head is not None:
            changes[Terminal.journal_head] = after.journal_head
        Terminal.update(changes).where(Terminal.id == book.terminal_id).execute()
    return after.last_seq
