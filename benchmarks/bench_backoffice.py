"""Back-office pages on a big generated history: dashboard and monthly report vs bare SQL.

Generates N stores x M days of sales (about L lines per store and day, 3 lines per sale, two
tenders) straight into the tables the sync and the projector fill (``sale``, ``sale_payment``,
``event``, ``web_sale_line``) with server-side ``generate_series`` on PostgreSQL, then, in the
same run and on the same database:

- renders the dashboard (today by hour vs yesterday, tenders, top products, refunds, voids)
  and the monthly report (``?period=month``: the month by day vs the previous month) through
  the real app in-process (Starlette's TestClient, signed in as the owner), one store at a time;
- runs the bare SQL aggregates those pages need (the floor: the database's own work, no Python,
  no template) with psycopg2 on the same data.

Default small (2 stores x 60 days x 2,700 lines/day = 324k lines, a few minutes). One year of 10
stores (10M lines):

    flock /tmp/bench.lock .venv/bin/python benchmarks/bench_backoffice.py \\
        --stores 10 --days 365 --lines-per-day 2740

``--database postgresql://...`` (default the local test database) runs on a throw-away schema,
dropped afterwards. ``--sqlite`` runs one store on a SQLite file instead (the embedded default).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import Stats, log, machine_info, save_result  # noqa: E402

from pos_cloud.db import ThrowawaySchema, connection, is_postgres  # noqa: E402

LINES_PER_SALE = 3
RUNS = 15


def generate(stores: int, days: int, lines_per_day: int, today: dt.date) -> list[str]:
    """Fill the database (already migrated, proxy initialised); return the store ids."""
    from pos_cloud import catalog
    from pos_cloud.db import database_proxy
    from pos_cloud.models import Terminal

    sales_per_day = max(1, lines_per_day // LINES_PER_SALE)
    first = today - dt.timedelta(days=days - 1)
    store_ids = []
    for n in range(stores):
        with connection():
            store = catalog.create_store(f"Store {n + 1}", "EUR", "UTC")
            catalog.upsert_tax_rate(store.id, "A", "Standard", 1900)
            terminals = [
                Terminal.create(
                    store=store, name=f"Lane {k + 1}", token_hash=f"bench{n}-{k}-{store.id}"
                )
                for k in range(2)
            ]
        store_ids.append(store.id)
        total = sales_per_day * days
        t0 = time.perf_counter()
        with connection(), database_proxy.atomic():
            _fill(store.id, [t.id for t in terminals], first, total, sales_per_day)
        log(
            f"store {n + 1}/{stores}: {total:,} sales, {total * LINES_PER_SALE:,} lines "
            f"in {time.perf_counter() - t0:.1f} s"
        )
    with connection():
        if is_postgres():
            for table in ("sale", "sale_payment", "event", "web_sale_line"):
                database_proxy.execute_sql(f"VACUUM ANALYZE {table}")
        else:
            database_proxy.execute_sql("ANALYZE")
    return store_ids


def _fill(store: str, terminals: list[str], first: dt.date, total: int, per_day: int) -> None:
    if not is_postgres():
        _fill_sqlite(store, terminals, first, total, per_day)
        return
    from pos_cloud.db import database_proxy

    # One statement per table, rows made by the server: sale i is on day first + i / per_day,
    # between 08:00 and 20:00, on one of the two terminals; ids are md5-derived UUIDs.
    series = "generate_series(0::bigint, %(total)s - 1) AS g(i)"  # bigint: i * 7919 overflows int
    day = f"(%(first)s::date + (g.i / {per_day}) * INTERVAL '1 day')::date"
    moment = (
        f"(%(first)s::date + (g.i / {per_day}) * INTERVAL '1 day' + INTERVAL '8 hours' "
        f"+ ((g.i % {per_day}) * 43200 / {per_day}) * INTERVAL '1 second')"
    )
    terminal = "(CASE WHEN g.i % 2 = 0 THEN %(t0)s ELSE %(t1)s END)"
    sid = "md5('s' || %(store)s || g.i::text)::uuid::text"
    eid = "md5('e' || %(store)s || g.i::text)::uuid::text"
    pid = "md5('p' || %(store)s || g.i::text)::uuid::text"
    amount = "(300 + (g.i * 7919) % 5000)"
    price = "(100 + (g.i + l.n) % 900)"
    product = "((g.i * 31 + l.n * 17) % 2000)"
    params = {
        "store": store,
        "t0": terminals[0],
        "t1": terminals[1],
        "first": first,
        "total": total,
    }
    statements = [
        f"INSERT INTO event (event_id, terminal_id, store_id, seq, type, body_hash, body, "
        f"occurred_at, received_at) SELECT {eid}, {terminal}, %(store)s, g.i + 1, "
        f"'sale.completed', '', '{{}}', {moment}, {moment} FROM {series}",
        f"INSERT INTO sale (sale_id, store_id, terminal_id, event_id, receipt_number, currency, "
        f"subtotal_minor, tax_minor, total_minor, cashier, completed_at, business_day) "
        f"SELECT {sid}, %(store)s, {terminal}, {eid}, g.i + 1, 'EUR', "
        f"{amount} - {amount} * 19 / 119, {amount} * 19 / 119, {amount}, 'ann', {moment}, {day} "
        f"FROM {series}",
        f"INSERT INTO sale_payment (payment_id, sale_id, tender, amount_minor, change_minor) "
        f"SELECT {pid}, {sid}, CASE WHEN g.i % 3 = 0 THEN 'card' ELSE 'cash' END, {amount}, 0 "
        f"FROM {series}",
        f"INSERT INTO web_sale_line (store_id, sale_id, line_no, terminal_id, business_day, "
        f"completed_at, receipt_number, sku, name, quantity_micro, unit_price_minor, "
        f"line_total_minor, tax_minor, tax_code) "
        f"SELECT %(store)s, {sid}, l.n, {terminal}, {day}, {moment}, g.i + 1, "
        f"'SKU' || {product}, 'Product ' || {product}, 1000000, {price}, {price}, "
        f"{price} * 19 / 119, 'A' "
        f"FROM {series}, generate_series(0, {LINES_PER_SALE - 1}) AS l(n)",
    ]
    for sql in statements:  # with parameters, a literal % (modulo) is written %%
        database_proxy.execute_sql(sql.replace(" % ", " %% "), params)


def _fill_sqlite(
    store: str, terminals: list[str], first: dt.date, total: int, per_day: int
) -> None:
    """SQLite: rows from Python in executemany batches (no generate_series)."""
    from pos_cloud.db import database_proxy

    conn = database_proxy.connection()
    batch_e, batch_s, batch_p, batch_l = [], [], [], []

    def flush():
        conn.executemany(
            "INSERT INTO event (event_id, terminal_id, store_id, seq, type, body_hash, body, "
            "occurred_at, received_at) VALUES (?,?,?,?,'sale.completed','','{}',?,?)",
            batch_e,
        )
        conn.executemany(
            "INSERT INTO sale (sale_id, store_id, terminal_id, event_id, receipt_number, currency, "
            "subtotal_minor, tax_minor, total_minor, cashier, completed_at, business_day) "
            "VALUES (?,?,?,?,?,'EUR',?,?,?,'ann',?,?)",
            batch_s,
        )
        conn.executemany(
            "INSERT INTO sale_payment (payment_id, sale_id, tender, amount_minor, change_minor) "
            "VALUES (?,?,?,?,0)",
            batch_p,
        )
        conn.executemany(
            "INSERT INTO web_sale_line (store_id, sale_id, line_no, terminal_id, business_day, "
            "completed_at, receipt_number, sku, name, quantity_micro, unit_price_minor, "
            "line_total_minor, tax_minor, tax_code) VALUES (?,?,?,?,?,?,?,?,?,1000000,?,?,?,'A')",
            batch_l,
        )
        for b in (batch_e, batch_s, batch_p, batch_l):
            b.clear()

    start = dt.datetime.combine(first, dt.time(8))
    for i in range(total):
        day = first + dt.timedelta(days=i // per_day)
        moment = start + dt.timedelta(days=i // per_day, seconds=(i % per_day) * 43200 // per_day)
        when = moment.isoformat(sep=" ")
        term = terminals[i % 2]
        eid, sid = f"e{store[:8]}{i:012d}", f"s{store[:8]}{i:012d}"
        amount = 300 + (i * 7919) % 5000
        batch_e.append((eid, term, store, i + 1, when, when))
        batch_s.append(
            (
                sid,
                store,
                term,
                eid,
                i + 1,
                amount - amount * 19 // 119,
                amount * 19 // 119,
                amount,
                when,
                day.isoformat(),
            )
        )
        batch_p.append((f"p{store[:8]}{i:012d}", sid, "card" if i % 3 == 0 else "cash", amount))
        for n in range(LINES_PER_SALE):
            sku = (i * 31 + n * 17) % 2000
            price = 100 + (i + n) % 900
            batch_l.append(
                (
                    store,
                    sid,
                    n,
                    term,
                    day.isoformat(),
                    when,
                    i + 1,
                    f"SKU{sku}",
                    f"Product {sku}",
                    price,
                    price,
                    price * 19 // 119,
                )
            )
        if len(batch_s) >= 20_000:
            flush()
    flush()


_TODAY_BY_TERMINAL = (
    "SELECT terminal_id, COUNT(*), SUM(total_minor) FROM sale "
    "WHERE store_id = {p} AND business_day = {p} GROUP BY terminal_id"
)
_SALES_OF_DAYS = (
    "SELECT completed_at, total_minor FROM sale "
    "WHERE store_id = {p} AND business_day BETWEEN {p} AND {p}"
)
_BY_DAY = (
    "SELECT business_day, COUNT(*), SUM(total_minor) FROM sale "
    "WHERE store_id = {p} AND business_day BETWEEN {p} AND {p} GROUP BY business_day"
)
_TENDERS = (
    "SELECT sp.tender, SUM(sp.amount_minor - sp.change_minor) FROM sale_payment sp "
    "JOIN sale s ON s.sale_id = sp.sale_id "
    "WHERE s.store_id = {p} AND s.business_day BETWEEN {p} AND {p} GROUP BY sp.tender"
)
_TOP_PRODUCTS = (
    "SELECT sku, MAX(name), SUM(quantity_micro), SUM(line_total_minor) FROM web_sale_line "
    "WHERE store_id = {p} AND business_day BETWEEN {p} AND {p} "
    "GROUP BY sku ORDER BY 4 DESC LIMIT 10"
)
# The statements each page needs, as bare SQL (the floor).
FLOOR_SQL = {
    "dashboard": [_TODAY_BY_TERMINAL, _SALES_OF_DAYS, _TENDERS, _TOP_PRODUCTS],
    "month": [_BY_DAY, _BY_DAY, _TENDERS, _TOP_PRODUCTS],
}


def floor_args(kind: str, store: str, today: dt.date) -> list[tuple]:
    from pos_cloud.web.analytics import period_bounds

    if kind == "dashboard":
        y = today - dt.timedelta(days=1)
        return [(store, today), (store, y, today), (store, today, today), (store, today, today)]
    start, end, pstart, pend = period_bounds("month", today)
    return [(store, start, end), (store, pstart, pend), (store, start, end), (store, start, end)]


def time_floor(kind: str, stores: list[str], today: dt.date) -> list[float]:
    from pos_cloud.db import database_proxy

    mark = "%s" if is_postgres() else "?"
    samples = []
    with connection():
        for _ in range(RUNS):
            for store in stores:
                t0 = time.perf_counter()
                for sql, args in zip(FLOOR_SQL[kind], floor_args(kind, store, today), strict=True):
                    database_proxy.execute_sql(sql.replace("{p}", mark), args).fetchall()
                samples.append((time.perf_counter() - t0) * 1000)
    return samples


def time_pages(client, path: str, stores: list[str]) -> list[float]:
    samples = []
    for _ in range(RUNS):
        for store in stores:
            t0 = time.perf_counter()
            r = client.get(path.format(store=store))
            samples.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text[:300]
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stores", type=int, default=2)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--lines-per-day", type=int, default=2700)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead (one store)")
    args = parser.parse_args(argv)

    from starlette.testclient import TestClient

    from pos_cloud.app import create_app
    from pos_cloud.web import accounts

    schema = None
    folder = tempfile.TemporaryDirectory()
    if args.sqlite:
        url = f"sqlite:///{Path(folder.name) / 'bench.db'}"
    else:
        schema = ThrowawaySchema(args.database, "bench_backoffice")
        url = schema.url
    try:
        app = create_app(url, back_office_worker=False)
        today = dt.datetime.now(dt.UTC).date()
        t0 = time.perf_counter()
        stores = generate(args.stores, args.days, args.lines_per_day, today)
        load_s = time.perf_counter() - t0
        lines = (
            args.stores
            * args.days
            * (max(1, args.lines_per_day // LINES_PER_SALE) * LINES_PER_SALE)
        )
        with connection():
            _user, code = accounts.create_user("bench@example.com", "owner")
        client = TestClient(app, base_url="http://127.0.0.1")
        page = client.get(f"/app/setup/{code}")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        client.post(
            f"/app/setup/{code}",
            data={
                "password": "benchmark password",
                "password2": "benchmark password",
                "csrf_token": token,
            },
        )
        figures = {}
        for name, path, floor in (
            ("dashboard", "/app/stores/{store}/dashboard", "dashboard"),
            ("monthly report", "/app/stores/{store}/dashboard?period=month", "month"),
            (
                "monthly journal export",
                "/app/stores/{store}/exports/journal.csv?date_from="
                + today.replace(day=1).isoformat()
                + "&date_to="
                + today.isoformat(),
                None,
            ),
        ):
            client.get(path.format(store=stores[0]))  # warm caches once
            page_ms = Stats.of(time_pages(client, path, stores))
            floor_ms = Stats.of(time_floor(floor, stores, today)) if floor else None
            figures[name] = (page_ms, floor_ms)
        kind = "SQLite" if args.sqlite else "PostgreSQL"
        print(
            f"\nBack office on {kind}: {args.stores} store(s) x {args.days} days, "
            f"{lines:,} sale lines (generated in {load_s:.0f} s); {RUNS} renders per store; "
            f"load avg {os.getloadavg()[0]:.2f}"
        )
        print(
            f"{'page':<26}{'p50 ms':>9}{'p99 ms':>9}{'SQL p50':>9}{'SQL p99':>9}{'ratio p50':>11}"
        )
        doc = {"machine": machine_info(), "params": vars(args), "lines": lines, "figures": {}}
        for name, (page_ms, floor_ms) in figures.items():
            if floor_ms:
                sql = f"{floor_ms.p50:>9.1f}{floor_ms.p99:>9.1f}"
                ratio = page_ms.p50 / floor_ms.p50
                print(f"{name:<26}{page_ms.p50:>9.1f}{page_ms.p99:>9.1f}{sql}{ratio:>11.2f}")
            else:
                print(f"{name:<26}{page_ms.p50:>9.1f}{page_ms.p99:>9.1f}{'':>9}{'':>9}{'':>11}")
            doc["figures"][name] = {
                "page_ms": asdict(page_ms),
                "bare_sql_ms": asdict(floor_ms) if floor_ms else None,
            }
        save_result("bench_backoffice_sqlite" if args.sqlite else "bench_backoffice", doc)
        client.close()
        from pos_cloud.db import close_database

        close_database(app.state.database)
    finally:
        if schema is not None:
            schema.drop()
        folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
