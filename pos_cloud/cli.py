"""``pos-cloud``: run the API server and do the admin chores from a shell."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import peewee

from . import cli_stock
from .db import DatabaseUrlError, database_proxy, default_database_url, init_database
from .errors import CloudError

EXIT_BAD_INPUT = 2
# The database URL may hold a password: from the environment it stays out of shell history.
DATABASE_ENV = "POS_CLOUD_DATABASE"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line instead of usage + message
        print(f"pos-cloud: {message} (see pos-cloud --help)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for --help tests and docs)."""
    parser = _Parser(prog="pos-cloud", description="Countertop POS cloud server and admin.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument(
            "--database",
            default=None,
            help=f"sqlite:///path.db or postgresql://user@host/db (default: ${DATABASE_ENV}, "
            "then the user data dir); keep passwords in the variable or ~/.pgpass",
        )
        return cmd

    serve = command("serve", "Run the HTTP API (put a TLS-terminating proxy in front).")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (PostgreSQL only; about one per core)",
    )
    serve.add_argument(
        "--access-log", action="store_true", help="log every request (the TLS proxy usually does)"
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="IP",
        help="trust X-Forwarded-For/-Proto only from this proxy address (repeatable; "
        "default: none, the headers are ignored)",
    )
    serve.add_argument(
        "--public-docs",
        action="store_true",
        help="serve /docs, /redoc and /openapi.json to anyone (default: /openapi.json "
        "with an admin token only)",
    )
    store = command("create-store", "Create a store and print its id.")
    store.add_argument("--name", required=True)
    store.add_argument("--currency", default="EUR")
    store.add_argument("--timezone", default="UTC")
    enroll = command("enroll-terminal", "Print a one-time enrollment code for a new till.")
    enroll.add_argument("--store", required=True)
    imp = command("import-products", "Import products from a CSV (all rows or none).")
    imp.add_argument("--store", required=True)
    imp.add_argument("file", type=Path)
    command("create-admin-token", "Print a new global admin token (shown once).")
    tokens = command("admin-token", "Create, list or revoke admin tokens.")
    token_sub = tokens.add_subparsers(dest="action", required=True, parser_class=_Parser)
    create = token_sub.add_parser("create", help="print a new admin token (shown once)")
    create.add_argument("--label", default="", help="who or what uses it (for the listing)")
    create.add_argument("--store", default=None, help="limit the token to this store id")
    create.add_argument("--read-only", action="store_true", help="the token may only read")
    listing = token_sub.add_parser("list", help="list tokens: id, scope, label, created, revoked")
    revoke = token_sub.add_parser("revoke", help="revoke a token by its id (from list)")
    revoke.add_argument("id", type=int)
    for action in (create, listing, revoke):  # --database also after the action
        action.add_argument("--database", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    base_help = "the back office's public address, for the printed link"
    owner = command("create-owner", "Create a back-office owner; print a one-time setup link.")
    owner.add_argument("--email", required=True)
    owner.add_argument("--base-url", default="http://127.0.0.1:8080", help=base_help)
    manager = command("create-manager", "Create a store manager; print a one-time setup link.")
    manager.add_argument("--email", required=True)
    manager.add_argument("--store", required=True)
    manager.add_argument("--base-url", default="http://127.0.0.1:8080", help=base_help)
    reset = command("reset-password", "Print a new one-time setup link for an account.")
    reset.add_argument("--email", required=True)
    reset.add_argument("--base-url", default="http://127.0.0.1:8080", help=base_help)
    held = command("quarantine", "List events the cloud rejected (newest first).")
    held.add_argument("--store", required=True)
    held.add_argument("--terminal", default=None, help="only this terminal id")
    held.add_argument("--limit", type=int, default=100)
    command("migrate", "Bring the database schema up to date.")
    cli_stock.add_commands(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    url = args.database or os.environ.get(DATABASE_ENV) or default_database_url()
    if args.database and _has_password(args.database):
        print(
            f"pos-cloud: warning: a password on the command line lands in shell history and "
            f"the process list; set {DATABASE_ENV} or use ~/.pgpass instead.",
            file=sys.stderr,
        )
    try:
        if args.command == "serve":
            return _serve(url, args)
        database = init_database(url)
        try:
            with database.connection_context():
                from .migrations import migrate

                migrate(database)
                _run(args)
        finally:
            database.close()
    except (CloudError, DatabaseUrlError) as exc:
        print(f"pos-cloud: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except peewee.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"pos-cloud: cannot use database {url}: {first}", file=sys.stderr)
        return EXIT_BAD_INPUT
    return 0


def _run(args: argparse.Namespace) -> None:
    from . import auth, catalog, csv_import

    if args.command == "create-store":
        store = catalog.create_store(args.name, args.currency, args.timezone)
        print(f"Created store '{store.name}' ({store.currency}).")
        print(store.id)
    elif args.command == "enroll-terminal":
        code, expires = auth.create_enrollment_code(args.store)
        until = f"{expires:%Y-%m-%d %H:%M} UTC"
        print(f"One-time enrollment code for store {args.store}, valid until {until}:")
        print(code)
    elif args.command == "import-products":
        result = csv_import.import_catalogue(args.store, args.file)
        print(f"{args.file}: {result.reading}")
        print(f"Imported {result.count} product(s) into store {args.store}.")
    elif args.command == "create-admin-token":
        print("Admin token (store it now; it is not shown again):")
        print(auth.create_admin_token("cli"))
    elif args.command in ("create-owner", "create-manager", "reset-password"):
        _account(args)
    elif args.command == "admin-token":
        _admin_token(args)
    elif args.command == "quarantine":
        _quarantine(args)
    elif args.command == "migrate":
        print("Schema is up to date.")
    else:
        cli_stock.run(args)


def _has_password(url: str) -> bool:
    from urllib.parse import urlsplit

    try:
        return bool(urlsplit(url).password)
    except ValueError:
        return False


def _account(args: argparse.Namespace) -> None:
    from .web import accounts

    if args.command == "reset-password":
        code = accounts.reset_password(args.email)
        who = args.email
    else:
        role = "owner" if args.command == "create-owner" else "manager"
        user, code = accounts.create_user(args.email, role, getattr(args, "store", None))
        who = f"{role} {user.email}"
    hours = int(accounts.SETUP_TTL.total_seconds() // 3600)
    print(f"One-time setup link for {who} (valid {hours} h; the password is set on the web):")
    print(f"{args.base_url.rstrip('/')}/app/setup/{code}")
    print(f"Setup code: {code}")


def _admin_token(args: argparse.Namespace) -> None:
    from . import admin_tokens

    if args.action == "create":
        token_id, token = admin_tokens.create(args.label, args.store, args.read_only)
        scope = f"store {args.store}" if args.store else "every store"
        mode = "read-only" if args.read_only else "read-write"
        print(f"Admin token {token_id} ({scope}, {mode}); store it now, it is not shown again:")
        print(token)
    elif args.action == "list":
        rows = admin_tokens.listing()
        if not rows:
            print("No admin tokens.")
        for row in rows:
            scope = f"store {row['store_id']}" if row["store_id"] else "all stores"
            mode = "read-only" if row["read_only"] else "read-write"
            state = f"revoked {row['revoked_at']:%Y-%m-%d %H:%M}" if row["revoked"] else "live"
            if row["revoked"] and row["revoked_at"] is None:
                state = "revoked"
            created = f"{row['created_at']:%Y-%m-%d %H:%M}"
            print(f"{row['id']}\t{state}\t{scope}\t{mode}\tcreated {created}\t{row['label']}")
    else:
        admin_tokens.revoke(args.id)
        print(f"Admin token {args.id} revoked; it is refused from now on.")


def _quarantine(args: argparse.Namespace) -> None:
    from . import quarantine

    rows = quarantine.listing(args.store, args.terminal, args.limit)
    if not rows:
        print("No quarantined events.")
    for row in rows:
        seq = row["seq"] if row["seq"] is not None else "-"
        print(
            f"{row['received_at']:%Y-%m-%d %H:%M:%S}\tterminal {row['terminal_id']}\t"
            f"seq {seq}\tevent {row['event_id'] or '-'}\t{row['reason']}"
        )


def uvicorn_options(args: argparse.Namespace) -> dict:
    """uvicorn settings for ``serve``: forwarded headers only from the configured proxies."""
    from .server_protocol import NODELAY_HTTP

    options: dict = {"access_log": args.access_log, "http": NODELAY_HTTP}
    # X-Forwarded-For/-Proto are believed only from the proxies named; without one they are
    # ignored (uvicorn's default trusted 127.0.0.1: any local process could claim any client).
    if args.trusted_proxy:
        options["proxy_headers"] = True
        options["forwarded_allow_ips"] = ",".join(args.trusted_proxy)
    else:
        options["proxy_headers"] = False
    return options


def _serve(url: str, args: argparse.Namespace) -> int:
    import uvicorn

    from .app import DATABASE_ENV as APP_DATABASE_ENV
    from .app import DOCS_ENV, calm_garbage_collector, create_app

    host, port, workers = args.host, args.port, args.workers
    if workers < 1:
        raise CloudError("--workers must be 1 or more.")
    options = uvicorn_options(args)
    if workers == 1:
        app = create_app(url, public_docs=args.public_docs)
        calm_garbage_collector()
        uvicorn.run(app, host=host, port=port, **options)
        return 0
    if not url.startswith(("postgres://", "postgresql://")):
        raise CloudError("--workers above 1 needs PostgreSQL: SQLite allows one writing process.")
    database = init_database(url)
    with database.connection_context():  # migrate once here, not racing in every worker
        from .migrations import migrate

        migrate(database)
    database.close()
    os.environ[APP_DATABASE_ENV] = url  # the workers build their app from it
    os.environ[DOCS_ENV] = "1" if args.public_docs else ""
    uvicorn.run(
        "pos_cloud.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        **options,
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["main", "build_parser", "database_proxy"]
