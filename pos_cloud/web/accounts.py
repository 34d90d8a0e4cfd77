"""Back-office people: owner and store-manager accounts, passwords, sessions, login limits.

Passwords are hashed with Argon2id (argon2-cffi's defaults, RFC 9106's second recommended
profile). Session ids, CSRF tokens and setup tokens are 256-bit random secrets, so the
database keeps only their SHA-256 (a stolen table does not log anybody in).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..auth import hash_secret
from ..db import database_proxy
from ..errors import BadInput, NotFound, Unauthorized
from ..models import Organisation, Store, utcnow
from .models import MANAGER, OWNER, WebLoginAttempt, WebSession, WebSetupToken, WebUser

SESSION_TTL = dt.timedelta(hours=12)  # idle sessions end; every request slides the expiry
SETUP_TTL = dt.timedelta(hours=72)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 would hash megabytes happily; nobody types that
# Login limits: per e-mail address and per client address, in a sliding window.
LOGIN_WINDOW = dt.timedelta(minutes=15)
LOGIN_MAX_PER_EMAIL = 5
LOGIN_MAX_PER_IP = 30

_hasher = PasswordHasher()  # Argon2id
# Verified against when the e-mail is unknown, so a miss costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


@dataclass(frozen=True)
class Viewer:
    """The signed-in person and what they may see."""

    user_id: str
    email: str
    role: str
    organisation_id: str
    store_id: str | None  # a manager's store; None for an owner
    csrf_token: str
    session_hash: str

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER


def normalise_email(email: str) -> str:
    """Trimmed, lower-case; refuses text that cannot be an address."""
    value = (email or "").strip().lower()
    if "@" not in value or len(value) > 254 or any(c.isspace() for c in value):
        raise BadInput(f"'{email}' is not an e-mail address.")
    return value


def check_password_rules(password: str) -> None:
    """Raise BadInput unless ``password`` is acceptable (length only, as NIST SP 800-63B)."""
    if len(password or "") < MIN_PASSWORD:
        raise BadInput(f"Choose a password of at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise BadInput(f"A password can have at most {MAX_PASSWORD} characters.")


def _organisation_id() -> str:
    org = Organisation.select().order_by(Organisation.created_at).first()
    if org is None:
        org = Organisation.create(name="default")
    return org.id


def create_user(email: str, role: str, store_id: str | None = None) -> tuple[WebUser, str]:
    """Create an account without a password and return it with a one-time setup code.

    Args:
        email: the person's address (unique).
        role: ``owner`` (every store of the business) or ``manager`` (``store_id`` only).
        store_id: required for a manager.

    Raises:
        BadInput: bad address, role or store, or the address is taken.
    """
    address = normalise_email(email)
    if role not in (OWNER, MANAGER):
        raise BadInput("The role is owner or manager.")
    with database_proxy.atomic():
        if role == MANAGER:
            store = Store.get_or_none(Store.id == (store_id or ""))
            if store is None:
                raise BadInput("A store manager needs an existing store (--store <id>).")
            org = store.organisation_id
        else:
            store_id, org = None, _organisation_id()
        if WebUser.get_or_none(WebUser.email == address) is not None:
            raise BadInput(f"There is already an account for {address}.")
        user = WebUser.create(organisation_id=org, email=address, role=role, store_id=store_id)
        code = issue_setup_token(user)
    return user, code


def issue_setup_token(user: WebUser) -> str:
    """A fresh one-time code with which ``user`` sets a password (shown once)."""
    code = secrets.token_urlsafe(24)
    WebSetupToken.create(token_hash=hash_secret(code), user=user, expires_at=utcnow() + SETUP_TTL)
    return code


def setup_user_for(code: str) -> WebUser:
    """The account a live setup code belongs to (Unauthorized when used/unknown/expired)."""
    row = WebSetupToken.get_or_none(WebSetupToken.token_hash == hash_secret(code or ""))
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise Unauthorized("This setup link is unknown, used or expired; ask for a new one.")
    return WebUser.get_by_id(row.user_id)


def complete_setup(code: str, password: str) -> WebUser:
    """Burn the setup code and set the account's password."""
    check_password_rules(password)
    now = utcnow()
    with database_proxy.atomic():
        user = setup_user_for(code)
        burned = (
            WebSetupToken.update(used_at=now)
            .where(
                (WebSetupToken.token_hash == hash_secret(code)) & WebSetupToken.used_at.is_null()
            )
            .execute()
        )
        if burned != 1:
            raise Unauthorized("This setup link was just used; sign in or ask for a new one.")
        WebUser.update(password_hash=_hasher.hash(password), password_changed_at=now).where(
            WebUser.id == user.id
        ).execute()
    return WebUser.get_by_id(user.id)


def login_allowed(email_key: str, ip_key: str) -> bool:
    """False while too many failed attempts came for this address or from this client."""
    since = utcnow() - LOGIN_WINDOW
    for key, limit in ((email_key, LOGIN_MAX_PER_EMAIL), (ip_key, LOGIN_MAX_PER_IP)):
        count = (
            WebLoginAttempt.select()
            .where((WebLoginAttempt.key == key) & (WebLoginAttempt.at > since))
            .count()
        )
        if count >= limit:
            return False
    return True


def login(email: str, password: str, client_ip: str) -> str:
    """Check the credentials and open a session; return the cookie value (shown once).

    Failed attempts are counted per address and per client address; over the limit every
    attempt is refused (even a right password) until the window has passed.

    Raises:
        Unauthorized: wrong address or password, or the limit is reached.
    """
    address = (email or "").strip().lower()[:254]
    email_key, ip_key = f"email:{address}", f"ip:{client_ip}"[:300]
    if not login_allowed(email_key, ip_key):
        raise Unauthorized(
            "Too many failed sign-ins; wait 15 minutes or reset the password with pos-cloud."
        )
    user = WebUser.get_or_none(WebUser.email == address)
    stored = user.password_hash if user is not None and user.active else None
    try:
        _hasher.verify(stored or _DUMMY_HASH, (password or "")[:MAX_PASSWORD])
        ok = stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        now = utcnow()
        WebLoginAttempt.insert_many(
            [{"key": email_key, "at": now}, {"key": ip_key, "at": now}]
        ).execute()
        raise Unauthorized("Wrong e-mail address or password.")
    if _hasher.check_needs_rehash(stored):
        WebUser.update(password_hash=_hasher.hash(password)).where(WebUser.id == user.id).execute()
    return open_session(user)


def open_session(user: WebUser) -> str:
    """A new server-side session for ``user``; returns the cookie value."""
    cookie = secrets.token_urlsafe(32)
    now = utcnow()
    WebSession.create(
        id_hash=hash_secret(cookie),
        user=user,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        last_seen_at=now,
        expires_at=now + SESSION_TTL,
    )
    return cookie


def viewer_for(cookie: str | None) -> Viewer | None:
    """The live session behind a cookie value (sliding its expiry), or None."""
    if not cookie:
        return None
    key = hash_secret(cookie)
    row = (
        WebSession.select(WebSession, WebUser)
        .join(WebUser)
        .where(WebSession.id_hash == key)
        .get_or_none()
    )
    now = utcnow()
    if row is None or row.expires_at < now or not row.user.active:
        return None
    if now - row.last_seen_at > dt.timedelta(minutes=1):  # one write a minute, not per poll
        WebSession.update(last_seen_at=now, expires_at=now + SESSION_TTL).where(
            WebSession.id_hash == key
        ).execute()
    user = row.user
    return Viewer(
        user.id, user.email, user.role, user.organisation_id, user.store_id, row.csrf_token, key
    )


def logout(viewer: Viewer) -> None:
    """End this session."""
    WebSession.delete().where(WebSession.id_hash == viewer.session_hash).execute()


def change_password(viewer: Viewer, current: str, new: str) -> None:
    """Replace the password after checking the current one; ends the user's other sessions."""
    user = WebUser.get_by_id(viewer.user_id)
    try:
        _hasher.verify(user.password_hash or _DUMMY_HASH, (current or "")[:MAX_PASSWORD])
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise BadInput("The current password is wrong.") from None
    check_password_rules(new)
    with database_proxy.atomic():
        WebUser.update(password_hash=_hasher.hash(new), password_changed_at=utcnow()).where(
            WebUser.id == user.id
        ).execute()
        WebSession.delete().where(
            (WebSession.user == user.id) & (WebSession.id_hash != viewer.session_hash)
        ).execute()


def reset_password(email: str) -> str:
    """A new setup code for an existing account (CLI: forgotten password)."""
    user = WebUser.get_or_none(WebUser.email == normalise_email(email))
    if user is None:
        raise NotFound(f"No back-office account for {email}.")
    return issue_setup_token(user)


def prune(now: dt.datetime | None = None) -> int:
    """Delete expired sessions and setup tokens, and login attempts outside the window."""
    now = now or utcnow()
    removed = WebSession.delete().where(WebSession.expires_at < now).execute()
    removed += WebLoginAttempt.delete().where(WebLoginAttempt.at < now - LOGIN_WINDOW).execute()
    removed += WebSetupToken.delete().where(WebSetupToken.expires_at < now - SETUP_TTL).execute()
    return removed
