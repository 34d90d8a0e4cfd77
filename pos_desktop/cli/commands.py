"""``pos-admin sales list``, ``demo-sales``, ``journal verify`` and ``db migrate|version``."""

from __future__ import annotations

import re
import time
from argparse import Namespace

from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_sales import (
    DemoSalesError,
    ensure_demo_sales_data,
    ensure_demo_shift,
    record_demo_sales,
    sellable_codes,
)
from pos_desktop.services.formatting import local_time_text, money_text
from pos_desktop.services.ports import NoPrinter
from pos_desktop.services.reports import verify_journal
from pos_desktop.storage import journal
from pos_desktop.storage.codec import parse_utc
from pos_desktop.storage.migrations import current_version, latest_version, migrate
from pos_desktop.storage.sales_repo import SalesRepository

from .admin_security import audit_problems
from .common import opened_db, require_store
from .errors import CommandError, UsageError
from .progress import ProgressBar

_HEAD = re.compile(r"^([0-9]+):([0-9a-f]{64})$")


def run_sales_list(args: Namespace) -> int:
    with opened_db(args.data_dir) as db:
        settings = require_store(db, args.data_dir)
        sales = SalesRepository(db).recent(args.limit)
    if not sales:
        print("No sales yet.")
        return 0
    rows = [
        (
            str(s.receipt_number),
            local_time_text(parse_utc(s.completed_at)),
            money_text(Money(s.total_minor, s.currency), settings.locale, symbol=True),
            s.tenders or "-",
            str(s.line_count),
        )
        for s in sales
    ]
    header = ("Receipt", "Time", "Total", "Tenders", "Lines")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {0, 2, 4}  # numbers line up on the right
    for row in [header, *rows]:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        print("  ".join(cells).rstrip())
    return 0


def run_demo_sales(args: Namespace) -> int:
    with opened_db(args.data_dir, create=True) as db:
        if ensure_demo_sales_data(db):
            print("The catalogue was empty: wrote a 500-product demo catalogue first.")
        codes = sellable_codes(db, seed=args.seed)
    # The same wiring as the sales screen, without a printer: receipts are not printed.
    container = build_container(TillConfig(data_dir=args.data_dir), Overrides(printer=NoPrinter()))
    if ensure_demo_shift(container.checkout, container.shifts):
        shift = container.shifts.current()
        print(f"No shift was open: opened shift {shift.number} (float 100) for the demo sales.")
    if container.checkout.cashier is None:
        container.checkout.cashier = "demo-sales"
    bar = ProgressBar("Recording sales", args.sales)
    started = time.perf_counter()
    try:
        report = record_demo_sales(
            container.checkout, codes, args.sales, seed=args.seed, progress=bar.update
        )
    except DemoSalesError as err:
        raise CommandError(str(err)) from None
    finally:
        bar.finish()
        container.close()
    elapsed = time.perf_counter() - started
    revenue = money_text(report.revenue, container.settings.locale, symbol=True)
    print(
        f"Recorded {report.sales:,} sales (receipts {report.first_receipt}-"
        f"{report.last_receipt}, {report.lines:,} lines, {revenue}) in {elapsed:.1f} s."
    )
    return 0


def _expected_head(text: str | None) -> journal.ChainHead | None:
    if text is None:
        return None
    match = _HEAD.match(text.strip().lower())
    if not match:
        raise UsageError(
            f"--head '{text}' must be SEQ:HASH, a record number and its 64-hex-digit hash."
        )
    return journal.ChainHead(int(match[1]), match[2])


def run_journal_verify(args: Namespace) -> int:
    """Walk the chain; ``--head`` and ``--against-z`` (Z reports' heads) also catch truncation."""
    head = _expected_head(getattr(args, "head", None))
    with opened_db(args.data_dir, migrate=False) as db:
        if current_version(db) < 1:
            raise CommandError(f"The database in {args.data_dir} has no journal yet.")
        result = verify_journal(db, against_z=getattr(args, "against_z", False))
        if head is not None:
            extra = journal.verify(db, head).problems
            result.problems.extend(p for p in extra if p not in result.problems)
        audit_checked, audit_problems_, _head = audit_problems(db)
    broken = 0
    if result.ok:
        print(f"journal OK: {result.checked} records")
    else:
        broken = 1
        print(f"journal BROKEN: {len(result.problems)} problem(s) in {result.checked} records")
        for problem in result.problems:
            print(f"  {problem}")
    if not audit_problems_:
        print(f"audit log OK: {audit_checked} entries")
    else:
        broken = 1
        print(f"audit log BROKEN: {len(audit_problems_)} problem(s) in {audit_checked} entries")
        for problem in audit_problems_:
            print(f"  {problem}")
    return broken


def run_db_version(args: Namespace) -> int:
    with opened_db(args.data_dir, migrate=False) as db:
        version = current_version(db)
    latest = latest_version()
    print(f"schema version {version} (this program knows up to {latest})")
    if version < latest:
        print(f"{latest - version} migration(s) pending: run 'pos-admin db migrate'.")
    elif version > latest:
        print("The database is newer than this program: install the newer version of the till.")
    return 0


def run_db_migrate(args: Namespace) -> int:
    with opened_db(args.data_dir, migrate=False) as db:
        before = current_version(db)
        after = migrate(db)
    if after == before:
        print(f"Already at schema version {after}; nothing to do.")
    else:
        print(f"Upgraded the database from schema version {before} to {after}.")
    return 0
