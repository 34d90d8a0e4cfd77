"""``pos-admin shelf-labels``: an A4 PDF of shelf labels (the till prints single labels on the
receipt printer from its price check, Ctrl+F)."""

from __future__ import annotations

import sys
from argparse import ArgumentTypeError, Namespace
from datetime import date
from pathlib import Path

from pos_desktop.domain.errors import DomainError
from pos_desktop.services.shelf_labels import ShelfLabelService

from .common import opened_db, require_store
from .errors import CommandError


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ArgumentTypeError(f"'{text}' is not a date; write it as 2026-12-01") from None


def add_subcommands(subparsers) -> None:
    labels = subparsers.add_parser(
        "shelf-labels",
        help="shelf labels as an A4 PDF (3 x 8 labels a page)",
        description="Name, price, price per kg/l and barcode for the chosen products.",
    )
    which = labels.add_mutually_exclusive_group(required=True)
    which.add_argument("--sku", action="append", metavar="SKU", help="this product (repeatable)")
    which.add_argument("--changed-since", type=_day, metavar="DATE", help="changed on or after")
    which.add_argument("--all", action="store_true", help="every active product")
    labels.add_argument("--pdf", type=Path, required=True, metavar="FILE", help="where to write")
    labels.set_defaults(handler=run_labels)


def run_labels(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            service = ShelfLabelService(db, require_store(db, args.data_dir))
            labels = service.labels(
                skus=args.sku, changed_since=args.changed_since, everything=args.all
            )
            if not labels:
                print("No product matches; no PDF written.")
                return 0
            service.write_pdf(labels, args.pdf)
    except (CommandError, DomainError, OSError) as err:
        print(f"pos-admin: {err}", file=sys.stderr)
        return 1
    print(f"{len(labels)} label(s) written to {args.pdf}.")
    return 0
