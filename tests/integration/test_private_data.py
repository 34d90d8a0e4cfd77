"""A copied or world-readable data dir gives nothing away: 0700/0600, no key or token in clear,
the sealing key in the OS keyring when there is one (else a 0600 file)."""

from __future__ import annotations

import logging
import os
import stat
from datetime import UTC, datetime

import keyring
import pytest
from keyring.backend import KeyringBackend

from pos_desktop.services.pos_api import PosApiService
from pos_desktop.storage import secrets
from pos_desktop.storage.db import open_database
from pos_desktop.storage.migrations import migrate
from pos_desktop.storage.pos_api_repo import PosApiRepository
from pos_desktop.storage.secrets import SecretBox
from pos_desktop.storage.sync_repo import Credentials, load_credentials, save_credentials
from tests.conftest import FixedClock

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def fresh_boxes():
    secrets._cache.clear()
    yield
    secrets._cache.clear()


def creds(token: str) -> Credentials:
    return Credentials("https://cloud.example", "T01", "s1", token, "EUR", "Till 1", "2026")


def test_a_new_data_dir_is_private(tmp_path):
    data = tmp_path / "till"
    db = open_database(data / "till.sqlite")
    db.execute_sql("CREATE TABLE t (x)")
    assert mode(data) == 0o700
    assert mode(data / "till.sqlite") == 0o600
    assert mode(data / "till.sqlite-wal") == 0o600
    db.close()


def test_an_old_world_readable_data_dir_is_fixed_on_start_with_a_log_line(tmp_path, caplog):
    data = tmp_path / "till"
    open_database(data / "till.sqlite").close()
    os.chmod(data, 0o755)  # noqa: S103 (an old, too open data dir)
    os.chmod(data / "till.sqlite", 0o644)
    (data / "config.toml").write_text("")
    os.chmod(data / "config.toml", 0o644)
    with caplog.at_level(logging.WARNING):
        open_database(data / "till.sqlite").close()
    assert mode(data) == 0o700 and mode(data / "till.sqlite") == 0o600
    assert mode(data / "config.toml") == 0o600
    assert "was 0644, now 0600" in caplog.text and "was 0755, now 0700" in caplog.text


def test_api_keys_and_the_cloud_token_are_not_in_the_database_file(till):
    service = PosApiService(till.db, till.settings, FixedClock())
    app = service.register_app("Web shop", "https://shop.example/pos/")
    save_credentials(till.db, creds("tok_SECRET_terminal_token_123"))
    till.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = (till.config.data_dir / "till.sqlite").read_bytes()
    assert app.key.encode() not in raw
    assert b"tok_SECRET_terminal_token_123" not in raw
    # ... yet the till can still use them
    assert load_credentials(till.db).token == "tok_SECRET_terminal_token_123"
    assert service.authenticate(f"Bearer {app.key}").id == app.app_id
    stored = till.db.execute_sql("SELECT signing_key FROM api_app").fetchone()[0]
    assert stored.startswith("v1:") and app.key not in stored


def test_the_key_file_fallback_is_private_and_said(tmp_path, caplog, monkeypatch):
    monkeypatch.setenv("POS_SECRET_STORE", "file")
    with caplog.at_level(logging.WARNING):
        box = SecretBox.for_data_dir(tmp_path)
    assert mode(tmp_path / "secret.key") == 0o600
    assert "no OS keyring" in caplog.text
    assert box.open(box.seal("x")) == "x"


class MemoryKeyring(KeyringBackend):
    """A stand-in OS keyring (the third-party boundary)."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.store.get((service, username))

    def set_password(self, service, username, password):
        self.store[(service, username)] = password

    def delete_password(self, service, username):
        self.store.pop((service, username), None)


def test_the_os_keyring_holds_the_key_when_it_works(tmp_path, monkeypatch):
    monkeypatch.delenv("POS_SECRET_STORE", raising=False)
    ring = MemoryKeyring()
    before = keyring.get_keyring()
    keyring.set_keyring(ring)
    try:
        box = SecretBox.for_data_dir(tmp_path)
        sealed = box.seal("the token")
        assert box.where == "keyring" and not (tmp_path / "secret.key").exists()
        assert len(ring.store) == 1
        secrets._cache.clear()
        keyring.set_keyring(MemoryKeyring())  # another machine: the copied data dir is useless
        other = SecretBox.for_data_dir(tmp_path)
        with pytest.raises(secrets.SecretUnavailable, match="copied"):
            other.open(sealed)
    finally:
        keyring.set_keyring(before)


def test_migration_0014_seals_existing_clear_secrets(tmp_path):
    db = open_database(tmp_path / "till.sqlite", run_migrations=False)
    migrate(db, target=11)
    db.execute_sql(
        "INSERT INTO api_app (id, name, callback_url_prefix, key_hash, signing_key, created_at) "
        "VALUES ('app_1', 'Shop', 'https://s.example/', 'h', 'posk_raw_key', '2026')"
    )
    db.execute_sql(
        "INSERT INTO sync_state (id, cloud_url, terminal_id, store_id, token, currency, "
        "terminal_name, enrolled_at) VALUES (1, 'https://c', 'T01', 's', 'raw_token', 'EUR', "
        "'T', '2026')"
    )
    migrate(db)
    key = db.execute_sql("SELECT signing_key FROM api_app").fetchone()[0]
    assert key.startswith("v1:") and "posk_raw_key" not in key
    assert load_credentials(db).token == "raw_token"
    assert db.execute_sql("SELECT token FROM sync_state").fetchone()[0].startswith("v1:")
    rows = PosApiRepository(db)
    db.execute_sql(
        "INSERT INTO payment_request (id, app_id, amount_minor, currency, payment_types, "
        "callback_url, reference, description, api_version, body_hash, status, created_at, "
        "updated_at) VALUES ('r1', 'app_1', 1, 'EUR', '[]', 'https://s.example/x', 'R', '', "
        "'1', 'h', 'declined', '2026', '2026')"
    )
    rows.insert_callback("d1", "r1", "app_1", "https://s.example/x", "{}", 0.0, NOW)
    (due,) = rows.due_callbacks(1.0)
    assert due.signing_key == "posk_raw_key"  # callbacks are still signed with the app's key
    db.close()


def test_pos_admin_warns_on_short_pins_and_takes_six_digits_quietly(tmp_path, capsys):
    from pos_desktop.cli.admin import main as pos_admin

    d = str(tmp_path / "t")
    assert pos_admin(["--data-dir", d, "init", "--store-name", "S", "--currency", "EUR"]) == 0
    capsys.readouterr()
    assert (
        pos_admin(["--data-dir", d, "users", "add", "Ann", "--role", "cashier", "--pin", "1234"])
        == 0
    )
    assert "4-digit PIN can be guessed" in capsys.readouterr().err
    assert (
        pos_admin(["--data-dir", d, "users", "add", "Bob", "--role", "cashier", "--pin", "123456"])
        == 0
    )
    assert "warning" not in capsys.readouterr().err


def test_a_database_already_past_version_14_is_sealed_at_start(tmp_path):
    """Migration 14 arrived after 17 and 18 had shipped: the start seals what it missed."""
    db = open_database(tmp_path / "till.sqlite")
    db.execute_sql(
        "INSERT INTO api_app (id, name, callback_url_prefix, key_hash, signing_key, created_at) "
        "VALUES ('app_1', 'Shop', 'https://s.example/', 'h', 'posk_raw_key', '2026')"
    )
    db.close()
    db = open_database(tmp_path / "till.sqlite")
    assert db.execute_sql("SELECT signing_key FROM api_app").fetchone()[0].startswith("v1:")
    db.close()
    for name in ("till.sqlite", "till.sqlite-wal"):
        path = tmp_path / name
        assert not path.exists() or b"posk_raw_key" not in path.read_bytes(), name


def test_init_reads_the_admin_pin_from_stdin(tmp_path, monkeypatch, capsys):
    import io

    from pos_desktop.cli.admin import main as pos_admin

    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    d = str(tmp_path / "t")
    argv = ["--data-dir", d, "init", "--store-name", "S", "--admin-name", "Al", "--admin-pin", "-"]
    assert pos_admin(argv) == 0
    assert "warning" not in capsys.readouterr().err
    db = open_database(tmp_path / "t" / "till.sqlite")
    from pos_desktop.services.auth import AuthService
    from pos_desktop.services.ports import SystemClock

    assert AuthService(db, SystemClock()).login("Al", "246810").name == "Al"
    db.close()


def test_other_files_in_the_data_dir_are_left_alone(tmp_path):
    data = tmp_path / "till"
    data.mkdir()
    script = data / "notes.sh"
    script.write_text("#!/bin/sh\n")
    os.chmod(script, 0o755)  # noqa: S103 (the owner's own file)
    open_database(data / "till.sqlite").close()
    assert mode(script) == 0o755 and mode(data / "till.sqlite") == 0o600
