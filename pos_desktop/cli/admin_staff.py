"""``pos-admin users|report|journal verify``: staff, X/Z reports and journal checks.

``admin.build_parser`` adds these with :func:`add_subcommands`. Every handler is
``args.handler(args) -> int`` and reads ``args.data_dir``. ``report --pdf`` renders with
``services.report_pdf`` (ReportLab), the same code the till's report viewer uses.
"""

from __future__ import annotations

import sys
from argparse import Namespace
from pathlib import Path

from peewee import SqliteDatabase

from pos_desktop.domain.staff import Role
from pos_desktop.paths import database_path
from pos_desktop.services.auth import AuthService
from pos_desktop.services.ports import SystemClock
from pos_desktop.services.report_pdf import write_report_pdf
from pos_desktop.services.reports import ReportPrinter, ShiftReport
from pos_desktop.services.shifts import ShiftService, ShiftSettings
from pos_desktop.storage.db import open_database
from pos_desktop.storage.report_repo import ReportRepository
from pos_desktop.storage.safekeeping import ensure_sound
from pos_desktop.storage.settings_repo import load_settings

from .errors import CommandError

RECOMMENDED_PIN_DIGITS = 6  # the domain accepts 4-8; 6+ resists an offline attack far longer


def add_subcommands(subparsers, *, include_journal: bool = True) -> None:
    """Add ``users``, ``report`` and (optionally) ``journal verify`` to ``pos-admin``."""
    users = subparsers.add_parser("users", help="till users, roles and PINs")
    u_sub = users.add_subparsers(dest="users_command", metavar="ACTION")
    u_sub.required = True
    add = u_sub.add_parser("add", help="add a user with a role and a PIN")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument(
        "--pin", required=True, help="4-8 digits, 6+ recommended ('-' reads it from stdin)"
    )
    add.set_defaults(handler=run_users_add)
    u_sub.add_parser("list", help="every user, role and state").set_defaults(handler=run_users_list)
    disable = u_sub.add_parser("disable", help="stop a user from logging in")
    disable.add_argument("name")
    disable.set_defaults(handler=run_users_disable)
    reset = u_sub.add_parser("reset-pin", help="set a new PIN (also lifts a lockout)")
    reset.add_argument("name")
    reset.add_argument(
        "--pin", required=True, help="4-8 digits, 6+ recommended ('-' reads it from stdin)"
    )
    reset.set_defaults(handler=run_users_reset_pin)

    report = subparsers.add_parser("report", help="print an X or Z report, or save it as PDF")
    report.add_argument("kind", choices=["x", "z"])
    report.add_argument("--shift", metavar="ID", help="default: the open shift (x), last Z (z)")
    report.add_argument("--pdf", type=Path, metavar="FILE", help="also write a PDF with a chart")
    report.set_defaults(handler=run_report)

    if include_journal:
        journal = subparsers.add_parser("journal", help="check the hash-chained sales journal")
        j_sub = journal.add_subparsers(dest="journal_command", metavar="ACTION")
        j_sub.required = True
        verify = j_sub.add_parser("verify", help="walk the chain and report every break")
        add_journal_verify_options(verify)


def add_journal_verify_options(verify) -> None:
    verify.add_argument(
        "--against-z",
        action="store_true",
        help="also check against the chain heads kept in Z reports",
    )
    verify.set_defaults(handler=run_journal_verify)


def _open(args: Namespace) -> SqliteDatabase:
    path = database_path(Path(args.data_dir))
    if not path.exists():
        raise CommandError(f"No till database in {args.data_dir}; run 'pos-admin init' first.")
    ensure_sound(path)  # every page (PRAGMA quick_check)
    return open_database(path, check=True)


def _pin(text: str) -> str:
    pin = sys.stdin.readline().strip() if text == "-" else text
    warn_short_pin(pin)
    return pin


def warn_short_pin(pin: str) -> None:
    """A 4-5 digit PIN is accepted but discouraged: say why on stderr."""
    if pin.isdigit() and 4 <= len(pin) < RECOMMENDED_PIN_DIGITS:
        print(
            f"warning: a {len(pin)}-digit PIN can be guessed offline in minutes from a copy of "
            f"the till's data; use {RECOMMENDED_PIN_DIGITS} digits or more (docs/SECURITY.md).",
            file=sys.stderr,
        )


def run_users_add(args: Namespace) -> int:
    db = _open(args)
    try:
        member = AuthService(db, SystemClock()).add_user(
            args.name, args.role, _pin(args.pin), by="pos-admin"
        )
    finally:
        db.close()
    print(f"added {member.name} ({member.role.value})")
    return 0


def run_users_list(args: Namespace) -> int:
    db = _open(args)
    try:
        users = AuthService(db, SystemClock()).list_users()
    finally:
        db.close()
    if not users:
        print("no users yet; add one with 'pos-admin users add NAME --role admin --pin PIN'")
    for m in users:
        state = "active" if m.active else "disabled"
        if m.locked_until:
            state += f", locked until {m.locked_until.isoformat(timespec='minutes')}"
        print(f"{m.name:<24} {m.role.value:<11} {state}")
    return 0


def run_users_disable(args: Namespace) -> int:
    db = _open(args)
    try:
        AuthService(db, SystemClock()).set_active(args.name, False, by="pos-admin")
    finally:
        db.close()
    print(f"disabled {args.name}")
    return 0


def run_users_reset_pin(args: Namespace) -> int:
    db = _open(args)
    try:
        AuthService(db, SystemClock()).reset_pin(args.name, _pin(args.pin), by="pos-admin")
    finally:
        db.close()
    print(f"new PIN set for {args.name}")
    return 0


def _report(db: SqliteDatabase, kind: str, shift_id: str | None) -> ShiftReport:
    settings = load_settings(db)
    if settings is None:
        raise CommandError("No store is set up; run 'pos-admin init' first.")
    if kind == "z":
        repo = ReportRepository(db)
        found = repo.z_reports("WHERE shift_id = ?", (shift_id,)) if shift_id else repo.z_reports()
        if not found:
            raise CommandError(
                "No Z report found"
                + (f" for shift {shift_id}" if shift_id else "")
                + "; a Z is made when a shift is closed."
            )
        return ShiftReport(found[-1].body)
    clock = SystemClock()
    shifts = ShiftService(
        db, clock, AuthService(db, clock), ShiftSettings(settings.terminal_id, settings.currency)
    )
    return shifts.x_report(shift_id)


def run_report(args: Namespace) -> int:
    db = _open(args)
    try:
        report = _report(db, args.kind, args.shift)
        settings = load_settings(db)
    finally:
        db.close()
    locale = settings.locale if settings else "en_GB"
    store = (settings.name, settings.address) if settings else ("", "")
    zone = settings.timezone if settings else ""  # for a Z made before reports carried it
    job = ReportPrinter(locale, 48).job(report, store[0], zone)
    for block in job.blocks:
        if hasattr(block, "text"):
            print(block.text)
    if args.pdf:
        try:
            write_report_pdf(
                report.data,
                args.pdf,
                locale,
                store_name=store[0],
                store_address=store[1],
                store_timezone=zone,
            )
        except OSError as err:
            raise CommandError(f"Could not write the PDF {args.pdf}: {err}") from err
        print(f"PDF written to {args.pdf}")
    return 0


def run_journal_verify(args: Namespace) -> int:
    """One implementation for every parser that offers ``journal verify``."""
    from . import commands

    return commands.run_journal_verify(args)
