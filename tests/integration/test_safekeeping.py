"""A damaged database says what is wrong and how to restore; backup and restore work while the
till sells; a tampered audit log is found."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pos_desktop.cli.admin import main as pos_admin
from pos_desktop.storage import audit
from pos_desktop.storage.db import open_database
from pos_desktop.storage.safekeeping import DatabaseDamaged, backup, prune

ROOT = Path(__file__).parents[2]


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "till"
    assert pos_admin(["--data-dir", str(d), "demo-sales", "--sales", "20", "--seed", "1"]) == 0
    db = open_database(d / "till.sqlite")
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)
    for n in range(6):
        audit.append(db, "login", user=f"user{n}", outcome="granted", now=now)
    db.close()
    return d


def corrupt(path: Path) -> None:
    """Overwrite pages in the middle of the file (a disk or copy gone wrong)."""
    size = path.stat().st_size
    with open(path, "r+b") as f:
        for offset in range(4096 * 2, size - 4096, 4096 * 3):
            f.seek(offset)
            f.write(b"\xde\xad\xbe\xef" * 256)


def checkpoint(d: Path) -> None:
    conn = sqlite3.connect(d / "till.sqlite")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_a_corrupt_database_is_named_with_the_way_to_restore(data_dir, capsys):
    checkpoint(data_dir)
    corrupt(data_dir / "till.sqlite")
    assert pos_admin(["--data-dir", str(data_dir), "sales", "list"]) == 1
    err = capsys.readouterr().err
    assert "is damaged" in err
    assert "pos-admin" in err and "restore" in err and "Traceback" not in err


def test_pos_desktop_says_it_too_without_a_traceback(data_dir):
    checkpoint(data_dir)
    (data_dir / "till.sqlite").write_bytes(b"this is not a database" * 100)
    run = subprocess.run(
        [sys.executable, "-m", "pos_desktop", "--data-dir", str(data_dir), "--no-api"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 1
    assert "restore" in run.stderr and "Traceback" not in run.stderr


def test_backup_while_the_till_writes_then_restore_verifies(data_dir, tmp_path, capsys):
    db = open_database(data_dir / "till.sqlite")
    stop = threading.Event()
    now = datetime(2026, 11, 26, 10, tzinfo=UTC)

    def keep_writing():
        n = 0
        while not stop.is_set():
            audit.append(db, "login", user=f"w{n}", outcome="granted", now=now)
            n += 1

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        assert pos_admin(["--data-dir", str(data_dir), "backup", "--to", str(tmp_path / "b")]) == 0
    finally:
        stop.set()
        writer.join()
        db.close()
    (made,) = (tmp_path / "b").glob("till-*.sqlite")
    assert made.stat().st_mode & 0o777 == 0o600
    checkpoint(data_dir)
    corrupt(data_dir / "till.sqlite")
    capsys.readouterr()
    assert pos_admin(["--data-dir", str(data_dir), "restore", str(made)]) == 0
    out = capsys.readouterr().out
    assert "kept as" in out
    assert list(data_dir.glob("till.sqlite.before-restore-*"))
    assert pos_admin(["--data-dir", str(data_dir), "journal", "verify"]) == 0
    assert "audit log OK" in capsys.readouterr().out


def test_restore_refuses_a_damaged_backup_and_changes_nothing(data_dir, tmp_path, capsys):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"junk" * 1000)
    before = (data_dir / "till.sqlite").read_bytes()
    assert pos_admin(["--data-dir", str(data_dir), "restore", str(bad)]) == 1
    assert "Nothing was changed" in capsys.readouterr().err
    assert (data_dir / "till.sqlite").read_bytes() == before


def test_old_backups_are_pruned_the_newest_stays(data_dir, tmp_path):
    folder = tmp_path / "b"
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for day in (0, 10, 40):
        backup(data_dir / "till.sqlite", folder, keep_days=1000, now=start + timedelta(days=day))
    removed = prune(folder, 30, start + timedelta(days=45))
    assert [p.name for p in removed] == [
        "till-20260101-000000.sqlite",
        "till-20260111-000000.sqlite",
    ]
    assert len(list(folder.glob("till-*.sqlite"))) == 1
    assert prune(folder, 1, start + timedelta(days=400)) == []  # never the last one


def test_backup_of_a_damaged_database_is_refused(data_dir, tmp_path):
    checkpoint(data_dir)
    corrupt(data_dir / "till.sqlite")
    with pytest.raises(DatabaseDamaged):
        backup(data_dir / "till.sqlite", tmp_path / "b")


# -- the audit log -------------------------------------------------------------------------------


def tamper(data_dir: Path, *sql: str) -> Path:
    copy = data_dir.parent / "copy"
    copy.mkdir()
    checkpoint(data_dir)
    shutil.copy(data_dir / "till.sqlite", copy / "till.sqlite")
    conn = sqlite3.connect(copy / "till.sqlite")
    conn.executescript(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;" + ";".join(sql)
    )
    conn.close()
    return copy


def test_intact_audit_log_verifies_and_prints_its_head(data_dir, capsys):
    assert pos_admin(["--data-dir", str(data_dir), "audit", "verify"]) == 0
    out = capsys.readouterr().out
    assert "audit log OK" in out and "head " in out


@pytest.mark.parametrize(
    ("sql", "named"),
    [
        (["UPDATE audit_log SET user_name = 'nobody' WHERE seq = 2"], "entry 2"),
        (["UPDATE audit_log SET body = replace(body, 'user3', 'userX') WHERE seq = 4"], "entry 4"),
        (["DELETE FROM audit_log WHERE seq = 3"], "entry 3"),
        (
            [
                "UPDATE audit_log SET seq = 100 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2 WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = 100",
            ],
            "entry 2",
        ),
    ],
    ids=["edit-column", "edit-body", "delete", "reorder"],
)
def test_tampering_is_found(data_dir, capsys, sql, named):
    copy = tamper(data_dir, *sql)
    assert pos_admin(["--data-dir", str(copy), "audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert "BROKEN" in out and named in out
    assert pos_admin(["--data-dir", str(copy), "journal", "verify"]) == 1  # included there


def test_truncation_is_found_with_a_recorded_head(data_dir, capsys):
    assert pos_admin(["--data-dir", str(data_dir), "audit", "verify"]) == 0
    head = capsys.readouterr().out.split("head ")[1].split()[0]
    copy = tamper(data_dir, "DELETE FROM audit_log WHERE seq >= 5")
    assert pos_admin(["--data-dir", str(copy), "audit", "verify"]) == 0  # a shorter chain is whole
    capsys.readouterr()
    assert pos_admin(["--data-dir", str(copy), "audit", "verify", "--head", head]) == 1
    assert "removed from the end" in capsys.readouterr().out


def test_the_start_check_is_cheap_and_the_full_check_finds_inner_damage(data_dir):
    from pos_desktop.storage.safekeeping import check_file

    checkpoint(data_dir)
    corrupt(data_dir / "till.sqlite")  # pages in the middle; the header and schema survive
    assert check_file(data_dir / "till.sqlite", full=True) is not None
