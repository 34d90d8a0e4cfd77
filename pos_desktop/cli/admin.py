"""``pos-admin``: set up and maintain a till's data dir from the command line.

Exit codes: 0 done, 1 the command failed (bad rows, broken journal, database problem),
2 bad input (unknown option, bad value). Errors are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

from peewee import PeeweeException

from pos_desktop.domain.countries import LANGUAGES, PRESETS
from pos_desktop.domain.errors import DomainError
from pos_desktop.paths import default_data_dir

from . import (
    admin_apps,
    admin_departments,
    admin_labels,
    admin_policy,
    admin_security,
    admin_shifts,
    admin_staff,
    admin_store,
    admin_sync,
    commands,
    commands_store,
)
from .errors import CommandError, UsageError

PROG = "pos-admin"
MAX_PRODUCTS = 1_000_000
MAX_SALES = 1_000_000


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line naming the fix instead of usage + error."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def _count(lo: int, hi: int):
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"{value:,} is outside {lo:,}..{hi:,}")
        return value

    return parse


def _common() -> argparse.ArgumentParser:
    # Lets --data-dir also follow the subcommand; SUPPRESS keeps the global value otherwise.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return common


def build_parser() -> argparse.ArgumentParser:
    """The full ``pos-admin`` argument parser (exposed for docs and tests)."""
    parser = _Parser(prog=PROG, description="Set up and maintain the till's data dir.")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"the till's data dir (default: {default_data_dir()})",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    common = [_common()]
    _add_init(sub, common)
    admin_store.add_subcommands(sub, common, _Parser)
    _add_demo_catalog(sub, common)
    _add_import(sub, common)
    _add_sales(sub, common)
    _add_demo_sales(sub, common)
    _add_journal(sub, common)
    _add_db(sub, common)
    admin_staff.add_subcommands(sub, include_journal=False)
    admin_policy.add_subcommands(sub)
    admin_shifts.add_subcommands(sub, common)
    admin_sync.add_subcommands(sub)
    admin_apps.add_subcommands(sub)
    admin_security.add_subcommands(sub)
    admin_departments.add_subcommands(sub)
    admin_labels.add_subcommands(sub)
    return parser


def _add_init(sub, common) -> None:
    p = sub.add_parser(
        "init",
        parents=common,
        help="create or update the store (name, currency, taxes, terminal)",
        description="Create the store in the data dir, or update it. A store that has sales "
        "is only re-initialised with --force. Options left out keep their current value.",
    )
    p.add_argument("--store-name", required=True, metavar="NAME")
    p.add_argument(
        "--country",
        metavar="CODE",
        help=f"start from the presets of {', '.join(PRESETS)}: currency, tax rates, whether "
        "prices include tax, cash rounding (options given as well win)",
    )
    p.add_argument("--address", help="printed under the name; \\n starts a new line")
    p.add_argument("--tax-id", metavar="ID", help="VAT number / tax id printed on receipts")
    p.add_argument("--receipt-header", metavar="TEXT", help="extra lines under the address")
    p.add_argument("--receipt-footer", metavar="TEXT", help="lines at the end of the receipt")
    p.add_argument("--language", choices=sorted(LANGUAGES), help="the till's language (en)")
    p.add_argument("--currency", metavar="CODE", help="ISO 4217 code such as EUR (new store: EUR)")
    tax = p.add_mutually_exclusive_group()
    tax.add_argument(
        "--prices-include-tax",
        dest="prices_include_tax",
        action="store_const",
        const=True,
        help="shelf prices include tax (default for a new store)",
    )
    tax.add_argument(
        "--prices-exclude-tax", dest="prices_include_tax", action="store_const", const=False
    )
    p.add_argument("--terminal-id", metavar="ID", help="this till's id, e.g. T01 (default T01)")
    p.add_argument("--locale", help="locale for amounts and dates, e.g. en_GB (default en_GB)")
    p.add_argument(
        "--tax-rate",
        dest="tax_rates",
        action="extend",
        nargs="+",
        default=[],
        metavar="CODE:NAME:PERCENT",
        help="a tax rate such as A:Standard:20 or B:Reduced:5.5 (repeatable)",
    )
    p.add_argument(
        "--admin-name",
        metavar="NAME",
        help="create the first administrator (with --admin-pin); more users: 'users add'",
    )
    p.add_argument(
        "--admin-pin",
        metavar="PIN",
        help="4-8 digits, 6+ recommended; '-' reads it from stdin (kept out of the shell history)",
    )
    p.add_argument("--force", action="store_true", help="re-initialise a store that has sales")
    p.set_defaults(handler=commands_store.run_init)


def _add_demo_catalog(sub, common) -> None:
    p = sub.add_parser(
        "demo-catalog",
        parents=common,
        help="write a demo catalogue (creates the demo store when there is none)",
        description="Write N demo products with valid, unique EAN-13 barcodes.",
    )
    p.add_argument(
        "--products", type=_count(1, MAX_PRODUCTS), required=True, metavar="N", help="1..1,000,000"
    )
    p.set_defaults(handler=commands_store.run_demo_catalog)


def _add_import(sub, common) -> None:
    p = sub.add_parser(
        "import-products",
        parents=common,
        help="import products from a CSV file",
        description="Columns: sku,name,price,tax_code,barcodes[,active][,sold_by_weight]; "
        "see docs/ADMIN.md. Every bad row is reported with its line number.",
    )
    p.add_argument("file", type=Path, metavar="FILE.csv")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--all-or-nothing",
        dest="mode",
        action="store_const",
        const="all-or-nothing",
        help="write nothing when any row is bad (default)",
    )
    mode.add_argument(
        "--skip-bad-rows",
        dest="mode",
        action="store_const",
        const="skip-bad-rows",
        help="write the good rows (in one transaction) and list the bad ones",
    )
    p.add_argument("--dry-run", action="store_true", help="check the file, write nothing")
    p.set_defaults(handler=commands_store.run_import, mode="all-or-nothing")


def _add_sales(sub, common) -> None:
    p = sub.add_parser("sales", parents=common, help="look at recorded sales")
    sales_sub = p.add_subparsers(dest="sales_command", metavar="ACTION", parser_class=_Parser)
    sales_sub.required = True
    lst = sales_sub.add_parser(
        "list", parents=common, help="the most recent sales", description="Newest sales first."
    )
    lst.add_argument("--limit", type=_count(1, 100_000), default=20, metavar="N")
    lst.set_defaults(handler=commands.run_sales_list)


def _add_demo_sales(sub, common) -> None:
    p = sub.add_parser(
        "demo-sales",
        parents=common,
        help="ring up realistic cash sales through the checkout service",
        description="Records N sales of 1-8 lines paid in cash. Creates the demo store and a "
        "500-product demo catalogue when the data dir has none. Nothing is printed.",
    )
    p.add_argument("--sales", type=_count(1, MAX_SALES), required=True, metavar="N")
    p.add_argument("--seed", type=int, default=None, help="repeatable baskets")
    p.set_defaults(handler=commands.run_demo_sales)


def _add_journal(sub, common) -> None:
    p = sub.add_parser("journal", parents=common, help="check the hash-chained sales journal")
    j_sub = p.add_subparsers(dest="journal_command", metavar="ACTION", parser_class=_Parser)
    j_sub.required = True
    verify = j_sub.add_parser(
        "verify",
        parents=common,
        help="walk the chain and report every break",
        description="Exit 0 when the journal is intact, 1 when any record was edited, "
        "deleted, reordered or (with --head) removed from the end.",
    )
    verify.add_argument(
        "--head",
        metavar="SEQ:HASH",
        help="a chain head recorded earlier (Z report, cloud) to detect truncation",
    )
    admin_staff.add_journal_verify_options(verify)  # --against-z and the one verify handler


def _add_db(sub, common) -> None:
    p = sub.add_parser("db", parents=common, help="database schema version and upgrades")
    db_sub = p.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    db_sub.required = True
    db_sub.add_parser(
        "migrate", parents=common, help="apply pending schema migrations"
    ).set_defaults(handler=commands.run_db_migrate)
    db_sub.add_parser(
        "version", parents=common, help="show the schema version (changes nothing)"
    ).set_defaults(handler=commands.run_db_version)


def hoist_data_dir(argv: list[str]) -> list[str]:
    """Move ``--data-dir DIR`` (or ``--data-dir=DIR``) to the front, so it works before or
    after any subcommand, however deeply nested."""
    end = argv.index("--") if "--" in argv else len(argv)
    for i, arg in enumerate(argv[:end]):
        if arg == "--data-dir" and i + 1 < end:
            return [arg, argv[i + 1], *argv[:i], *argv[i + 2 :]]
        if arg.startswith("--data-dir="):
            return [arg, *argv[:i], *argv[i + 1 :]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pos-admin`` with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    argv = hoist_data_dir(list(sys.argv[1:] if argv is None else argv))
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        if args.data_dir is None:
            args.data_dir = default_data_dir()
        return args.handler(args)
    except SystemExit as done:  # --help and friends
        return done.code if isinstance(done.code, int) else 0
    except UsageError as err:
        text = str(err)
        print(text if text.startswith(PROG) else f"{PROG}: {text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; the unfinished batch was not saved.", file=sys.stderr)
        return 130
    except (
        CommandError,
        DomainError,
        PeeweeException,
        sqlite3.Error,
        OSError,
        RuntimeError,
        ValueError,
    ) as err:
        if debug:
            raise
        print(f"{PROG}: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
