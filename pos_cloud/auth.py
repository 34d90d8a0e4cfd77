"""Credentials: admin tokens, one-time enrollment codes and per-terminal bearer tokens.

All three are long random secrets, so a plain SHA-256 is enough to store them (a slow hash
protects guessable passwords, not 256-bit tokens). Only hashes are stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from . import admin_tokens
from .catalog import get_store
from .db import database_proxy
from .errors import BadInput, NotFound, Unauthorized
from .models import EnrollmentCode, Store, Terminal, new_id, utcnow

TERMINAL_PREFIX = "pct_"
ADMIN_PREFIX = admin_tokens.PREFIX
# No 0/O, 1/I/L: the code is read aloud or typed from a screen.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
DEFAULT_CODE_TTL = dt.timedelta(hours=24)


def hash_secret(secret: str) -> str:
    """Hex SHA-256 of a token or code, the only form kept in the database."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(code: str) -> str:
    """Enrollment codes compare without dashes, spaces or case."""
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def create_admin_token(label: str = "") -> str:
    """Make a global admin token and return it (shown once; only its hash is kept).

    Scoped tokens (one store, read-only): :func:`pos_cloud.admin_tokens.create`.
    """
    return admin_tokens.create(label)[1]


def check_admin_token(token: str) -> admin_tokens.AdminScope:
    """The scope of a live admin token; Unauthorized unless ``token`` is one."""
    return admin_tokens.authenticate(token)


def create_enrollment_code(
    store_id: str, ttl: dt.timedelta = DEFAULT_CODE_TTL
) -> tuple[str, dt.datetime]:
    """Make a one-time code a till exchanges for its token at ``POST /v1/enroll``.

    Returns:
        The code (``XXXX-XXXX-XXXX``) and its expiry as an aware UTC datetime.
    """
    if ttl <= dt.timedelta(0) or ttl > dt.timedelta(days=30):
        raise BadInput("An enrollment code must live between 1 minute and 30 days.")
    get_store(store_id)
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))
    expires = utcnow() + ttl
    EnrollmentCode.create(store=store_id, code_hash=hash_secret(raw), expires_at=expires)
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}", expires.replace(tzinfo=dt.UTC)


def enroll(code: str, terminal_name: str) -> dict:
    """Exchange a one-time code for a new terminal and its bearer token.

    The code is burned by a conditional UPDATE, so two tills racing with one code cannot
    both win.

    Raises:
        BadInput: no terminal name.
        Unauthorized: the code is unknown, used or expired.
    """
    name = (terminal_name or "").strip()
    if not name or len(name) > 200:
        raise BadInput("terminal_name must be 1 to 200 characters.")
    code_hash = hash_secret(normalise_code(code))
    token = TERMINAL_PREFIX + secrets.token_urlsafe(32)
    terminal_id = new_id()
    now = utcnow()
    with database_proxy.atomic():
        burned = (
            EnrollmentCode.update(used_at=now, terminal_id=terminal_id)
            .where(
                (EnrollmentCode.code_hash == code_hash)
                & EnrollmentCode.used_at.is_null()
                & (EnrollmentCode.expires_at > now)
            )
            .execute()
        )
        if burned != 1:
            raise Unauthorized(
                "This enrollment code is unknown, already used or expired; "
                "ask an admin for a new one."
            )
        row = EnrollmentCode.get(EnrollmentCode.code_hash == code_hash)
        store = Store.get_by_id(row.store_id)
        Terminal.create(id=terminal_id, store=store, name=name, token_hash=hash_secret(token))
    return {
        "terminal_id": terminal_id,
        "store_id": store.id,
        "token": token,
        "currency": store.currency,
    }


def authenticate_terminal(token: str) -> Terminal:
    """The live terminal owning ``token``, or Unauthorized."""
    # The store comes in the same query: ingestion needs its currency and time zone.
    terminal = (
        Terminal.select(Terminal, Store)
        .join(Store)
        .where(Terminal.token_hash == hash_secret(token))
        .get_or_none()
    )
    if terminal is None or terminal.revoked:
        raise Unauthorized(
            "This terminal token is unknown or revoked; re-enroll the till with a new code."
        )
    return terminal


def revoke_terminal(terminal_id: str) -> None:
    """Revoke a terminal: its token stops working at once."""
    if not Terminal.update(revoked=True).where(Terminal.id == terminal_id).execute():
        raise NotFound(f"No terminal with id {terminal_id}.")
