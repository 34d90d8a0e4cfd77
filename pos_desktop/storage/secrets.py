"""Secrets the till must keep usable (the cloud token, the keys that sign POS API callbacks),
sealed so that a copy of the database alone does not give them away.

They are encrypted (Fernet: AES-128-CBC + HMAC-SHA256) with a key kept outside the database:
in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service on Linux) when a
``keyring`` backend works, otherwise in ``secret.key`` (0600) in the data dir. With the file
fallback a copy of the whole data dir still holds everything needed; only the keyring protects
against that (docs/SECURITY.md). Sealed values start with ``v1:``; a value without it is a
legacy plain value (read as is, sealed again by migration m0014).
"""

from __future__ import annotations

import base64
import logging
import os
import threading
from pathlib import Path

from .permissions import create_private_file

log = logging.getLogger(__name__)

PREFIX = "v1:"
KEY_FILE = "secret.key"
KEYRING_SERVICE = "countertop-pos"
_cache: dict[str, SecretBox] = {}
_lock = threading.Lock()


class SecretUnavailable(RuntimeError):
    """A sealed value cannot be opened (the key is missing or different); says what to do."""


class SecretBox:
    """Seal and open short secrets with one data dir's key."""

    def __init__(self, key: bytes, where: str) -> None:
        from cryptography.fernet import Fernet  # only when a secret is used: a faster start

        self._fernet = Fernet(key)
        self.where = where  # "keyring" or the key file's path, for logs and messages

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> SecretBox:
        """The data dir's box (cached): the keyring's key, else the 0600 key file."""
        name = str(Path(data_dir).resolve())
        with _lock:
            box = _cache.get(name)
            if box is None:
                box = _cache[name] = cls._load(Path(name))
            return box

    @classmethod
    def for_database(cls, db) -> SecretBox:
        """The box of the data dir holding ``db`` (an in-memory db gets a throwaway key)."""
        path = getattr(db, "database", ":memory:")
        if not path or path == ":memory:":
            return cls(_new_key(), "memory")
        return cls.for_data_dir(Path(path).parent)

    @classmethod
    def _load(cls, data_dir: Path) -> SecretBox:
        key_file = data_dir / KEY_FILE
        if os.environ.get("POS_SECRET_STORE", "").lower() != "file":
            key = _keyring_key(str(data_dir), adopt=key_file)
            if key is not None:
                return cls(key, "keyring")
        if key_file.exists():
            return cls(key_file.read_bytes().strip(), str(key_file))
        key = _new_key()
        create_private_file(key_file, key)
        log.warning(
            "no OS keyring available: the key that seals the till's secrets is in %s (0600); "
            "keep the data dir private (see docs/SECURITY.md)",
            key_file,
        )
        return cls(key, str(key_file))

    def seal(self, text: str) -> str:
        return PREFIX + self._fernet.encrypt(text.encode()).decode()

    def open(self, value: str) -> str:
        """The clear text of a sealed value (a legacy plain value is returned as is).

        Raises:
            SecretUnavailable: the value was sealed with another key (a data dir copied to
                another machine without its keyring entry).
        """
        from cryptography.fernet import InvalidToken

        if not value.startswith(PREFIX):
            return value
        try:
            return self._fernet.decrypt(value[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SecretUnavailable(
                f"A stored secret cannot be opened with this machine's key ({self.where}): the "
                "data dir was probably copied from another machine. Enroll the till again "
                "('pos-admin enroll') and re-create the POS API keys ('pos-admin apps')."
            ) from None


def _new_key() -> bytes:
    from cryptography.fernet import Fernet

    return Fernet.generate_key()


def is_sealed(value: str | None) -> bool:
    return value is not None and value.startswith(PREFIX)


def _keyring_key(account: str, adopt: Path) -> bytes | None:
    """The key in the OS keyring (created there if missing); None when no backend works."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        stored = keyring.get_password(KEYRING_SERVICE, account)
        if stored is None:
            # A key file made while no keyring worked keeps its key (sealed values need it).
            key = adopt.read_bytes().strip() if adopt.exists() else _new_key()
            keyring.set_password(KEYRING_SERVICE, account, key.decode())
            stored = keyring.get_password(KEYRING_SERVICE, account)
            if stored is None:
                return None
        key = stored.encode()
        base64.urlsafe_b64decode(key)
        return key
    except (KeyringError, ValueError, RuntimeError, OSError):
        return None


def seal_clear_secrets(db) -> int:
    """Seal any secret still stored in clear (POS API signing keys, the cloud token); returns
    how many were sealed. Idempotent and cheap: run by migration 14 and at every start (a
    database that was already past version 14 when that migration arrived is covered too)."""
    path = getattr(db, "database", ":memory:")
    if not path or path == ":memory:":
        return 0
    tables = {
        r[0]
        for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name IN ('api_app', 'sync_state')"
        ).fetchall()
    }
    clear: list[tuple[str, str, object]] = []
    if "api_app" in tables:
        clear += [
            ("api_app", key, app_id)
            for app_id, key in db.execute_sql(
                "SELECT id, signing_key FROM api_app WHERE signing_key IS NOT NULL"
            ).fetchall()
            if not is_sealed(key)
        ]
    if "sync_state" in tables:
        clear += [
            ("sync_state", token, row_id)
            for row_id, token in db.execute_sql(
                "SELECT id, token FROM sync_state WHERE token IS NOT NULL"
            ).fetchall()
            if not is_sealed(token)
        ]
    if not clear:
        return 0
    box = SecretBox.for_data_dir(Path(path).parent)
    db.execute_sql("PRAGMA secure_delete = ON")  # the clear text is overwritten, not just freed
    with db.atomic():
        for table, value, row_id in clear:
            column = "signing_key" if table == "api_app" else "token"
            db.execute_sql(
                f"UPDATE {table} SET {column} = ? WHERE id = ?", (box.seal(value), row_id)
            )
    db.execute_sql("PRAGMA secure_delete = OFF")
    log.warning("sealed %d secret(s) that were stored in clear (%s)", len(clear), box.where)
    return len(clear)
