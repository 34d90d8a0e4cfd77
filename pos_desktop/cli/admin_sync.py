"""``pos-admin enroll`` and ``pos-admin sync status|now``: connect a till to the cloud.

``admin.build_parser`` adds these with :func:`add_subcommands`. Handlers read
``args.data_dir`` and return the exit code themselves: 0 done, 1 refused or failed (one line on
stderr), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import functools
import socket
import sys
from argparse import Namespace
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from peewee import SqliteDatabase

from pos_desktop.paths import database_path
from pos_desktop.storage import sync_repo
from pos_desktop.storage.db import open_database
from pos_desktop.storage.settings_repo import load_settings
from pos_desktop.sync.client import CloudClient, CloudError, CloudOffline, CloudRefused
from pos_desktop.sync.pull import FeedProblem, Puller
from pos_desktop.sync.push import Pusher

from .errors import CommandError, UsageError

PROG = "pos-admin"
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def add_subcommands(subparsers) -> None:
    """Add ``enroll`` and ``sync status|now`` to ``pos-admin``."""
    enroll = subparsers.add_parser(
        "enroll",
        help="connect this till to the cloud with a one-time code",
        description="Exchange the code from 'pos-cloud enroll-terminal' for this till's own "
        "credential, stored in the till database.",
    )
    enroll.add_argument("--cloud", required=True, metavar="URL", help="e.g. https://cloud.shop")
    enroll.add_argument("--code", required=True, metavar="CODE", help="e.g. ABCD-EFGH-JKMN")
    enroll.add_argument("--name", metavar="NAME", help="how the cloud lists this till")
    enroll.add_argument("--force", action="store_true", help="replace an existing enrolment")
    enroll.set_defaults(handler=run_enroll)

    sync = subparsers.add_parser("sync", help="cloud sync state, or sync now")
    sync_sub = sync.add_subparsers(dest="sync_command", metavar="ACTION")
    sync_sub.required = True
    sync_sub.add_parser(
        "status", help="online?, pending and parked events, last success"
    ).set_defaults(handler=run_sync_status)
    sync_sub.add_parser("now", help="push pending events and pull changes once").set_defaults(
        handler=run_sync_now
    )


def _exit_codes(handler: Callable[[Namespace], int]) -> Callable[[Namespace], int]:
    """Turn UsageError/CommandError into one stderr line and exit code 2/1."""

    @functools.wraps(handler)
    def run(args: Namespace) -> int:
        try:
            return handler(args)
        except UsageError as err:
            print(f"{PROG}: {err}", file=sys.stderr)
            return 2
        except CommandError as err:
            print(f"{PROG}: {err}", file=sys.stderr)
            return 1

    return run


def _open(args: Namespace) -> SqliteDatabase:
    return open_database(database_path(args.data_dir))


def check_cloud_url(url: str) -> str:
    """The URL without a trailing slash, or UsageError naming what to type.

    Plain http is accepted only to this machine (tests, a local TLS proxy): anything else
    must be https so the token and the sales travel encrypted to a verified server.
    """
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"'{url}' is not a cloud URL; write it like https://cloud.example.com")
    if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
        raise UsageError(
            f"'{url}' is plain http; use https:// (plain http only to 127.0.0.1/localhost)"
        )
    return url.strip().rstrip("/")


@_exit_codes
def run_enroll(args: Namespace) -> int:
    url = check_cloud_url(args.cloud)
    code = "".join(args.code.split())
    if not code:
        raise UsageError("--code is empty; copy the code printed by 'pos-cloud enroll-terminal'")
    name = (args.name or f"Till on {socket.gethostname()}").strip()[:200]
    db = _open(args)
    try:
        existing = sync_repo.load_credentials(db)
        if existing is not None and not args.force:
            raise UsageError(
                f"this till is already enrolled as terminal {existing.terminal_id} at "
                f"{existing.cloud_url}; add --force to replace it"
            )
        try:
            with CloudClient(url) as client:
                body = client.enroll(code, name)
        except CloudRefused as exc:
            raise CommandError(
                f"the cloud refused the code ({exc.detail}); ask for a new one with "
                "'pos-cloud enroll-terminal'"
            ) from None
        except CloudError as exc:
            raise CommandError(f"{exc}; check the URL and the network, then try again") from None
        creds = sync_repo.Credentials(
            cloud_url=url,
            terminal_id=body["terminal_id"],
            store_id=body["store_id"],
            token=body["token"],
            currency=body["currency"],
            terminal_name=name,
            enrolled_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        sync_repo.save_credentials(db, creds)
        settings = load_settings(db)
    finally:
        db.close()
    print(f"Enrolled as terminal {creds.terminal_id} of store {creds.store_id} at {url}.")
    if settings is not None and settings.currency != creds.currency:
        print(
            f"{PROG}: warning: the till sells in {settings.currency} but the cloud store uses "
            f"{creds.currency}; the cloud will park these sales. Fix the store currency.",
            file=sys.stderr,
        )
    return 0


def _enrolled(db: SqliteDatabase) -> sync_repo.Credentials:
    creds = sync_repo.load_credentials(db)
    if creds is None:
        raise CommandError("this till is not enrolled; run 'pos-admin enroll --cloud URL --code C'")
    return creds


@_exit_codes
def run_sync_status(args: Namespace) -> int:
    db = _open(args)
    try:
        creds = _enrolled(db)
        pending, parked = sync_repo.outbox_counts(db)
        reasons = sync_repo.parked_reasons(db, limit=10)
        health = sync_repo.health(db)
    finally:
        db.close()
    try:
        with CloudClient(creds.cloud_url, creds.token, timeout=5) as client:
            me = client.me()
        online = f"yes (the cloud has events up to seq {me['last_seq']})"
    except CloudError as exc:
        online = f"no ({exc})"
    print(f"Cloud: {creds.cloud_url} (terminal {creds.terminal_id}, store {creds.store_id})")
    print(f"Online: {online}")
    print(f"Pending: {pending}")
    print(f"Parked: {parked}")
    for seq, type_, reason in reasons:
        print(f"  #{seq} {type_}: {reason}")
    print(f"Last success: {health.last_success_at or 'never'}")
    if health.last_error:
        print(f"Last error: {health.last_error} ({health.last_error_at})")
    return 0


@_exit_codes
def run_sync_now(args: Namespace) -> int:
    db = _open(args)
    try:
        creds = _enrolled(db)
        with CloudClient(creds.cloud_url, creds.token) as client:
            try:
                pushed = Pusher(db, client).push_pending()
                pulled = Puller(db, client).pull_all()
            except (CloudError, FeedProblem) as exc:
                now = datetime.now(UTC)
                with db.atomic("IMMEDIATE"):
                    sync_repo.record_error(db, str(exc), now)
                hint = "it stays queued; try again later" if isinstance(exc, CloudOffline) else ""
                raise CommandError(f"{exc}{'; ' + hint if hint else ''}") from None
        pending, parked = sync_repo.outbox_counts(db)
    finally:
        db.close()
    if pushed.lease_busy:
        print("Push skipped: another pusher (the till app) holds the lease and is pushing.")
    else:
        print(f"Pushed {pushed.sent} events, parked {pushed.parked}.")
    print("Pulled " + ", ".join(f"{stream} {n}" for stream, n in pulled.items()) + ".")
    print(f"Now pending {pending}, parked {parked}.")
    return 0
