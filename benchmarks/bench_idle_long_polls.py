"""2,000 tills waiting on the change feed of `pos-cloud serve` on PostgreSQL: what idling costs,
and how fast one price change reaches all of them.

`pos-cloud serve` runs in its own process on a database of its own (created here, dropped at
the end, so PostgreSQL's per-database counters see only this server). This process enrols N
terminals of one store, then holds N long polls open at once (``GET /v1/feed/products?wait=25``,
one connection per till, asyncio + httpx); a poll that ends empty after 25 s is sent again at
once, as a till does. While nothing changes it measures, over a window (default 60 s, so it
includes those re-polls):

- the server's reads of its tables: ``pg_stat_user_tables`` (``seq_scan + idx_scan`` summed,
  so a statement reading two tables counts two); PostgreSQL's own housekeeping (autovacuum
  visits) reads only catalogues and is not in it;
- the database's transactions (``pg_stat_database``; these do include autovacuum's visits);
- the re-polls the tills sent (the client counts them);
- the connections the server holds to PostgreSQL (``pg_stat_activity``);
- the server process's resident memory and CPU time (``/proc``).

Statistics reach the views when a backend has been idle a while (up to 10 s on PostgreSQL 15),
so each reading waits 11 s after the traffic it should include.

Then it changes one price through the admin API and times, for each till, change -> its poll
answered with the new price: median, p99, max. The floor, measured first in the same run: one
till alone waiting, same change path. Target (docs/PERFORMANCE.md): ~0 idle queries, every
till within 2 s.

Usage: .venv/bin/python benchmarks/bench_idle_long_polls.py [--tills 2000] [--window 60]
       [--dsn postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]

import httpx  # noqa: E402
import psycopg2  # noqa: E402
from bench_catalog_sync import free_port  # noqa: E402
from common import percentile, save_result, wait_until_healthy  # noqa: E402

WAIT_S = 25  # the longest long poll the API allows
RAMP_BATCH, RAMP_PAUSE_S = 20, 0.1  # 200 new tills a second (the listen backlog is 128-4096)
STATS_LAG_S = 11.0  # PostgreSQL 15 flushes an idle backend's statistics within 10 s


def _database_url(dsn: str, name: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit(parts._replace(path="/" + name))


def _admin(dsn: str):
    connection = psycopg2.connect(dsn)
    connection.autocommit = True
    return connection


def prepare(url: str, tills: int) -> tuple[str, str, list[str]]:
    """Migrate, make a store with one product, enrol ``tills`` terminals (in process, before the
    server starts); return (admin token, store id, terminal tokens)."""
    from pos_cloud import auth, catalog
    from pos_cloud.db import close_database, init_database
    from pos_cloud.migrations import migrate

    database = init_database(url)
    with database.connection_context():
        migrate(database)
        token = auth.create_admin_token("bench-idle")
        store = catalog.create_store("Bench", "EUR").id
        catalog.upsert_tax_rate(store, "A", "Standard", 2000)
        catalog.upsert_products(store, [catalog.ProductInput("S1", "Item", 250, "A")])
        tokens = []
        for n in range(tills):
            code, _ = auth.create_enrollment_code(store)
            tokens.append(auth.enroll(code, f"Lane {n + 1}")["token"])
    close_database(database)
    return token, store, tokens


def _proc(pid: int) -> tuple[float, float]:
    """(resident MB, CPU seconds user+system) of ``pid``."""
    with open(f"/proc/{pid}/status") as handle:
        rss_kb = next(int(line.split()[1]) for line in handle if line.startswith("VmRSS:"))
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return rss_kb / 1024, (int(fields[11]) + int(fields[12])) / ticks


def _db_counters(stats, name: str) -> tuple[int, int, int]:
    """(user-table scans, transactions, connections of others) of database ``name``;
    ``stats`` is a connection to that database (its own queries read only system views)."""
    cursor = stats.cursor()
    cursor.execute("SELECT pg_stat_clear_snapshot()")
    cursor.execute(
        "SELECT COALESCE(SUM(seq_scan + COALESCE(idx_scan, 0)), 0) FROM pg_stat_user_tables"
    )
    scans = int(cursor.fetchone()[0])
    cursor.execute(
        "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", (name,)
    )
    xacts = int(cursor.fetchone()[0])
    cursor.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
        (name,),
    )
    return scans, xacts, int(cursor.fetchone()[0])


class Till:
    """One till's keep-alive HTTP/1.1 connection, spoken with asyncio streams (an httpx pool of
    2,000 connections spent more CPU than the server it measured)."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader = self.writer = None

    async def get(self, path: str) -> dict:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        self.writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {self.token}\r\n\r\n".encode()
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        body = await self.reader.readexactly(length)
        if status != 200:
            raise RuntimeError(f"{path}: {status} {body[:200]!r}")
        return json.loads(body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def _wait_for_change(
    till: Till, cursor: str, answered: list, started: list, repolls: list | None = None
):
    """One till: long-poll until a page with items arrives; note when (and each re-poll)."""
    started.append(time.perf_counter())
    while True:
        page = await till.get(f"/v1/feed/products?after={cursor}&wait={WAIT_S}")
        if page["items"]:
            answered.append(time.perf_counter())
            return
        cursor = page["cursor"]
        if repolls is not None:
            repolls.append(time.perf_counter())


async def _run(base: str, admin_token: str, store: str, tokens: list[str], args, stats, name):
    port = int(base.rsplit(":", 1)[1])
    tills = [Till(port, t) for t in tokens]
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        admin = {"Authorization": f"Bearer {admin_token}"}
        cursor = (await tills[0].get("/v1/feed/products"))["cursor"]
        price = 300

        async def change() -> float:
            nonlocal price
            price += 1
            at = time.perf_counter()
            r = await client.put(
                f"/v1/admin/stores/{store}/products/S1/price",
                json={"price_minor": price},
                headers=admin,
            )
            r.raise_for_status()
            return at

        # The floor: one till alone, the same change path.
        floor = []
        for _ in range(5):
            answered, started = [], []
            task = asyncio.create_task(_wait_for_change(tills[0], cursor, answered, started))
            await asyncio.sleep(0.5)
            at = await change()
            await task
            floor.append(answered[0] - at)
            cursor = str(int(cursor) + 1)  # each price change takes one seq

        answered, started, repolls = [], [], []
        tasks = []
        for n, t in enumerate(tills):  # tills come online over a few seconds, not in one burst
            tasks.append(
                asyncio.create_task(_wait_for_change(t, cursor, answered, started, repolls))
            )
            if n % RAMP_BATCH == RAMP_BATCH - 1:
                await asyncio.sleep(RAMP_PAUSE_S)
        while len(started) < len(tokens):
            await asyncio.sleep(0.05)
        await asyncio.sleep(STATS_LAG_S)  # the first pages' reads reach the statistics
        loop = asyncio.get_running_loop()
        s0, x0, connections = await loop.run_in_executor(None, _db_counters, stats, name)
        rss0, cpu0 = _proc(args.server_pid)
        r0, t0 = len(repolls), time.perf_counter()
        await asyncio.sleep(args.window)
        rss1, cpu1 = _proc(args.server_pid)
        r1, t1 = len(repolls), time.perf_counter()
        await asyncio.sleep(STATS_LAG_S)
        # (re-polls in these 11 s are counted below as well: scale them in)
        s1, x1, connections1 = await loop.run_in_executor(None, _db_counters, stats, name)
        r2, t2 = len(repolls), time.perf_counter()
        at = await change()
        await asyncio.gather(*tasks)
        for t in tills:
            t.close()
    latencies = sorted(a - at for a in answered)
    span = t2 - t0  # the scans and transactions read cover this span
    return {
        "idle_window_s": round(t1 - t0, 2),
        "repolls_per_s": round((r1 - r0) / (t1 - t0), 2),
        "idle_table_scans_per_s": round((s1 - s0) / span, 2),
        "idle_table_scans_per_repoll": round((s1 - s0) / max(r2 - r0, 1), 2),
        "idle_db_transactions_per_s": round((x1 - x0) / span, 2),
        "server_db_connections": max(connections, connections1),
        "server_rss_mb": round(max(rss0, rss1), 1),
        "server_cpu_percent_idle": round(100 * (cpu1 - cpu0) / (t1 - t0), 2),
        "wake_median_s": round(statistics.median(latencies), 4),
        "wake_p99_s": round(percentile(latencies, 99), 4),
        "wake_max_s": round(latencies[-1], 4),
        "answered": len(latencies),
        "floor_one_till_median_s": round(statistics.median(floor), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tills", type=int, default=2000)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--dsn", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * args.tills + 200
    if soft < need:  # one socket per till on both sides; the server inherits the limit
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    name = f"pos_bench_idle_{uuid.uuid4().hex[:10]}"
    admin_db = _admin(args.dsn)
    admin_db.cursor().execute(f'CREATE DATABASE "{name}"')
    url = _database_url(args.dsn, name)
    server = None
    try:
        token, store, tokens = prepare(url, args.tills)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pos_cloud.cli",
                "serve",
                "--database",
                url,
                "--port",
                str(port),
            ],
            cwd=ROOT,
        )
        with httpx.Client(base_url=base) as probe:
            wait_until_healthy(probe)
        args.server_pid = server.pid
        stats = psycopg2.connect(url)
        stats.autocommit = True
        try:
            figures = asyncio.run(_run(base, token, store, tokens, args, stats, name))
        finally:
            stats.close()
        load = os.getloadavg()
    finally:
        if server is not None:
            server.send_signal(signal.SIGINT)
            server.wait(60)
        admin_db.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin_db.close()
    result = {
        "name": "idle_long_polls",
        "tills": args.tills,
        **figures,
        "wake_ratio_to_floor": round(
            figures["wake_median_s"] / figures["floor_one_till_median_s"], 1
        ),
        "target": "~0 idle queries; every till within 2 s",
        "server": "`pos-cloud serve` (1 worker) in its own process, PostgreSQL",
        "load_avg_1_5_15": [round(x, 2) for x in load],
        "command": "benchmarks/bench_idle_long_polls.py " + " ".join(sys.argv[1:]),
    }
    save_result("idle_long_polls", result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
