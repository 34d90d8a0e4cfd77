"""Gap tracking is bounded: a terminal keeps at most MAX_GAPS gaps, a batch reads only the
gaps its late events fall in, and the fold finds a gap by bisection."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pos_cloud import seq_tracking
from pos_cloud.bulk import insert_rows
from pos_cloud.db import connection
from pos_cloud.models import SeqGap
from pos_cloud.seq_tracking import SeqState, fold


def _missing(state: SeqState) -> set[int]:
    return {n for a, b in state.gaps for n in range(a, b + 1)}


@given(
    st.integers(min_value=0, max_value=20),
    st.lists(st.integers(min_value=1, max_value=60), max_size=40),
    st.integers(min_value=0, max_value=6),
)
def test_capped_fold_never_keeps_more_gaps_and_tracks_exactly_what_it_took(start, seqs, limit):
    state, refused = fold(SeqState(start, count=0), [(s, None) for s in seqs], limit)
    assert len(state.gaps) == state.count <= max(limit, 0)
    taken = [s for s in seqs if s not in refused]
    top = max([start, *taken])
    assert state.last_seq == top
    assert _missing(state) == set(range(1, top + 1)) - set(range(1, start + 1)) - set(taken)
    # Refusal is the cap's only: without a cap, the same seqs are all taken.
    assert fold(SeqState(start), [(s, None) for s in seqs])[1] == set()
    # A gap is disjoint and sorted.
    assert state.gaps == sorted(state.gaps)
    assert all(a <= b for a, b in state.gaps)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(state.gaps, state.gaps[1:], strict=False))


def test_every_other_seq_is_refused_once_the_cap_is_reached(cloud, monkeypatch):
    monkeypatch.setattr(seq_tracking, "MAX_GAPS", 5)
    till = cloud.till()
    batch = [till.event(seq=s) for s in range(2, 30, 2)]  # 2, 4, ... : a gap before each
    results = till.push(batch).json()["results"]
    statuses = [r["status"] for r in results]
    assert statuses == ["stored"] * 5 + ["rejected"] * (len(batch) - 5)
    assert "more than 5 ranges of missing seqs" in results[-1]["reason"]
    gaps = till.client.get("/v1/terminals/me/gaps").json()
    assert gaps["last_seq"] == 10 and len(gaps["gaps"]) == 5
    # Splitting a gap in two also counts; filling one frees a place again.
    assert till.push([till.event(seq=3)]).json()["results"][0]["status"] == "stored"
    assert till.push([till.event(seq=13)]).json()["results"][0]["status"] == "stored"
    assert till.push([till.event(seq=15)]).json()["results"][0]["status"] == "rejected"


def test_a_batch_reads_only_the_gaps_its_late_events_fall_in(cloud):
    till = cloud.till()
    till.push([till.event(seq=400_001)])  # one gap 1..400000
    with connection():
        SeqGap.delete().where(SeqGap.terminal == till.terminal_id).execute()
        # 100,000 gaps as an older server could have collected: 1, 5, 9, ...
        rows = [(till.terminal_id, n, n) for n in range(1, 400_000, 4)]
        for start in range(0, len(rows), 5000):
            insert_rows(SeqGap, ("terminal", "first_seq", "last_seq"), rows[start : start + 5000])
        late = list(range(1, 3984, 8)) + [2, 3]  # 498 holes filled, 2 seqs in no gap
        book = seq_tracking.load(till.terminal_id, 400_001, late)
    assert len(book.loaded) == 498 and book.count == 100_000
    batch = [till.event(seq=s) for s in late]
    r = till.push(batch)
    assert r.status_code == 200 and {x["status"] for x in r.json()["results"]} == {"stored"}
    with connection():
        left = SeqGap.select().where(SeqGap.terminal == till.terminal_id).count()
    assert left == 100_000 - 498


def test_events_repeating_a_refused_event_of_the_batch_are_rejected_too(cloud, monkeypatch):
    monkeypatch.setattr(seq_tracking, "MAX_GAPS", 0)
    till = cloud.till()
    refused = till.event(seq=10)
    same_seq = till.event(seq=10)
    same_id = dict(till.event(seq=1), event_id=refused["event_id"])
    results = till.push([refused, same_seq, same_id]).json()["results"]
    assert [r["status"] for r in results] == ["rejected"] * 3
    assert "ranges of missing seqs" in results[1]["reason"]
    assert "repeats an earlier event of this batch" in results[2]["reason"]


def test_a_terminal_has_at_most_two_batches_in_flight_and_others_do_not_queue_behind(
    cloud, monkeypatch
):
    """Many parallel batches of one terminal wait on the event loop, not in worker threads
    or pooled connections that other stores need."""
    import threading
    import time

    from pos_cloud import api_terminal, ingest

    inside: dict[str, int] = {}
    most: dict[str, int] = {}
    lock = threading.Lock()
    real = ingest.ingest_batch

    def slow_ingest(terminal, events):
        with lock:
            inside[terminal.id] = inside.get(terminal.id, 0) + 1
            most[terminal.id] = max(most.get(terminal.id, 0), inside[terminal.id])
        time.sleep(0.3)
        try:
            return real(terminal, events)
        finally:
            with lock:
                inside[terminal.id] -= 1

    monkeypatch.setattr(ingest, "ingest_batch", slow_ingest)
    busy, other = cloud.till(), cloud.till()
    pushes = [
        threading.Thread(
            target=cloud.client(busy.token).post,
            args=("/v1/events:batch",),
            kwargs={"json": {"events": [busy.event(seq=n)]}},
        )
        for n in range(1, 9)
    ]
    for thread in pushes:
        thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    assert other.push([other.event()]).json()["results"][0]["status"] == "stored"
    other_took = time.monotonic() - started
    for thread in pushes:
        thread.join(30)
    assert most[busy.terminal_id] == api_terminal.BATCHES_PER_TERMINAL
    assert other_took < 1.0  # not behind the 8 x 0.3 s of the busy terminal
    assert not api_terminal.batch_gates._held  # nothing left behind
