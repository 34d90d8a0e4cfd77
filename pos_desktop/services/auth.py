"""PIN login, lockout, user admin and the one-shot manager approval of sensitive actions.

PINs are hashed with Argon2id (argon2-cffi, per-user random salt). The hasher is injectable so
tests use cheap parameters; production uses argon2-cffi's defaults (RFC 9106 low-memory profile).
Every sensitive decision, granted or denied, is written to the hash-chained audit log.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from peewee import SqliteDatabase

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import (
    SENSITIVE,
    Action,
    LockoutPolicy,
    Role,
    StaffMember,
    action_label,
    can,
    check_pin,
    check_reason,
    parse_role,
)
from pos_desktop.storage import audit
from pos_desktop.storage.staff_repo import StaffRepository

from .formatting import local_time_text
from .ports import Clock

log = logging.getLogger(__name__)


class AuthError(DomainError):
    """A PIN was wrong, or the user cannot log in."""


class LockedOut(AuthError):
    """Too many wrong PINs: the user is locked until a time."""


class ApprovalRequired(DomainError):
    """The user lacks the permission; someone who has it must approve with their PIN."""

    def __init__(self, message: str, action: Action) -> None:
        super().__init__(message)
        self.action = action


@dataclass(frozen=True, slots=True)
class Approval:
    """Who allowed a sensitive action: the requester alone or with an approver."""

    action: Action
    requester: str
    approver: str  # equals requester when the requester holds the permission
    reason: str | None
    audit_seq: int

    @property
    def self_approved(self) -> bool:
        return self.approver == self.requester


def default_hasher() -> PasswordHasher:
    return PasswordHasher(type=Type.ID)


class AuthService:
    def __init__(
        self,
        db: SqliteDatabase,
        clock: Clock,
        hasher: PasswordHasher | None = None,
        policy: LockoutPolicy | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher or default_hasher()
        self._policy = policy or LockoutPolicy()
        self.users = StaffRepository(db)
        self._dummy: str | None = None

    @property
    def _dummy_hash(self) -> str:
        """Verified when the name is unknown, so a wrong name costs as long as a wrong PIN.

        Made on first use: hashing at construction cost a third of a second at every start.
        """
        if self._dummy is None:
            self._dummy = self._hasher.hash("00000000")
        return self._dummy

    # -- users -------------------------------------------------------------------------------

    def add_user(self, name: str, role: Role | str, pin: str, *, by: str | None = None):
        """Create a user with a hashed PIN (audited)."""
        role = parse_role(role) if isinstance(role, str) else role
        now = self._clock.now()
        with self._db.atomic():
            member = self.users.add(name, role, self._hasher.hash(check_pin(pin)), now)
            audit.append(
                self._db,
                "user.added",
                user=by,
                outcome=audit.GRANTED,
                now=now,
                object_id=member.user_id,
                detail={"name": member.name, "role": role},
            )
        return member

    def _existing(self, name: str) -> StaffMember:
        member = self.users.by_name(name)
        if member is None:
            raise DomainError(f"There is no user named '{name}'; see 'pos-admin users list'.")
        return member

    def reset_pin(self, name: str, pin: str, *, by: str | None = None) -> StaffMember:
        """Give a user a new PIN; this also lifts a lockout (audited)."""
        member, now = self._existing(name), self._clock.now()
        with self._db.atomic():
            self.users.set_pin_hash(member.user_id, self._hasher.hash(check_pin(pin)), now)
            audit.append(
                self._db,
                "user.pin_reset",
                user=by,
                outcome=audit.GRANTED,
                now=now,
                object_id=member.user_id,
                detail={"name": member.name},
            )
        return self._existing(name)

    def set_active(self, name: str, active: bool, *, by: str | None = None) -> StaffMember:
        member, now = self._existing(name), self._clock.now()
        with self._db.atomic():
            self.users.set_active(member.user_id, active, now)
            audit.append(
                self._db,
                "user.enabled" if active else "user.disabled",
                user=by,
                outcome=audit.GRANTED,
                now=now,
                object_id=member.user_id,
                detail={"name": member.name},
            )
        return self._existing(name)

    def list_users(self, *, active_only: bool = False) -> list[StaffMember]:
        return self.users.all(active_only=active_only)

    def approvers_for(self, action: Action) -> list[StaffMember]:
        """Active users whose role may approve ``action`` (for the approval dialog's list)."""
        return [m for m in self.users.all(active_only=True) if can(m.role, action)]

    # -- PIN checks --------------------------------------------------------------------------

    def _verify(self, member: StaffMember, pin: str) -> bool:
        stored = self.users.pin_hash(member.user_id) or self._dummy_hash
        try:
            self._hasher.verify(stored, pin)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        if self._hasher.check_needs_rehash(stored):
            self.users.rehash(member.user_id, self._hasher.hash(pin))
        return True

    def _check_pin(self, member: StaffMember, pin: str, event: str) -> StaffMember:
        """Verify ``member``'s PIN, counting failures and locking after too many."""
        now = self._clock.now()
        if not member.active:
            self._audit_denied(event, member.name, "user disabled", member.user_id)
            raise AuthError(f"{member.name} is disabled; ask a manager.")
        if member.locked_at(now):
            self._audit_denied(event, member.name, "locked", member.user_id)
            until = local_time_text(member.locked_until)  # type: ignore[arg-type]
            raise LockedOut(
                f"{member.name} is locked after too many wrong PINs until {until}; "
                "wait or ask an admin to reset the PIN."
            )
        if self._verify(member, pin):
            if member.failed_attempts:
                self.users.clear_failures(member.user_id)
            return member
        attempts, locked = self._policy.after_failure(member.failed_attempts, now)
        with self._db.atomic():
            self.users.record_failure(member.user_id, attempts, locked)
            self._audit_denied(
                event,
                member.name,
                "wrong PIN",
                member.user_id,
                {"failed_attempts": attempts, "locked": locked is not None},
            )
        if locked is not None:
            log.warning("user %s locked after %d wrong PINs", member.name, attempts)
            raise LockedOut(
                f"Wrong PIN. {member.name} is now locked for "
                f"{int(self._policy.duration.total_seconds() // 60)} minutes."
            )
        left = self._policy.max_attempts - attempts
        raise AuthError(f"Wrong PIN for {member.name}; {left} tries left before the lock.")

    def _audit_denied(self, event, name, why, object_id=None, extra=None) -> None:
        audit.append(
            self._db,
            event,
            user=name,
            outcome=audit.DENIED,
            now=self._clock.now(),
            object_id=object_id,
            detail={"why": why, **(extra or {})},
        )

    def login(self, name: str, pin: str) -> StaffMember:
        """Log ``name`` in at the till.

        Raises:
            AuthError: unknown user, wrong PIN, disabled user; LockedOut when locked.
        """
        member = self.users.by_name(name)
        if member is None:
            self._hasher.verify(self._dummy_hash, "00000000")  # same cost as a real check
            self._audit_denied("login", name, "unknown user")
            raise AuthError(f"There is no user '{name}'; pick your name from the list.")
        member = self._check_pin(member, pin, "login")
        audit.append(
            self._db,
            "login",
            user=member.name,
            outcome=audit.GRANTED,
            now=self._clock.now(),
            object_id=member.user_id,
        )
        return self.users.by_id(member.user_id)  # type: ignore[return-value]

    # -- approvals ---------------------------------------------------------------------------

    def authorize(
        self,
        action: Action,
        user: StaffMember,
        approver_pin: str | None = None,
        reason: str | None = None,
        *,
        approver_name: str | None = None,
        object_id: str | None = None,
    ) -> Approval:
        """Allow ``action`` for ``user``, or get a one-shot approval from someone who may.

        Args:
            action: what is being done.
            user: the logged-in requester.
            approver_pin: the approver's PIN when ``user`` lacks the permission.
            reason: a reason code (required for every sensitive action).
            approver_name: who is approving; when omitted the PIN is tried against every active
                approver and a wrong PIN counts as a failure for each of them.
            object_id: the sale/line/shift concerned, for the audit log.

        Raises:
            ApprovalRequired: when no approver PIN was given and the user may not do it.
            AuthError / LockedOut: a wrong or locked approver PIN.
            DomainError: a missing or unsuitable reason code.
        """
        event = f"approval.{Action(action).value}"
        detail = {"action": action.value, "reason": reason, "requester": user.name}
        allowed = can(user.role, action)
        if not allowed and not approver_pin:
            self._audit_denied(event, user.name, "approval needed", object_id, detail)
            raise ApprovalRequired(
                f"{action_label(action)} needs approval: a supervisor or manager who may do it "
                "enters their PIN and picks a reason.",
                action,
            )
        try:
            check_reason(action, reason)
        except DomainError as err:
            self._audit_denied(event, user.name, "no valid reason", object_id, detail)
            raise err
        if allowed:
            return self._grant(event, action, user.name, user.name, reason, object_id)
        approver = self._find_approver(
            action, approver_pin, approver_name, event, detail, object_id
        )
        return self._grant(event, action, user.name, approver.name, reason, object_id)

    def _grant(self, event, action, requester, approver, reason, object_id) -> Approval:
        head = audit.append(
            self._db,
            event,
            user=requester,
            outcome=audit.GRANTED,
            now=self._clock.now(),
            object_id=object_id,
            detail={
                "action": action.value,
                "approver": approver,
                "reason": reason,
                "requester": requester,
            },
        )
        return Approval(action, requester, approver, reason, head.seq)

    def _find_approver(self, action, pin, name, event, detail, object_id) -> StaffMember:
        if name:
            member = self.users.by_name(name)
            if member is None or not can(member.role, action):
                self._audit_denied(
                    event,
                    detail["requester"],
                    "approver lacks permission",
                    object_id,
                    {**detail, "approver": name},
                )
                raise AuthError(f"{name} may not approve this; ask a manager.")
            return self._check_pin(member, pin, event)
        now = self._clock.now()
        candidates = [m for m in self.approvers_for(action) if not m.locked_at(now)]
        for member in candidates:
            if self._verify(member, pin):
                if member.failed_attempts:
                    self.users.clear_failures(member.user_id)
                return member
        with self._db.atomic():
            for member in candidates:  # an unattributed wrong PIN counts against every approver
                attempts, locked = self._policy.after_failure(member.failed_attempts, now)
                self.users.record_failure(member.user_id, attempts, locked)
            self._audit_denied(event, detail["requester"], "wrong approver PIN", object_id, detail)
        raise AuthError("That PIN does not belong to anyone who may approve this; try again.")


def is_sensitive(action: Action) -> bool:
    return action in SENSITIVE
