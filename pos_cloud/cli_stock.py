"""``pos-cloud purchase-order create|list|close`` and ``pos-cloud stock`` (see cli.py)."""

from __future__ import annotations

import argparse
import datetime as dt

from .errors import BadInput


def add_commands(command) -> None:
    """Add the stock commands; ``command(name, help)`` makes a subcommand with --database."""
    order = command("purchase-order", "Create, list or close purchase orders of a store.")
    order.add_argument("action", choices=("create", "list", "close"))
    order.add_argument("--store", required=True)
    order.add_argument("--supplier", default="", help="create: the supplier's name")
    order.add_argument("--expected", default=None, help="create: delivery date YYYY-MM-DD")
    order.add_argument(
        "--line",
        action="append",
        default=[],
        metavar="SKU:QTY[@COST]",
        help="create: a line, e.g. SKU0000001:24@85 (cost per unit in minor units); repeat",
    )
    order.add_argument("--status", choices=("open", "received", "closed"), default=None)
    order.add_argument("--id", default=None, help="close: the order's id (from list)")
    stock = command("stock", "Print on hand per product of a store (the stock ledger).")
    stock.add_argument("--store", required=True)
    again = command("restock", "Print the restock suggestions of a store, low products first.")
    again.add_argument("--store", required=True)
    again.add_argument(
        "--lead-time",
        type=int,
        default=3,
        help="days from order to delivery for products not last ordered from a supplier record",
    )
    again.add_argument(
        "--alert", action="store_true", help="also offer stock.low for newly low products"
    )


def _line(text: str):
    from .purchase_orders import OrderLine, parse_quantity

    sku, sep, rest = text.partition(":")
    if not sep or not sku.strip():
        raise BadInput(f"--line '{text}': write SKU:QUANTITY or SKU:QUANTITY@COST_MINOR.")
    quantity, at, cost = rest.partition("@")
    if at and not cost.strip().isdigit():
        raise BadInput(f"--line '{text}': the cost after @ is an amount in minor units (85).")
    return OrderLine(
        sku.strip(), parse_quantity(quantity, f"--line '{text}'"), int(cost) if at else None
    )


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"--expected '{text}' is not a date; write YYYY-MM-DD.") from None


def run(args: argparse.Namespace) -> bool:
    """Run a stock command; False when ``args`` is another command."""
    from . import purchase_orders, stock_ledger
    from .catalog import get_store

    if args.command == "stock":
        get_store(args.store)
        for row in stock_ledger.levels(args.store):
            print(f"{row['sku']}\t{row['quantity']}")
        return True
    if args.command == "restock":
        return _restock(args)
    if args.command != "purchase-order":
        return False
    get_store(args.store)
    if args.action == "create":
        order = purchase_orders.create(
            args.store, args.supplier, _date(args.expected), [_line(t) for t in args.line]
        )
        print(f"Purchase order {order['number']} for {order['supplier']}: "
              f"{len(order['lines'])} line(s).")  # fmt: skip
        print(order["id"])
    elif args.action == "close":
        if not args.id:
            raise BadInput("close needs --id (see 'pos-cloud purchase-order list').")
        order = purchase_orders.close(args.store, args.id)
        print(f"Purchase order {order['number']} is {order['status']}.")
    else:
        for order in purchase_orders.listing(args.store, args.status):
            due = order["expected_date"] or "-"
            left = sum(1 for ln in order["lines"] if not ln["closed"])
            print(f"PO {order['number']}\t{order['status']}\t{order['supplier']}\texpected "
                  f"{due}\t{left} line(s) outstanding\t{order['id']}")  # fmt: skip
    return True


def _restock(args: argparse.Namespace) -> bool:
    from . import restock
    from .catalog import get_store

    get_store(args.store)
    if not 1 <= args.lead_time <= 120:
        raise BadInput("--lead-time is a number of days from 1 to 120.")
    if args.alert:
        fresh = restock.check_alerts(args.store, args.lead_time)
        print(f"{len(fresh)} product(s) newly low; stock.low offered to the webhooks.")
    for row in restock.suggestions(args.store, args.lead_time):
        flag = "LOW" if row["low"] else "ok"
        print(f"{flag}\t{row['sku']}\ton hand {row['on_hand']}\ton order {row['on_order']}\t"
              f"reorder at {row['reorder_point']}\torder {row['suggested_quantity']}")  # fmt: skip
    return True
