"""The data dir is private: folder 0700, files 0600 (the database holds PIN hashes, the sealed
cloud token and API key hashes; the secret key file may hold the key to open them).

Fixed on every start: a data dir made by an older version (0755 / 0644) is tightened and a log
line says so. POSIX only; on Windows the user profile's ACLs protect the data dir.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def _posix() -> bool:
    return os.name == "posix"


# The till's own files in its data dir; anything else there is left as it is.
TILL_FILES = ("till.sqlite", "config.toml", "secret.key")


def _is_till_file(name: str) -> bool:
    return any(
        name == f or name.startswith(f + "-") or name.startswith(f + ".") for f in TILL_FILES
    )


def make_private_dir(path: Path) -> list[str]:
    """Create ``path`` (0700) or tighten it, the till's files in it and its backups; returns
    the fixes (each also logged)."""
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if not _posix():
        return []
    fixed = []
    fixed += _tighten(path, DIR_MODE)
    for child in path.iterdir():
        if child.is_symlink():
            continue
        if child.is_file() and _is_till_file(child.name):
            fixed += _tighten(child, FILE_MODE)
        elif child.is_dir() and child.name == "backups":
            fixed += _tighten(child, DIR_MODE)
            fixed += [f for c in child.iterdir() if c.is_file() for f in _tighten(c, FILE_MODE)]
    for line in fixed:
        log.warning("made the till's data private: %s", line)
    return fixed


def _tighten(path: Path, mode: int) -> list[str]:
    current = stat.S_IMODE(path.stat().st_mode)
    if current & ~mode:
        os.chmod(path, current & mode)
        return [f"{path} was {current:04o}, now {current & mode:04o}"]
    return []


def create_private_file(path: Path, content: bytes = b"") -> None:
    """Create ``path`` readable by its owner only (0600 from the start, never widened)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    try:
        os.write(fd, content)
    finally:
        os.close(fd)


def ensure_private_file(path: Path) -> None:
    """An empty 0600 file when ``path`` does not exist yet (SQLite then keeps that mode for
    the database and gives its -wal and -shm files the same)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
        os.close(fd)
