"""``pos-cloud``: run the API server and do the admin chores from a shell."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import peewee

from .db import DatabaseUrlError, database_proxy, default_database_url, init_database
from .errors import CloudError

EXIT_BAD_INPUT = 2


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
            "--database", default=None, help="sqlite:///path.db or postgresql://user@host/db"
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
    store = command("create-store", "Create a store and print its id.")
    store.add_argument("--name", required=True)
    store.add_argument("--currency", default="EUR")
    store.add_argument("--timezone", default="UTC")
    enroll = command("enroll-terminal", "Print a one-time enrollment code for a new till.")
    enroll.add_argument("--store", required=True)
    imp = command("import-products", "Import products from a CSV (all rows or none).")
    imp.add_argument("--store", required=True)
    imp.add_argument("file", type=Path)
    command("create-admin-token", "Print a new admin token (shown once).")
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
    command("migrate", "Bring the database schema up to date.")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    url = args.database or default_database_url()
    try:
        if args.command == "serve":
            return _serve(url, args.host, args.port, args.workers, args.access_log)
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
        count = csv_import.import_products(args.store, args.file)
        print(f"Imported {count} product(s) into store {args.store}.")
    elif args.command == "create-admin-token":
        print("Admin token (store it now; it is not shown again):")
        print(auth.create_admin_token("cli"))
    elif args.command in ("create-owner", "create-manager", "reset-password"):
        _account(args)
    elif args.command == "migrate":
        print("Schema is up to date.")


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


def _serve(url: str, host: str, port: int, workers: int = 1, access_log: bool = False) -> int:
    import os

    import uvicorn

    from .app import DATABASE_ENV, calm_garbage_collector, create_app
    from .server_protocol import NODELAY_HTTP

    if workers < 1:
        raise CloudError("--workers must be 1 or more.")
    # proxy_headers: behind a TLS-terminating proxy the client address comes from it.
    options = {"proxy_headers": True, "forwarded_allow_ips": "127.0.0.1", "access_log": access_log}
    options["http"] = NODELAY_HTTP
    if workers == 1:
        app = create_app(url)
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
    os.environ[DATABASE_ENV] = url  # the workers build their app from it
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
