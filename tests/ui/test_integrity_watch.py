"""Damage deep in the database is found in the background once the till runs, and shown."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from pos_desktop.storage.db import open_database
from pos_desktop.ui.integrity_watch import IntegrityWatch
from tests.waits import EVENTUALLY_MS


def _db_with_pages(path):
    db = open_database(path)
    db.execute_sql("CREATE TABLE filler (x TEXT)")
    for _ in range(20):
        db.execute_sql("INSERT INTO filler VALUES (?)", ("x" * 4000,))
    db.execute_sql("CREATE INDEX filler_x ON filler (x)")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_inner_damage_is_shown_with_the_way_to_restore(qtbot, tmp_path):
    path = tmp_path / "till.sqlite"
    _db_with_pages(path)
    size = path.stat().st_size
    with open(path, "r+b") as f:
        for offset in range(4096 * 3, size - 4096, 4096 * 2):
            f.seek(offset)
            f.write(b"\xde\xad\xbe\xef" * 256)
    window = QWidget()
    qtbot.addWidget(window)
    watch = IntegrityWatch(window)
    with qtbot.waitSignal(watch.finished, timeout=10_000):
        watch.start(path)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox) is not None, timeout=EVENTUALLY_MS)
    box = window.findChild(QMessageBox)
    assert "damaged" in box.text() and "pos-admin" in box.text() and "restore" in box.text()


def test_a_sound_database_shows_nothing(qtbot, tmp_path):
    path = tmp_path / "till.sqlite"
    _db_with_pages(path)
    window = QWidget()
    qtbot.addWidget(window)
    watch = IntegrityWatch(window)
    with qtbot.waitSignal(watch.finished, timeout=10_000):
        watch.start(path)
    qtbot.wait(50)
    assert watch.problem is None and window.findChild(QMessageBox) is None
