"""Keeping the till database safe: an integrity check at start, online backups and restore.

Backups use SQLite's online backup API, so they are consistent while the till keeps selling
(the till's WAL writes go on; the copy is one moment of the database). Each backup is a plain
SQLite file ``till-YYYYmmdd-HHMMSS.sqlite`` (0600) in the backup folder; backups older than
the kept number of days are removed after a new one is made (the newest always stays).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

BACKUP_GLOB = "till-*.sqlite"
DEFAULT_KEEP_DAYS = 30


class DatabaseDamaged(RuntimeError):
    """The till database is not readable as a whole; the message says what to do."""


def damaged_message(db_path: Path, problem: str) -> str:
    return f"The till database {db_path} {problem}. {restore_hint(db_path)}"


def restore_hint(db_path: Path) -> str:
    data_dir = db_path.parent
    return (
        f"Stop the till and restore the newest backup: 'pos-admin --data-dir {data_dir} "
        f"restore {data_dir / 'backups'}/till-....sqlite' (see docs/SECURITY.md, "
        '"Backup and restore").'
    )


def check_file(path: Path, *, full: bool = True) -> str | None:
    """What is wrong with the SQLite file at ``path`` (None when it is sound).

    Opens it read-only. ``full`` runs ``PRAGMA quick_check`` (every page and index: about
    0.7 s for a 300 MB database with 1M products); otherwise only the header and the schema are
    read (milliseconds), which finds a file that is not a database or has a damaged start.
    Never raises: the answer is a sentence.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as err:
        return f"cannot be opened ({err})"
    try:
        conn.text_factory = lambda raw: raw.decode("utf-8", "replace")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("PRAGMA user_version").fetchone()
        rows = conn.execute("PRAGMA quick_check").fetchall() if full else [("ok",)]
    except sqlite3.Error as err:
        return f"is damaged or is not a till database ({err})"
    finally:
        conn.close()
    problems = [str(r[0]) for r in rows if r and r[0] != "ok"]
    if problems:
        shown = "; ".join(problems[:3]) + (
            f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        )
        return f"is damaged: {shown}"
    return None


def ensure_sound(path: Path, *, full: bool = True) -> None:
    """Raise :class:`DatabaseDamaged` (what is wrong + how to restore) unless the file is sound
    (``full``: every page, see :func:`check_file`). A missing file is fine (a new till creates
    it).
    """
    if not path.exists():
        return
    problem = check_file(path, full=full)
    if problem is not None:
        raise DatabaseDamaged(damaged_message(path, problem))


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size_bytes: int
    pruned: tuple[Path, ...]


def backup(
    db_path: Path, to_dir: Path, *, keep_days: int = DEFAULT_KEEP_DAYS, now: datetime | None = None
) -> BackupResult:
    """Copy the live database to ``to_dir`` with the online backup API, then prune.

    Raises:
        DatabaseDamaged: the database is damaged (a backup of it would not help).
        OSError: the folder cannot be written.
    """
    ensure_sound(db_path)
    if not db_path.exists():
        raise DatabaseDamaged(f"There is no till database at {db_path} to back up.")
    now = now or datetime.now(UTC)
    to_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = to_dir / f"till-{now.strftime('%Y%m%d-%H%M%S')}.sqlite"
    partial = target.with_suffix(".partial")
    source = sqlite3.connect(db_path, timeout=30)
    try:
        fd = os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
        os.close(fd)
        dest = sqlite3.connect(partial)
        try:
            source.backup(dest, pages=1024)  # in steps: the till's writes go on between them
            dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dest.close()
    finally:
        source.close()
    problem = check_file(partial)
    if problem is not None:
        partial.unlink(missing_ok=True)
        raise DatabaseDamaged(f"The backup could not be verified: it {problem}; nothing was kept.")
    os.replace(partial, target)
    return BackupResult(target, target.stat().st_size, tuple(prune(to_dir, keep_days, now)))


def prune(to_dir: Path, keep_days: int, now: datetime) -> list[Path]:
    """Remove backups older than ``keep_days`` days (the newest one always stays)."""
    backups = sorted(to_dir.glob(BACKUP_GLOB))
    cutoff = now - timedelta(days=keep_days)
    removed = []
    for path in backups[:-1]:
        stamp = _stamp(path)
        if stamp is not None and stamp < cutoff:
            path.unlink()
            removed.append(path)
    return removed


def _stamp(path: Path) -> datetime | None:
    try:
        return datetime.strptime(path.stem[len("till-") :], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def restore(backup_file: Path, db_path: Path, *, now: datetime | None = None) -> Path | None:
    """Put ``backup_file`` in place of the till database; the old one is kept aside.

    The backup is verified first; the current database (with its -wal/-shm files) is moved to
    ``till.sqlite.before-restore-<stamp>``. Returns that path (None when there was none).

    Raises:
        DatabaseDamaged: the backup file is not a sound till database (nothing is changed).
    """
    problem = check_file(backup_file)
    if problem is not None:
        raise DatabaseDamaged(
            f"{backup_file} cannot be restored: it {problem}. Nothing was changed."
        )
    conn = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        has_journal = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'journal'"
        ).fetchone()
    finally:
        conn.close()
    if not has_journal:
        raise DatabaseDamaged(
            f"{backup_file} is not a till database (no journal). Nothing was changed."
        )
    now = now or datetime.now(UTC)
    aside = None
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.name}.before-restore-{now.strftime('%Y%m%d-%H%M%S')}")
        os.replace(db_path, aside)
        for suffix in ("-wal", "-shm"):
            side = db_path.with_name(db_path.name + suffix)
            if side.exists():
                os.replace(side, aside.with_name(aside.name + suffix))
    partial = db_path.with_name(db_path.name + ".restoring")
    shutil.copyfile(backup_file, partial)
    os.chmod(partial, 0o600)
    os.replace(partial, db_path)
    return aside
