"""Admin tokens: create, list, revoke, and what each may touch (all stores or one; read-only).

A token is a long random secret (``pca_...``), shown once at creation; only its SHA-256 is
kept (see :mod:`pos_cloud.auth`). A token is identified by its row id in listings and for
revocation, so the secret itself never has to be typed again. These are the service
functions behind ``pos-cloud admin-token create|list|revoke``; a back office can call them
the same way.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from .catalog import get_store
from .errors import BadInput, Forbidden, NotFound, Unauthorized
from .models import AdminToken, utcnow

PREFIX = "pca_"
MAX_LABEL = 200
# Methods that only read; anything else is a write a read-only token may not make.
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class AdminScope:
    """What a live admin token may do."""

    token_id: int
    store_id: str | None  # None: every store
    read_only: bool

    def check_method(self, method: str) -> None:
        """Raise Forbidden when a read-only token attempts a write."""
        if self.read_only and method.upper() not in READ_METHODS:
            raise Forbidden("This admin token is read-only; use a token that may write.")

    def check_store(self, store_id: str) -> None:
        """Raise Forbidden when a store-scoped token names another store."""
        if self.store_id is not None and store_id != self.store_id:
            raise Forbidden("This admin token is limited to one store; it cannot reach this one.")

    def check_all_stores(self) -> None:
        """Raise Forbidden unless the token covers every store (e.g. creating a store)."""
        if self.store_id is not None:
            raise Forbidden("This admin token is limited to one store; this needs a global one.")


def _hash(token: str) -> str:
    from .auth import hash_secret  # auth imports this module; import late

    return hash_secret(token)


def create(
    label: str = "", store_id: str | None = None, read_only: bool = False
) -> tuple[int, str]:
    """Make an admin token.

    Args:
        label: a note for the listing (who or what uses it), up to 200 characters.
        store_id: limit the token to this store (None: every store).
        read_only: the token may only read (GET).

    Returns:
        ``(token id, token)``; the token is shown this once, only its hash is kept.

    Raises:
        BadInput: the label is too long. NotFound: no such store.
    """
    label = (label or "").strip()
    if len(label) > MAX_LABEL or "\x00" in label:
        raise BadInput(f"A label must be at most {MAX_LABEL} characters, without NUL.")
    if store_id is not None:
        get_store(store_id)
    token = PREFIX + secrets.token_urlsafe(32)
    row = AdminToken.create(
        token_hash=_hash(token), label=label, store_id=store_id, read_only=read_only
    )
    return row.id, token


def listing() -> list[dict]:
    """Every admin token (never the secret): id, label, scope, created and revoked times."""
    return [
        {
            "id": row.id,
            "label": row.label,
            "store_id": row.store_id,
            "read_only": bool(row.read_only),
            "revoked": bool(row.revoked),
            "created_at": _aware(row.created_at),
            "revoked_at": _aware(row.revoked_at),
        }
        for row in AdminToken.select().order_by(AdminToken.id)
    ]


def revoke(token_id: int) -> None:
    """Revoke a token by id: it is refused from its next request on (idempotent).

    Raises:
        NotFound: no token with this id.
    """
    row = AdminToken.get_or_none(AdminToken.id == token_id)
    if row is None:
        raise NotFound(f"No admin token with id {token_id}; pos-cloud admin-token list shows them.")
    if not row.revoked:
        AdminToken.update(revoked=True, revoked_at=utcnow()).where(
            AdminToken.id == token_id
        ).execute()


def authenticate(token: str) -> AdminScope:
    """The scope of a live admin token, or Unauthorized."""
    row = AdminToken.get_or_none(AdminToken.token_hash == _hash(token))
    if row is None or row.revoked:
        raise Unauthorized("Unknown or revoked admin token; create one with pos-cloud.")
    return AdminScope(row.id, row.store_id, bool(row.read_only))


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment is not None else None
