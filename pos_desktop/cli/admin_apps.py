"""``pos-admin apps add|list|revoke``: the apps allowed to use the till's POS API.

``admin.build_parser`` adds these with :func:`add_subcommands`. Handlers read
``args.data_dir`` and return the exit code: 0 done, 1 refused (one line on stderr).
"""

from __future__ import annotations

import sys
from argparse import Namespace

from pos_desktop.domain.errors import DomainError
from pos_desktop.services.ports import SystemClock
from pos_desktop.services.pos_api import PosApiService

from .common import opened_db, require_store
from .errors import CommandError

PROG = "pos-admin"


def add_subcommands(subparsers) -> None:
    """Add ``apps add|list|revoke`` to ``pos-admin``."""
    apps = subparsers.add_parser(
        "apps",
        help="apps allowed to ask this till for payments (POS API keys)",
        description="Register, list and revoke the apps that may use the till's POS API.",
    )
    sub = apps.add_subparsers(dest="apps_command", metavar="ACTION")
    sub.required = True
    add = sub.add_parser(
        "add",
        help="register an app; prints its id and API key (the key on the last line)",
        description="The key is shown once; the till keeps only its hash for logins (and the "
        "key itself to sign callbacks). Callbacks go only to URLs under the prefix.",
    )
    add.add_argument("name", metavar="NAME", help="how the cashier sees the app, e.g. 'Web shop'")
    add.add_argument(
        "--callback-url-prefix",
        required=True,
        metavar="URL",
        help="callbacks must start with this, e.g. https://shop.example.com/pos/",
    )
    add.set_defaults(handler=run_add)
    sub.add_parser("list", help="registered apps and whether they are active").set_defaults(
        handler=run_list
    )
    revoke = sub.add_parser("revoke", help="stop an app's key working at once")
    revoke.add_argument("app_id", metavar="APP_ID")
    revoke.set_defaults(handler=run_revoke)


def _service(db, data_dir) -> PosApiService:
    return PosApiService(db, require_store(db, data_dir), SystemClock())


def _fail(message: str) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return 1


def run_add(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            app = _service(db, args.data_dir).register_app(args.name, args.callback_url_prefix)
    except (CommandError, DomainError) as err:
        return _fail(str(err))
    print(f"app id: {app.app_id}")
    print(f"name: {app.name}")
    print(f"callback URL prefix: {app.callback_url_prefix}")
    print("API key (shown once; store it in the app now):")
    print(app.key)
    return 0


def run_list(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            apps = _service(db, args.data_dir).list_apps()
    except CommandError as err:
        return _fail(str(err))
    if not apps:
        print("No apps registered; add one with 'pos-admin apps add NAME --callback-url-prefix'.")
        return 0
    for app in apps:
        state = "active" if app.active else f"revoked {app.revoked_at[:19]}"
        print(f"{app.id}  {app.name}  {app.callback_url_prefix}  {state}")
    return 0


def run_revoke(args: Namespace) -> int:
    try:
        with opened_db(args.data_dir) as db:
            done = _service(db, args.data_dir).revoke_app(args.app_id)
    except CommandError as err:
        return _fail(str(err))
    if not done:
        return _fail(f"No active app {args.app_id}; see 'pos-admin apps list' for the ids.")
    print(f"Revoked {args.app_id}: its key no longer works and no more callbacks are sent.")
    return 0
