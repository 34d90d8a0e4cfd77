"""Per-terminal seq tracking: ``last_seq``, ``journal_head`` and the exact list of gaps.

A batch is folded in memory event by event (the same rules as one event at a time) and
written back with a handful of statements. The caller holds the terminal's row lock
(:func:`lock_terminal`) for the whole transaction, so two pushers of one till serialise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .bulk import delete_in, insert_rows
from .db import database_proxy
from .models import SeqGap, Terminal, utcnow


@dataclass
class SeqState:
    """What the fold starts from and ends with."""

    last_seq: int
    journal_head: str | None = None  # set only when a stored event advanced it
    gaps: list[tuple[int, int]] = field(default_factory=list)


def fold(state: SeqState, events: Iterable[tuple[int, str | None]]) -> SeqState:
    """Apply stored events ``(seq, journal_hash)`` in request order; returns a new state.

    A seq above ``last_seq + 1`` records the skipped range as a gap; a seq at or below it
    fills (splits) the gap that holds it; one outside every gap changes nothing.
    """
    last, head, gaps = state.last_seq, state.journal_head, list(state.gaps)
    for seq, journal_hash in events:
        if seq > last:
            if seq > last + 1:
                gaps.append((last + 1, seq - 1))
            last = seq
            if journal_hash is not None:
                head = journal_hash
            continue
        hit = next((g for g in gaps if g[0] <= seq <= g[1]), None)
        if hit is None:
            continue
        gaps.remove(hit)
        if hit[0] < seq:
            gaps.append((hit[0], seq - 1))
        if seq < hit[1]:
            gaps.append((seq + 1, hit[1]))
    return SeqState(last, head, gaps)


def lock_terminal(terminal_id: str) -> int:
    """Lock the terminal row for this transaction (touching ``last_seen_at``); its last_seq."""
    mark = database_proxy.obj.param
    cursor = database_proxy.execute_sql(
        f'UPDATE "terminal" SET "last_seen_at" = {mark} WHERE "id" = {mark} RETURNING "last_seq"',
        (Terminal.last_seen_at.db_value(utcnow()), terminal_id),
    )
    rows = cursor.fetchall()  # all: SQLite finishes the statement only when it is exhausted
    return int(rows[0][0]) if rows else 0


def record(terminal_id: str, last_seq: int, events: list[tuple[int, str | None]]) -> int:
    """Fold the stored ``events`` into the terminal's state and write it; returns last_seq.

    Args:
        terminal_id: the terminal (its row already locked by :func:`lock_terminal`).
        last_seq: the terminal's last_seq as read under that lock.
        events: ``(seq, journal_hash)`` of the events stored by this batch, in request order.
    """
    if not events:
        return last_seq
    late = [seq for seq, _ in events if seq <= last_seq]
    loaded: dict[tuple[int, int], int] = {}
    if late:
        rows = SeqGap.select(SeqGap.id, SeqGap.first_seq, SeqGap.last_seq).where(
            (SeqGap.terminal == terminal_id)
            & (SeqGap.first_seq <= max(late))
            & (SeqGap.last_seq >= min(late))
        )
        loaded = {(r.first_seq, r.last_seq): r.id for r in rows}
    after = fold(SeqState(last_seq, None, list(loaded)), events)
    final = set(after.gaps)
    delete_in(SeqGap, "id", [gap_id for gap, gap_id in loaded.items() if gap not in final])
    insert_rows(
        SeqGap,
        ("terminal", "first_seq", "last_seq"),
        [(terminal_id, a, b) for a, b in sorted(final - set(loaded))],
    )
    if after.last_seq != last_seq:
        changes: dict = {Terminal.last_seq: after.last_seq}
        if after.journal_head is not None:
            changes[Terminal.journal_head] = after.journal_head
        Terminal.update(changes).where(Terminal.id == terminal_id).execute()
    return after.last_seq
