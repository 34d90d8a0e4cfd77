"""``pos-admin audit verify``, ``backup`` and ``restore``: is the data intact, and a way back.

Handlers read ``args.data_dir`` and return the exit code: 0 done, 1 a problem (said on stderr
or in the report).
"""

from __future__ import annotations

from argparse import Namespace
from pathlib import Path

from pos_desktop.paths import database_path
from pos_desktop.storage import audit
from pos_desktop.storage.journal import ChainHead
from pos_desktop.storage.safekeeping import DEFAULT_KEEP_DAYS, backup, restore

from .common import opened_db
from .errors import UsageError


def add_subcommands(subparsers) -> None:
    """Add ``audit verify``, ``backup`` and ``restore`` to ``pos-admin``."""
    a = subparsers.add_parser("audit", help="check the hash-chained audit log")
    a_sub = a.add_subparsers(dest="audit_command", metavar="ACTION")
    a_sub.required = True
    verify = a_sub.add_parser(
        "verify",
        help="walk the audit chain and report every break",
        description="Exit 0 when the audit log is intact, 1 when an entry was edited, deleted, "
        "reordered or (with --head) removed from the end. Prints the head to keep.",
    )
    verify.add_argument(
        "--head", metavar="SEQ:HASH", help="a head printed earlier, to detect truncation"
    )
    verify.set_defaults(handler=run_audit_verify)

    b = subparsers.add_parser(
        "backup",
        help="copy the database safely while the till runs (online backup)",
        description="Writes till-YYYYmmdd-HHMMSS.sqlite (0600) to the folder and removes "
        "backups older than --keep-days (the newest always stays).",
    )
    b.add_argument("--to", type=Path, metavar="DIR", help="default: DATA_DIR/backups")
    b.add_argument("--keep-days", type=int, default=DEFAULT_KEEP_DAYS, metavar="N")
    b.set_defaults(handler=run_backup)

    r = subparsers.add_parser(
        "restore",
        help="put a backup in place of the database (stop the till first)",
        description="Verifies the backup, moves the current database aside "
        "(till.sqlite.before-restore-...) and puts the backup in its place.",
    )
    r.add_argument("file", type=Path, metavar="FILE")
    r.set_defaults(handler=run_restore)


def parse_head(text: str | None) -> ChainHead | None:
    if text is None:
        return None
    seq, _, digest = text.partition(":")
    if not seq.isdigit() or len(digest) != 64:
        raise UsageError(f"--head must be SEQ:HASH (e.g. 42:ab12...), not {text!r}")
    return ChainHead(int(seq), digest)


def audit_problems(db, head: ChainHead | None = None) -> tuple[int, list[str], ChainHead]:
    """``(entries checked, problems, current head)`` of the audit log (none before m0004)."""
    exists = db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'"
    ).fetchone()
    if not exists:
        return 0, [], ChainHead(0, "0" * 64)
    result = audit.verify(db)
    problems = list(result.problems)
    row = db.execute_sql("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    current = ChainHead(*row) if row else ChainHead(0, "0" * 64)
    if head is not None and head.seq > 0:
        if current.seq < head.seq:
            problems.append(
                f"the audit log ends at entry {current.seq} but entry {head.seq} was recorded as "
                "its head: entries were removed from the end"
            )
        else:
            found = db.execute_sql("SELECT hash FROM audit_log WHERE seq = ?", (head.seq,))
            got = found.fetchone()
            if got is None or got[0] != head.hash:
                problems.append(f"audit entry {head.seq}: differs from the recorded head")
    return result.checked, problems, current


def run_audit_verify(args: Namespace) -> int:
    head = parse_head(args.head)
    with opened_db(args.data_dir, migrate=False) as db:
        checked, problems, current = audit_problems(db, head)
    if not problems:
        print(f"audit log OK: {checked} entries")
        print(f"head {current.seq}:{current.hash} (keep it; --head detects truncation later)")
        return 0
    print(f"audit log BROKEN: {len(problems)} problem(s) in {checked} entries")
    for problem in problems:
        print(f"  {problem}")
    return 1


def run_backup(args: Namespace) -> int:
    db_path = database_path(Path(args.data_dir))
    to_dir = args.to or Path(args.data_dir) / "backups"
    if args.keep_days < 1:
        raise UsageError("--keep-days must be 1 or more")
    done = backup(db_path, to_dir, keep_days=args.keep_days)
    print(f"backup written: {done.path} ({done.size_bytes:,} bytes)")
    for old in done.pruned:
        print(f"removed old backup {old.name}")
    return 0


def run_restore(args: Namespace) -> int:
    db_path = database_path(Path(args.data_dir))
    aside = restore(args.file, db_path)
    print(f"restored {args.file} to {db_path}")
    if aside is not None:
        print(f"the previous database was kept as {aside}")
    print("Check it with 'pos-admin journal verify', then start the till.")
    return 0
