"""``pos-admin store show|set``: every store-wide setting by key, checked before it is saved.

The same keys as the till's Store settings screen. ``idle_lock`` lives in the till's
``config.toml`` (it is per till); everything else is in the database.
"""

from __future__ import annotations

import argparse
from argparse import Namespace
from dataclasses import replace

from pos_desktop.config import ConfigError, load_config, save_config
from pos_desktop.devices.printer import logo_problem
from pos_desktop.services.store_admin import (
    STORE_KEYS,
    StoreSettingError,
    load_state,
    set_values,
    shown_values,
)

from .common import no_database_message, opened_db
from .errors import CommandError, UsageError

IDLE_LOCK = "idle_lock"
IDLE_LOCK_HELP = "lock the screen after this many seconds untouched (30-86400; this till)"
IDLE_LOCK_RANGE = (30, 86_400)


def add_subcommands(sub, common, parser_class) -> None:
    """Add ``store show`` and ``store set KEY VALUE``."""
    keys = {**STORE_KEYS, IDLE_LOCK: IDLE_LOCK_HELP}
    key_help = "\n".join(f"  {key:20} {text}" for key, text in keys.items())
    p = sub.add_parser(
        "store",
        parents=common,
        help="show or change store-wide settings (address, tax id, receipts, tenders...)",
    )
    s_sub = p.add_subparsers(dest="store_command", metavar="ACTION", parser_class=parser_class)
    s_sub.required = True
    s_sub.add_parser("show", parents=common, help="every setting and its value").set_defaults(
        handler=run_store_show
    )
    set_p = s_sub.add_parser(
        "set",
        parents=common,
        help="change one setting (see 'store set --help' for the keys)",
        description=f"Change one store setting. Keys:\n{key_help}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    set_p.add_argument("key", metavar="KEY", choices=list(keys))
    set_p.add_argument("value", metavar="VALUE")
    set_p.set_defaults(handler=run_store_set)


def run_store_show(args: Namespace) -> int:
    with opened_db(args.data_dir) as db:
        state = load_state(db)
    if state is None:
        raise CommandError(no_database_message(args.data_dir))
    values = shown_values(state)
    try:
        values[IDLE_LOCK] = str(load_config(args.data_dir).lock_after_idle_s)
    except ConfigError as err:
        values[IDLE_LOCK] = f"(config.toml unreadable: {err})"
    for key, value in values.items():
        print(f"{key:20} {value}")
    return 0


def run_store_set(args: Namespace) -> int:
    if args.key == IDLE_LOCK:
        return _set_idle_lock(args)
    with opened_db(args.data_dir) as db:
        try:
            state = set_values(
                db, {args.key: args.value}, data_dir=args.data_dir, check_logo=logo_problem
            )
        except StoreSettingError as err:
            raise UsageError(str(err)) from None
    print(f"{args.key} = {shown_values(state)[args.key]}")
    return 0


def _set_idle_lock(args: Namespace) -> int:
    lo, hi = IDLE_LOCK_RANGE
    try:
        seconds = int(args.value)
    except ValueError:
        seconds = -1
    if not lo <= seconds <= hi:
        raise UsageError(f"idle_lock: write a number of seconds from {lo} to {hi}, e.g. 300.")
    config = load_config(args.data_dir)
    save_config(replace(config, lock_after_idle_s=seconds))
    print(f"{IDLE_LOCK} = {seconds} (this till's config.toml; applies at the next login)")
    return 0
