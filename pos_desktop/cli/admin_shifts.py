"""``pos-admin shift open|close|status``: a till's shift from scripts and support sessions.

Every sale, refund and drawer opening needs an open shift; these commands open one with a float,
close it with the counted cash (the Z report is written as at the till) and show where it stands.
Amounts are whole minor units (``--float 10000`` is 100.00 EUR). By default the command acts as
``pos-admin`` (whoever runs it owns the data dir, as for ``users add``); ``--user NAME --pin PIN``
records a till user instead, after checking the PIN.
"""

from __future__ import annotations

import sys
from argparse import Namespace

from pos_desktop.domain.cash import CashCount
from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Role, StaffMember
from pos_desktop.services.auth import ApprovalRequired, AuthService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.ports import SystemClock
from pos_desktop.services.shifts import RecountRequired, ShiftService, ShiftSettings

from .common import opened_db, require_store
from .errors import CommandError

CLI_USER = "pos-admin"


def add_subcommands(subparsers, common) -> None:
    """Add ``shift open|close|status`` to ``pos-admin``."""
    shift = subparsers.add_parser("shift", parents=common, help="open, close or show the shift")
    s_sub = shift.add_subparsers(dest="shift_command", metavar="ACTION")
    s_sub.required = True
    opener = s_sub.add_parser("open", parents=common, help="open a shift with a float")
    opener.add_argument("--float", dest="float_minor", type=_minor, required=True, metavar="MINOR")
    _who(opener)
    opener.set_defaults(handler=run_shift_open)
    closer = s_sub.add_parser(
        "close", parents=common, help="close the shift with the counted cash (writes the Z)"
    )
    closer.add_argument("--counted", type=_minor, required=True, metavar="MINOR")
    _who(closer)
    closer.add_argument("--approver", metavar="NAME", help="a manager approving a variance")
    closer.add_argument("--approver-pin", metavar="PIN", help="their PIN ('-' reads stdin)")
    closer.add_argument("--reason", metavar="CODE", help="reason code for a variance")
    closer.set_defaults(handler=run_shift_close)
    s_sub.add_parser(
        "status", parents=common, help="the open shift and its expected cash"
    ).set_defaults(handler=run_shift_status)


def _minor(text: str) -> int:
    if not text.strip().isdigit():
        import argparse

        raise argparse.ArgumentTypeError(
            f"'{text}' is not an amount in minor units (whole number, e.g. 10000 for 100.00)"
        )
    return int(text)


def _who(parser) -> None:
    parser.add_argument("--user", metavar="NAME", help=f"a till user (default: {CLI_USER})")
    parser.add_argument("--pin", metavar="PIN", help="the user's PIN ('-' reads it from stdin)")


def _secret(text: str | None) -> str | None:
    return sys.stdin.readline().strip() if text == "-" else text


def _service(db, data_dir) -> tuple[ShiftService, AuthService, str]:
    clock = SystemClock()
    settings = require_store(db, data_dir)
    auth = AuthService(db, clock, terminal_id=settings.terminal_id)  # the till's PIN count
    shifts = ShiftService(db, clock, auth, ShiftSettings(settings.terminal_id, settings.currency))
    return shifts, auth, settings.locale


def _member(auth: AuthService, args: Namespace) -> StaffMember:
    if args.user is None:
        if args.pin is not None:
            raise CommandError("--pin goes with --user NAME; leave both out to act as pos-admin.")
        return StaffMember(CLI_USER, CLI_USER, Role.ADMIN)
    pin = _secret(args.pin)
    if not pin:
        raise CommandError(f"Give {args.user}'s PIN with --pin PIN (or --pin - to read stdin).")
    return auth.login(args.user, pin)


def _money(minor: int, currency: str, locale: str) -> str:
    return money_text(Money(minor, currency), locale, symbol=True)


def run_shift_open(args: Namespace) -> int:
    with opened_db(args.data_dir) as db:
        shifts, auth, locale = _service(db, args.data_dir)
        current = shifts.current()
        if current is not None:
            raise CommandError(
                f"Shift {current.number} is already open on till {current.terminal_id} (since "
                f"{current.opened_at:%Y-%m-%d %H:%M} UTC, by {current.opened_by}); close it "
                "first with 'pos-admin shift close --counted MINOR'."
            )
        user = _member(auth, args)
        count = CashCount.from_total(
            shifts.settings.currency, args.float_minor, shifts.settings.denominations
        )
        if user.name == CLI_USER:  # the data dir's owner, not a till user: nothing to authorise
            shift = shifts.repo.open(shifts.settings.terminal_id, CLI_USER, count, _now())
        else:
            shift = shifts.open_shift(user, count)
        cur = shift.currency
        print(
            f"Shift {shift.number} open on till {shift.terminal_id} by {shift.opened_by}, "
            f"float {_money(args.float_minor, cur, locale)}."
        )
    return 0


def _now():
    return SystemClock().now()


def run_shift_close(args: Namespace) -> int:
    with opened_db(args.data_dir) as db:
        shifts, auth, locale = _service(db, args.data_dir)
        shift = shifts.current()
        if shift is None:
            raise CommandError(
                f"No shift is open on till {shifts.settings.terminal_id}; nothing to close."
            )
        user = _member(auth, args)
        counted = CashCount.from_total(shift.currency, args.counted, shifts.settings.denominations)
        try:
            z = shifts.close_shift(
                user,
                counted,
                approver_name=args.approver,
                approver_pin=_secret(args.approver_pin),
                reason=args.reason,
            )
        except RecountRequired as err:
            raise CommandError(
                f"{err} Run the command again with the new count (still blind)."
            ) from None
        except ApprovalRequired:
            raise CommandError(
                "The recount still differs from what the till expects by more than the "
                "threshold: a manager approves with --approver NAME --approver-pin PIN "
                "--reason CODE."
            ) from None
        cash = next(v for v in z.data["variances"] if v["tender"] == "cash")
        cur = shift.currency
        print(
            f"Shift {shift.number} closed: Z report {z.data['z_number']}. Cash expected "
            f"{_money(cash['expected_minor'], cur, locale)}, counted "
            f"{_money(cash['counted_minor'], cur, locale)} ({cash['outcome']} "
            f"{_money(cash['difference_minor'], cur, locale)})."
        )
    return 0


def run_shift_status(args: Namespace) -> int:
    with opened_db(args.data_dir) as db:
        shifts, _auth, locale = _service(db, args.data_dir)
        shift = shifts.current()
        if shift is None:
            print(
                f"No shift is open on till {shifts.settings.terminal_id}: the till sells nothing "
                "until one is opened ('pos-admin shift open --float MINOR' or at the till)."
            )
            return 0
        data = shifts.x_report().data
        cur = shift.currency
        print(
            f"Shift {shift.number} open on till {shift.terminal_id} since "
            f"{shift.opened_at:%Y-%m-%d %H:%M} UTC by {shift.opened_by}\n"
            f"  float {_money(data['float_minor'], cur, locale)}, sales {data['sales_count']} "
            f"({_money(data['gross_sales_minor'], cur, locale)}), "
            f"cash refunds {data['cash_refunds']['count']}\n"
            f"  expected cash in the drawer {_money(data['expected_cash_minor'], cur, locale)}"
        )
    return 0
