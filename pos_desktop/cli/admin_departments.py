"""``pos-admin departments add|list|remove`` and ``pos-admin unknown-barcodes``.

Departments let the till sell what has no barcode at a price the cashier enters (Ctrl+D at the
till); the unknown-barcode list shows what was scanned but is not in the catalogue yet.
"""

from __future__ import annotations

import sys
from argparse import ArgumentTypeError, Namespace

from pos_desktop.domain.department import Department, normalise_code
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.services.departments import DepartmentService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.ports import SystemClock

from .common import opened_db, require_store
from .errors import CommandError

PROG = "pos-admin"


def _amount(text: str) -> str:
    if not text.strip():
        raise ArgumentTypeError("an amount is needed, e.g. 4.20")
    return text


def add_subcommands(subparsers) -> None:
    departments = subparsers.add_parser(
        "departments",
        help="open-price departments (bakery, deli...) sold at the till with Ctrl+D",
        description="Departments sell items without a barcode at a price the cashier enters, "
        "within the department's limits.",
    )
    sub = departments.add_subparsers(dest="departments_command", metavar="ACTION")
    sub.required = True
    add = sub.add_parser("add", help="add or change a department")
    add.add_argument("code", metavar="CODE", help="short code, e.g. BAKERY")
    add.add_argument("name", metavar="NAME", help="what the receipt says, e.g. 'Bakery'")
    add.add_argument("--tax", required=True, metavar="CODE", help="tax rate code, e.g. A")
    add.add_argument("--min", type=_amount, default=None, metavar="AMOUNT", help="lowest price")
    add.add_argument("--max", type=_amount, default=None, metavar="AMOUNT", help="highest price")
    add.set_defaults(handler=run_add)
    sub.add_parser("list", help="the departments the till offers").set_defaults(handler=run_list)
    remove = sub.add_parser("remove", help="stop offering a department")
    remove.add_argument("code", metavar="CODE")
    remove.set_defaults(handler=run_remove)
    unknown = subparsers.add_parser(
        "unknown-barcodes",
        help="barcodes scanned at the till that no product has (create them)",
    )
    unknown.set_defaults(handler=run_unknown)


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 1


def run_add(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            currency = require_store(db, args.data_dir).currency

            def minor(text):
                return None if text is None else Money.parse(text, currency).amount_minor

            department = Department(
                normalise_code(args.code), args.name, args.tax, minor(args.min), minor(args.max)
            )
            DepartmentService(db, None, SystemClock()).save(department)
    except (CommandError, DomainError, ValueError) as err:
        return _fail(str(err))
    print(f"Department {department.code} ({department.name}) saved.")
    return 0


def run_list(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            settings = require_store(db, args.data_dir)
            departments = DepartmentService(db, None, SystemClock()).departments()
    except CommandError as err:
        return _fail(str(err))
    if not departments:
        print("No departments; add one with 'pos-admin departments add CODE NAME --tax A'.")
        return 0

    def limit(minor):
        return (
            "-" if minor is None else money_text(Money(minor, settings.currency), settings.locale)
        )

    for d in departments:
        print(f"{d.code:<12} {d.name:<24} tax {d.tax_code}  {limit(d.min_price_minor)} .. "
              f"{limit(d.max_price_minor)}")  # fmt: skip
    return 0


def run_remove(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            DepartmentService(db, None, SystemClock()).remove(args.code)
    except (CommandError, DomainError) as err:
        return _fail(str(err))
    print(f"Department {normalise_code(args.code)} is no longer offered at the till.")
    return 0


def run_unknown(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            rows = DepartmentService(db, None, SystemClock()).unknown_barcodes()
    except CommandError as err:
        return _fail(str(err))
    if not rows:
        print("Every scanned barcode is in the catalogue.")
        return 0
    print("barcode         scans  last seen            sold as")
    for row in rows:
        code = row.code[1:] if row.code.startswith("0") else row.code  # as on an EAN-13 label
        print(f"{code:<15} {row.times_scanned:>5}  {row.last_seen[:19]}  {row.sold_as or '-'}")
    return 0
