"""Cloud ingestion under a hostile terminal: bounded gap work, and other stores not delayed.

Runs ``pos-cloud serve`` (one process) on SQLite (default) or PostgreSQL (``--database pg``)
and measures three phases, each while an honest till of another store pushes one-sale
batches back to back (its latency is what "another store waited" means):

1. ``quiet``: the honest till alone;
2. ``attack``: a terminal of store A pushes 500-event batches with every other seq, which
   would add 500 gaps per batch without a cap;
3. ``legacy``: a terminal of store C that already has 100,000 gaps (written straight into
   the table, as an older server could have collected) pushes 500 late events per batch,
   each filling one hole, spread over the whole range: the case that cost 9.6 s per batch.

The physical floor is ``GET /v1/health`` (a request that touches no database), timed in the
same run, interleaved with the honest till's pushes. ``--server-root`` runs the server from
another checkout (e.g. ``/work/main``) to measure the code before a change.

    .venv/bin/python benchmarks/bench_cloud_gaps.py [--database pg] [--server-root DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import common  # noqa: F401  (puts the repository root on sys.path)
import httpx
from common import ROOT, Stats, save_result, wait_until_healthy

PG = "postgresql://postgres@127.0.0.1:5432/test"
LEGACY_GAPS = 100_000


def event(seq: int, payload: dict | None = None, type_: str = "note") -> dict:
    return {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "type": type_,
        "occurred_at": "2024-05-01T10:00:00Z",
        "payload": payload if payload is not None else {"n": seq},
    }


def sale(seq: int) -> dict:
    return event(
        seq,
        {
            "sale_id": str(uuid.uuid4()),
            "receipt_number": seq,
            "currency": "EUR",
            "subtotal_minor": 126,
            "tax_minor": 24,
            "total_minor": 150,
            "completed_at": "2024-05-01T10:00:00Z",
            "lines": [
                {
                    "line_id": str(uuid.uuid4()),
                    "sku": "A1",
                    "name": "Pen",
                    "quantity": "1",
                    "unit_price_minor": 150,
                    "line_total_minor": 150,
                    "tax_minor": 24,
                }
            ],
            "payments": [{"payment_id": str(uuid.uuid4()), "tender": "cash", "amount_minor": 150}],
        },
        "sale.completed",
    )


def server_env(server_root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(server_root)}


def cli(server_root: Path, url: str, *argv: str) -> str:
    command = [sys.executable, "-m", "pos_cloud.cli", *argv, "--database", url]
    out = subprocess.run(
        command, cwd=server_root, env=server_env(server_root), capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(out.stderr)
    return out.stdout.strip().splitlines()[-1]


def insert_legacy_gaps(url: str, terminal_id: str) -> None:
    from pos_cloud.bulk import insert_rows
    from pos_cloud.db import close_database, connection, init_database
    from pos_cloud.models import SeqGap

    database = init_database(url)
    rows = [(terminal_id, n, n) for n in range(1, 4 * LEGACY_GAPS, 4)]
    with connection(), database.atomic():
        SeqGap.delete().where(SeqGap.terminal == terminal_id).execute()
        for start in range(0, len(rows), 5000):
            insert_rows(SeqGap, ("terminal", "first_seq", "last_seq"), rows[start : start + 5000])
    close_database(database)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default="sqlite", help="sqlite or pg")
    parser.add_argument("--server-root", type=Path, default=ROOT)
    parser.add_argument("--honest", type=int, default=150, help="honest pushes per phase")
    args = parser.parse_args()
    tmp = tempfile.TemporaryDirectory()
    schema = None
    if args.database == "pg":
        from pos_cloud.db import ThrowawaySchema

        schema = ThrowawaySchema(PG, "bench_gaps")
        url = schema.url
    else:
        url = f"sqlite:///{Path(tmp.name) / 'cloud.db'}"
    root = args.server_root.resolve()
    admin_token = cli(root, url, "create-admin-token")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "pos_cloud.cli", "serve", "--database", url]
    server = subprocess.Popen([*command, "--port", str(port)], cwd=root, env=server_env(root))
    base = f"http://127.0.0.1:{port}"
    figures: dict = {}
    try:
        admin = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {admin_token}"}, timeout=300
        )
        wait_until_healthy(admin)

        def till(name: str) -> tuple[str, httpx.Client]:
            store = admin.post("/v1/admin/stores", json={"name": name}).json()["id"]
            code = admin.post(f"/v1/admin/stores/{store}/enrollment-codes", json={}).json()
            body = admin.post("/v1/enroll", json={"code": code["code"], "terminal_name": name})
            body = body.json()
            client = httpx.Client(
                base_url=base, headers={"Authorization": f"Bearer {body['token']}"}, timeout=300
            )
            return body["terminal_id"], client

        _, honest = till("honest")
        _, attacker = till("attacker")
        legacy_id, legacy = till("legacy")
        legacy.post("/v1/events:batch", json={"events": [event(4 * LEGACY_GAPS + 1)]})
        insert_legacy_gaps(url, legacy_id)
        floor_client = httpx.Client(base_url=base, timeout=300)
        honest_seq = [0]

        failures: list[str] = []

        def honest_run() -> tuple[list[float], list[float]]:
            pushes, floors = [], []
            for _ in range(args.honest):
                honest_seq[0] += 1
                body = json.dumps({"events": [sale(honest_seq[0])]})
                t0 = time.perf_counter()
                r = honest.post(
                    "/v1/events:batch", content=body, headers={"content-type": "application/json"}
                )
                pushes.append((time.perf_counter() - t0) * 1000)
                if r.status_code != 200 or r.json()["results"][0]["status"] != "stored":
                    failures.append(f"{r.status_code} {r.text[:80]}")
                t0 = time.perf_counter()
                floor_client.get("/v1/health")
                floors.append((time.perf_counter() - t0) * 1000)
            return pushes, floors

        def phase(name: str, hostile=None) -> None:
            stop = threading.Event()
            hostile_times: list[float] = []
            outcomes: dict[str, int] = {}

            def hostile_loop() -> None:
                while not stop.is_set():
                    body = hostile()
                    t0 = time.perf_counter()
                    r = body[0].post(
                        "/v1/events:batch",
                        content=body[1],
                        headers={"content-type": "application/json"},
                    )
                    hostile_times.append((time.perf_counter() - t0) * 1000)
                    if r.status_code != 200:
                        outcomes[str(r.status_code)] = outcomes.get(str(r.status_code), 0) + 1
                        continue
                    for result in r.json()["results"]:
                        outcomes[result["status"]] = outcomes.get(result["status"], 0) + 1

            thread = threading.Thread(target=hostile_loop) if hostile else None
            if thread:
                thread.start()
                time.sleep(0.5)
            pushes, floors = honest_run()
            stop.set()
            if thread:
                thread.join()
            entry: dict = {"honest_push_ms": _stats(pushes), "floor_ms": _stats(floors)}
            entry["honest_failures"] = failures[:]
            failures.clear()
            entry["p50_ratio_to_floor"] = round(
                entry["honest_push_ms"]["p50"] / entry["floor_ms"]["p50"], 1
            )
            if hostile:
                entry["hostile_batch_ms"] = _stats(hostile_times)
                entry["hostile_outcomes"] = outcomes
            figures[name] = entry
            print(name, json.dumps(entry))

        attack_seq = [0]

        def attack_batch():
            events = []
            for _ in range(500):
                attack_seq[0] += 2
                events.append(event(attack_seq[0]))
            return attacker, json.dumps({"events": events})

        legacy_round = [0]

        def legacy_batch():
            # 500 holes spread over the whole range (every 200th gap), a new set each batch:
            # the old code read every gap between the lowest and the highest late seq.
            k = legacy_round[0]
            legacy_round[0] += 1
            stride = LEGACY_GAPS // 500
            events = [event(1 + 4 * (k % stride + stride * j)) for j in range(500)]
            return legacy, json.dumps({"events": events})

        phase("quiet")
        phase("attack", attack_batch)
        phase("legacy", legacy_batch)
    finally:
        server.terminate()
        server.wait(30)
        if schema is not None:
            schema.drop()
        tmp.cleanup()
    doc = {
        "database": args.database,
        "server_root": str(root),
        "honest_pushes_per_phase": args.honest,
        "legacy_gaps": LEGACY_GAPS,
        "load_average": os.getloadavg(),
        "phases": figures,
    }
    suffix = "" if root == ROOT.resolve() else "-other-root"
    print(save_result(f"cloud_gaps-{args.database}{suffix}", doc))
    return 0


def _stats(samples: list[float]) -> dict:
    s = Stats.of(samples)
    return {"n": s.n, "p50": round(s.p50, 2), "p99": round(s.p99, 2), "max": round(s.max, 2)}


if __name__ == "__main__":
    sys.exit(main())
