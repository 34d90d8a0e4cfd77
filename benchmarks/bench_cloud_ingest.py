"""Cloud sale ingest on PostgreSQL: N concurrent pushers against `pos-cloud serve`.

Server: `pos-cloud serve --workers W` in a subprocess on loopback (its own processes, as
deployed), on a throw-away PostgreSQL schema at 127.0.0.1:5432. Clients: N threads in this
process, each an enrolled terminal pushing batches of B `sale.completed` events (1 line, 1 cash
payment). Each pusher first sends --warmup batches that are not counted (connections, pools and
plans warm up). Reports sales/s, p50/p99 per batch request, CPU per process and the load average.

Two modes:
- closed loop (default): each pusher sends its next batch as soon as the last one is answered:
  the most the server takes. Latency is then in-flight events / throughput by construction.
- --rate R: open loop at R sales/s in total, as many tills selling at their own pace: pusher i
  sends batch k at a fixed time; latency runs from that scheduled time (a server that falls
  behind cannot hide its queue). This is the p99 the target speaks of: at 2,000 sales/s.

Targets: >= 2,000 sales/s, p99 <= 50 ms.
Usage: bench_cloud_ingest.py [--pushers 4 --batch 50 --batches 40 --warmup 5 --workers 2
[--rate 2000] [--profile out.txt]]  (--profile: py-spy stacks of the server, GIL holder only)
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import save_result, wait_until_healthy  # noqa: E402

from pos_cloud import auth  # noqa: E402
from pos_cloud.app import calm_garbage_collector  # noqa: E402
from pos_cloud.db import (  # noqa: E402
    ThrowawaySchema,
    close_database,
    connection,
    init_database,
)
from pos_cloud.migrations import migrate  # noqa: E402

PG = "postgresql://postgres@127.0.0.1:5432/test"


def sale_event(seq: int) -> dict:
    at = "2026-11-26T10:00:00+00:00"
    payload = {
        "sale_id": str(uuid.uuid4()),
        "receipt_number": seq,
        "currency": "EUR",
        "subtotal_minor": 250,
        "tax_minor": 50,
        "total_minor": 300,
        "completed_at": at,
        "cashier": "bench",
        "lines": [
            {
                "line_id": str(uuid.uuid4()),
                "product_id": None,
                "sku": f"S{seq % 100}",
                "gtin": None,
                "name": "Item",
                "quantity": "1",
                "unit_price_minor": 300,
                "line_total_minor": 300,
                "tax_minor": 50,
                "tax_code": "A",
            }
        ],
        "payments": [
            {
                "payment_id": str(uuid.uuid4()),
                "tender": "cash",
                "amount_minor": 300,
                "change_minor": 0,
            }
        ],
    }
    return {
        "event_id": str(uuid.uuid4()),
        "seq": seq,
        "type": "sale.completed",
        "occurred_at": at,
        "payload": payload,
        "journal_hash": None,
    }


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
        todo.extend(int(c) for c in children)
    return total


def postgres_cpu() -> dict[int, float]:
    """CPU seconds of every process named ``postgres`` (the server and its backends)."""
    tick, out = os.sysconf("SC_CLK_TCK"), {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            head, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        if head.endswith("(postgres"):
            fields = rest.split()
            out[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    return out


def machine_busy() -> float:
    """CPU seconds all cores spent not idle since boot (from /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pushers", type=int, default=4)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--batches", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rate", type=float, default=None, help="offered sales/s (open loop)")
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    schema = ThrowawaySchema(PG, "bench_ingest")
    url = schema.url
    db = init_database(url)
    with db.connection_context():
        migrate(db)
    with connection():
        token = auth.create_admin_token("bench")
    close_database(db)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    command = [sys.executable, "-m", "pos_cloud.cli", "serve", "--database", url]
    command += ["--port", str(port), "--workers", str(args.workers)]
    if args.profile:
        spy = [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--format",
            "raw",
            "-r",
            "400",
            "--gil",
        ]
        command = [*spy, "-o", args.profile, "--subprocesses", "--", *command]
    server = subprocess.Popen(command, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    opts = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    try:
        admin = httpx.Client(
            base_url=base,
            headers={"Authorization": f"Bearer {token}"},
            transport=httpx.HTTPTransport(socket_options=opts),
        )
        wait_until_healthy(admin)
        store = admin.post("/v1/admin/stores", json={"name": "Bench", "currency": "EUR"}).json()
        clients = []
        for i in range(args.pushers):
            code = admin.post(f"/v1/admin/stores/{store['id']}/enrollment-codes", json={}).json()
            body = admin.post("/v1/enroll", json={"code": code["code"], "terminal_name": f"T{i}"})
            clients.append(
                httpx.Client(
                    base_url=base,
                    headers={"Authorization": f"Bearer {body.json()['token']}"},
                    timeout=60,
                    transport=httpx.HTTPTransport(socket_options=opts),
                )
            )
        total = args.warmup + args.batches
        # Bodies encoded up front: the clock measures the server, not our JSON encoder.
        batches = [
            [
                json.dumps(
                    {"events": [sale_event(b * args.batch + k + 1) for k in range(args.batch)]}
                )
                for b in range(total)
            ]
            for _ in clients
        ]
        latencies: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        # Open loop: every pusher sends a batch each `period` s, pushers evenly staggered.
        period = args.pushers * args.batch / args.rate if args.rate else 0.0
        start_at = [0.0]
        warm = threading.Barrier(args.pushers + 1)

        def post(client: httpx.Client, body: str) -> httpx.Response:
            headers = {"Content-Type": "application/json"}
            return client.post("/v1/events:batch", content=body, headers=headers)

        def push(index: int, client: httpx.Client, mine: list[str]) -> None:
            for body in mine[: args.warmup]:
                post(client, body)
            warm.wait()  # everyone warm; the main thread starts the clock
            warm.wait()
            for k, body in enumerate(mine[args.warmup :]):
                due = start_at[0] + (k + index / args.pushers) * period
                if period:
                    time.sleep(max(0.0, due - time.perf_counter()))
                t0 = due if period else time.perf_counter()
                r = post(client, body)
                dt = time.perf_counter() - t0
                with lock:
                    latencies.append(dt)
                    if r.status_code != 200 or any(
                        x["status"] != "stored" for x in r.json()["results"]
                    ):
                        errors.append(r.text[:200])

        threads = [
            threading.Thread(target=push, args=(i, c, b))
            for i, (c, b) in enumerate(zip(clients, batches, strict=True))
        ]
        # The load generator's own full collections would stall every pusher thread and count
        # against the server: calm them as the server does.
        calm_garbage_collector()
        for t in threads:
            t.start()
        warm.wait()
        server_cpu0, busy0 = process_tree_cpu(server.pid), machine_busy()
        client_cpu0, pg0 = time.process_time(), postgres_cpu()
        start = start_at[0] = time.perf_counter()
        warm.wait()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        load = os.getloadavg()
        cpu = {
            "server_s": process_tree_cpu(server.pid) - server_cpu0,
            "load_generator_s": time.process_time() - client_cpu0,
            "whole_machine_s": machine_busy() - busy0,
        }
        pg1 = postgres_cpu()
        cpu["postgres_s"] = sum(v - pg0.get(pid, 0.0) for pid, v in pg1.items())
        cpu["other_processes_s"] = cpu["whole_machine_s"] - cpu["server_s"]
        cpu["other_processes_s"] -= cpu["load_generator_s"] + cpu["postgres_s"]
        cpu = {k: round(v, 2) for k, v in cpu.items()}
    finally:
        server.send_signal(signal.SIGINT)  # py-spy writes its file on SIGINT
        server.wait(60)
        schema.drop()
    sales = args.pushers * args.batch * args.batches
    result = {
        "name": "cloud_ingest",
        "server": f"`pos-cloud serve --workers {args.workers}` subprocess, PostgreSQL on loopback",
        "pushers": args.pushers,
        "batch": args.batch,
        "warmup_batches_per_pusher": args.warmup,
        "mode": f"open loop at {args.rate:g} sales/s offered" if args.rate else "closed loop",
        "sales": sales,
        "sales_per_s": round(sales / wall),
        "batch_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "batch_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "event_p99_ms": round(percentile(latencies, 0.99) * 1000 / args.batch, 2),
        "errors": len(errors),
        "wall_s": round(wall, 2),
        "cpu_during_run": cpu,
        "targets": {"sales_per_s": 2000, "p99_ms": 50},
        "cores": os.cpu_count(),
        "load_avg_1_5_15": [round(x, 2) for x in load],
        "command": "benchmarks/bench_cloud_ingest.py " + " ".join(sys.argv[1:]),
    }
    save_result("cloud_ingest", result)
    print(json.dumps(result))

    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
