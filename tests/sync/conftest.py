"""Fixtures for tests/sync (helpers live in sync_helpers.py, importable without a package)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest


def ram_tempdir(prefix: str) -> Path:
    """A temp dir on tmpfs when there is one: these tests check sync, not fsync, and a
    synchronous=FULL commit on a slow disk costs ~50 ms per sale."""
    base = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108
    return Path(tempfile.mkdtemp(prefix=prefix, dir=base))


@pytest.fixture
def ram_path():
    path = ram_tempdir("pos-sync-")
    yield path
    shutil.rmtree(path, ignore_errors=True)
