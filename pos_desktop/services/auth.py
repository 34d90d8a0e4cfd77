"""PIN login, lockout, user admin and the one-shot approval of sensitive actions.

PINs are hashed with Argon2id (argon2-cffi, per-user random salt). The hasher is injectable so
tests use cheap parameters; production uses argon2-cffi's defaults (RFC 9106 low-memory profile).
Every sensitive decision, granted or denied, is written to the hash-chained audit log.

Who may do what is the store's ``ApprovalPolicy`` (``domain.policy``, kept in the db and read at
every decision). ``authorize`` returns an :class:`Approval`: a one-shot token bound to the action
(and the object, when given) that the services demand (:func:`redeem`) before a sensitive change;
a token they did not get from here, one used already or one older than ``TOKEN_TTL_S`` is
refused, so no caller (UI, POS API, CLI, a script) can skip the decision.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.policy import ApprovalPolicy, Decision
from pos_desktop.domain.staff import (
    SENSITIVE,
    Action,
    LockoutPolicy,
    Role,
    StaffMember,
    action_label,
    check_pin,
    check_reason,
    parse_role,
)
from pos_desktop.storage import audit
from pos_desktop.storage.policy_repo import load_policy
from pos_desktop.storage.staff_repo import StaffRepository
from pos_desktop.storage.till_lockout_repo import TillLockoutRepository

from .formatting import local_time_text
from .ports import Clock

log = logging.getLogger(__name__)

TOKEN_TTL_S = 300  # an approval is for the change on screen now, not for later
# What the owner of a till with no users yet may do without a PIN: set up the store, close it.
SETUP_ACTIONS = frozenset({Action.STORE_SETTINGS, Action.CLOSE_TILL})


class AuthError(DomainError):
    """A PIN was wrong, or the user cannot log in."""


class LockedOut(AuthError):
    """Too many wrong PINs: the user is locked until a time."""


class ApprovalRequired(DomainError):
    """The user lacks the permission; someone who has it must approve with their PIN."""

    def __init__(self, message: str, action: Action, /, **params: object) -> None:
        super().__init__(message, **params)
        self.action = action


class PermissionRefused(DomainError):
    """The store's policy refuses the action to this role, even with an approval."""


@dataclass(frozen=True, slots=True)
class Approval:
    """Who allowed a sensitive action: the requester alone or with an approver.

    A one-shot token: a service uses it up (:func:`redeem`) before the change it allows.
    """

    action: Action
    requester: str
    approver: str  # equals requester when the requester holds the permission
    reason: str | None
    audit_seq: int
    object_id: str | None = None
    note: str = ""
    token: str = field(default_factory=new_id, compare=False)
    issued_s: float = field(default_factory=time.monotonic, compare=False)

    @property
    def self_approved(self) -> bool:
        return self.approver == self.requester


# Tokens issued by ``AuthService.authorize`` and not used yet (this process only).
_LIVE: dict[str, Approval] = {}
_LIVE_LOCK = threading.Lock()


def _issue(approval: Approval) -> Approval:
    with _LIVE_LOCK:
        now = time.monotonic()
        for token in [t for t, a in _LIVE.items() if now - a.issued_s > TOKEN_TTL_S]:
            del _LIVE[token]
        _LIVE[approval.token] = approval
    return approval


def redeem(approval: Approval | None, action: Action, object_id: str | None = None) -> Approval:
    """Use up ``approval`` for ``action`` (on ``object_id``); services call this first.

    Raises:
        ApprovalRequired: no token, a token not issued by ``authorize`` in this process, one
            used already or expired, or one for another action or object.
    """
    label = action_label(action)
    if approval is None:
        raise ApprovalRequired(
            N_(
                "{label} needs an approval (a manager's PIN, or your own if your role "
                "may do it); nothing was changed."
            ),
            action,
            label=label,
        )
    with _LIVE_LOCK:
        live = _LIVE.pop(approval.token, None)
    if live is not approval or time.monotonic() - approval.issued_s > TOKEN_TTL_S:
        raise ApprovalRequired(
            N_(
                "That approval for '{label}' is not valid (used already, expired or "
                "not given at this till): approve again."
            ),
            action,
            label=label,
        )
    if approval.action != action or (
        approval.object_id is not None and object_id is not None and approval.object_id != object_id
    ):
        raise ApprovalRequired(
            N_(
                "That approval was for '{action_label}' on another item, not for "
                "'{label}': approve again."
            ),
            action,
            action_label=action_label(approval.action),
            label=label,
        )
    return approval


def default_hasher() -> PasswordHasher:
    return PasswordHasher(type=Type.ID)


class AuthService:
    def __init__(
        self,
        db: SqliteDatabase,
        clock: Clock,
        hasher: PasswordHasher | None = None,
        policy: LockoutPolicy | None = None,
        *,
        terminal_id: str = "",
    ) -> None:
        self._db = db
        self._clock = clock
        self._hasher = hasher or default_hasher()
        self._policy = policy or LockoutPolicy()
        self.users = StaffRepository(db)
        self._dummy: str | None = None
        # Wrong PINs typed without naming an approver: counted per till, not per user, and
        # kept in the db so a restart does not reset the count or lift the pause.
        self.till_lockout = TillLockoutRepository(db, terminal_id)

    def clock_now(self):
        """The till's clock (lock times on screen count from it)."""
        return self._clock.now()

    @property
    def policy(self) -> ApprovalPolicy:
        """The store's approval policy as stored now (``pos-admin policy set`` applies at once)."""
        return load_policy(self._db)

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
            raise DomainError(
                N_("There is no user named '{name}'; see 'pos-admin users list'."), name=name
            )
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

    def approvers_for(
        self, action: Action, requester: StaffMember | None = None
    ) -> list[StaffMember]:
        """Active users whose role may do (so approve) ``action``, for the approval dialog.

        With ``requester``: they come first when their role may do it themselves (they confirm
        with their own PIN), and are left out when the store demands a second person.
        """
        policy = self.policy
        members = [m for m in self.users.all(active_only=True) if policy.may_do(m.role, action)]
        if requester is None:
            return members
        if policy.needs_second_person(action):
            return [m for m in members if m.user_id != requester.user_id]
        mine = [m for m in members if m.user_id == requester.user_id]
        return mine + [m for m in members if m.user_id != requester.user_id]

    def locked_users(self) -> list[StaffMember]:
        now = self._clock.now()
        return [m for m in self.users.all(active_only=True) if m.locked_at(now)]

    def unlock(self, name: str, approval: Approval | None) -> StaffMember:
        """Lift ``name``'s lockout at the till with an ``UNLOCK_USER`` approval (audited).

        Raises:
            ApprovalRequired: without a valid approval for this user.
            DomainError: no such user, or the user is not locked.
        """
        member, now = self._existing(name), self._clock.now()
        approval = redeem(approval, Action.UNLOCK_USER, member.user_id)
        if not member.locked_at(now):
            raise DomainError(N_("{name} is not locked."), name=member.name)
        with self._db.atomic():
            self.users.clear_failures(member.user_id)
            audit.append(
                self._db,
                "user.unlocked",
                user=approval.requester,
                outcome=audit.GRANTED,
                now=now,
                object_id=member.user_id,
                detail={"name": member.name, "approver": approval.approver},
            )
        return self._existing(name)

    def till_paused_minutes(self) -> int:
        """Whole minutes (rounded up) until this till takes unnamed approver PINs again."""
        _failures, blocked = self.till_lockout.state()
        now = self._clock.now()
        if blocked is None or now >= blocked:
            return 0
        return max(1, -int(-(blocked - now).total_seconds() // 60))

    def lift_till_pause(self, approval: Approval | None) -> None:
        """End the pause on unnamed approver PINs early, with an ``UNLOCK_USER`` approval
        (audited as ``till.unlocked``).

        Raises:
            ApprovalRequired: without a valid approval.
            DomainError: the till is not paused.
        """
        approval = redeem(approval, Action.UNLOCK_USER, "till")
        if not self.till_paused_minutes():
            raise DomainError(N_("This till takes approver PINs already; nothing to unlock."))
        with self._db.atomic():
            self.till_lockout.clear()
            audit.append(
                self._db,
                "till.unlocked",
                user=approval.requester,
                outcome=audit.GRANTED,
                now=self._clock.now(),
                object_id="till",
                detail={"approver": approval.approver},
            )

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
            raise AuthError(N_("{name} is disabled; ask a manager."), name=member.name)
        if member.locked_at(now):
            self._audit_denied(event, member.name, "locked", member.user_id)
            raise LockedOut(self.locked_text(member))
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
                audit.append(
                    self._db,
                    "user.locked",
                    user=member.name,
                    outcome=audit.DENIED,
                    now=now,
                    object_id=member.user_id,
                    detail={"after": event, "failed_attempts": attempts, "until": str(locked)},
                )
        if locked is not None:
            log.warning("user %s locked after %d wrong PINs", member.name, attempts)
            raise LockedOut(
                N_(
                    "Wrong PIN. {name} is now locked for {minutes} minutes; another manager or "
                    "admin can unlock (Staff > Unlock user)."
                ),
                name=member.name,
                minutes=int(self._policy.duration.total_seconds() // 60),
            )
        left = self._policy.max_attempts - attempts
        raise AuthError(
            N_("Wrong PIN for {name}; {left} tries left before the lock."),
            name=member.name,
            left=left,
        )

    def locked_text(self, member: StaffMember) -> str:
        """What the PIN pad says about a locked user: until when, and how long that is."""
        now = self._clock.now()
        until = local_time_text(member.locked_until)  # type: ignore[arg-type]
        return (
            f"{member.name} is locked after too many wrong PINs until {until} "
            f"({member.minutes_locked(now)} min left); another manager or admin can unlock "
            "(Staff > Unlock user)."
        )

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
            raise AuthError(
                N_("There is no user '{name}'; pick your name from the list."), name=name
            )
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
        note: str = "",
    ) -> Approval:
        """Decide ``action`` for ``user`` by the store's policy; return a one-shot token.

        A role the policy ``allows`` does it alone (with a PIN given, it must be the user's own
        or a named approver's); ``approval`` needs the PIN of someone whose role is allowed;
        ``refused`` is never granted. When the store demands a second person for the action,
        the approver must be someone else, whatever the requester's role.

        Args:
            action: what is being done.
            user: the logged-in requester.
            approver_pin: the approver's PIN (the requester's own to confirm their action).
            reason: a reason code (required for every sensitive action).
            approver_name: who is approving (may be the requester). When omitted the PIN is
                tried against every approver; a wrong one then counts against this till, not
                against any user (see ``_find_approver``).
            object_id: the sale/line/shift concerned: the token is bound to it.
            note: free text from the person (a discount's typed reason), for the audit log.

        Raises:
            PermissionRefused: the policy refuses the action to the user's role.
            ApprovalRequired: no (or no second person's) PIN was given and one is needed.
            AuthError / LockedOut: a wrong or locked approver PIN.
            DomainError: a missing or unsuitable reason code.
        """
        action = Action(action)
        event = f"approval.{action.value}"
        detail = {"action": action.value, "reason": reason, "requester": user.name}
        if note:
            detail["note"] = note
        policy = self.policy
        decision = policy.decide(user.role, action)
        second = policy.needs_second_person(action)
        if decision is Decision.REFUSED:
            self._audit_denied(event, user.name, "refused by policy", object_id, detail)
            raise PermissionRefused(
                N_(
                    "{action_label} is not allowed for the role {role} in this store (see "
                    "'pos-admin policy show')."
                ),
                action_label=action_label(action),
                role=user.role.value,
            )
        alone = decision is Decision.ALLOWED and not second
        if not alone and not approver_pin:
            self._audit_denied(event, user.name, "approval needed", object_id, detail)
            who = "someone else" if second else "a supervisor or manager who may do it"
            raise ApprovalRequired(
                N_("{action_label} needs approval: {who} enters their PIN and picks a reason."),
                action,
                action_label=action_label(action),
                who=who,
            )
        try:
            check_reason(action, reason)
        except DomainError as err:
            self._audit_denied(event, user.name, "no valid reason", object_id, detail)
            raise err
        if not approver_pin:
            return self._grant(event, action, user.name, user.name, reason, object_id, note)
        if second and approver_name and approver_name.strip().casefold() == user.name.casefold():
            self._audit_denied(event, user.name, "second person needed", object_id, detail)
            raise AuthError(
                N_("{action_label} needs a second person: ask someone else."),
                action_label=action_label(action),
            )
        approver = self._find_approver(
            action,
            approver_pin,
            approver_name,
            event,
            detail,
            object_id,
            exclude=user if second else None,
        )
        return self._grant(event, action, user.name, approver.name, reason, object_id, note)

    def authorize_setup(self, action: Action) -> Approval:
        """The token for ``action`` on a till with no users yet (audited as ``setup``): its owner
        sets up the store and closes the till before adding anyone (``SETUP_ACTIONS`` only).

        Raises:
            ApprovalRequired: the till has users (log in), or the action is not a setup action.
        """
        action = Action(action)
        if action not in SETUP_ACTIONS or self.users.all():
            self._audit_denied(f"approval.{action.value}", None, "nobody logged in")
            raise ApprovalRequired(
                N_("{action_label} needs somebody logged in: log in first (Ctrl+L)."),
                action,
                action_label=action_label(action),
            )
        return self._grant(f"approval.{action.value}", action, "setup", "setup", None, None)

    def _grant(self, event, action, requester, approver, reason, object_id, note="") -> Approval:
        detail = {"action": action.value, "approver": approver, "reason": reason}
        detail["requester"] = requester
        if note:
            detail["note"] = note
        head = audit.append(
            self._db,
            event,
            user=requester,
            outcome=audit.GRANTED,
            now=self._clock.now(),
            object_id=object_id,
            detail=detail,
        )
        return _issue(Approval(action, requester, approver, reason, head.seq, object_id, note))

    def _find_approver(
        self, action, pin, name, event, detail, object_id, *, exclude=None
    ) -> StaffMember:
        policy = self.policy
        if name:
            member = self.users.by_name(name)
            if member is None or not policy.may_do(member.role, action):
                self._audit_denied(
                    event,
                    detail["requester"],
                    "approver lacks permission",
                    object_id,
                    {**detail, "approver": name},
                )
                raise AuthError(N_("{name} may not approve this; ask a manager."), name=name)
            return self._check_pin(member, pin, event)
        return self._unattributed(action, pin, event, detail, object_id, exclude)

    def _unattributed(self, action, pin, event, detail, object_id, exclude) -> StaffMember:
        """A PIN without a name: try every approver. A wrong one moves no user's count (a
        cashier could otherwise lock every manager out); it counts against this till, which
        refuses unnamed PINs for the lockout duration after ``max_attempts`` of them."""
        now = self._clock.now()
        failures, blocked = self.till_lockout.state()
        if blocked is not None and now < blocked:
            self._audit_denied(event, detail["requester"], "unnamed PINs paused", object_id, detail)
            left = max(1, -int(-(blocked - now).total_seconds() // 60))
            raise LockedOut(
                N_(
                    "Too many wrong PINs on this till: pick the approver by name, or wait "
                    "{left} min."
                ),
                left=left,
            )
        candidates = [
            m
            for m in self.approvers_for(action)
            if not m.locked_at(now) and (exclude is None or m.user_id != exclude.user_id)
        ]
        for member in candidates:
            if self._verify(member, pin):
                with self._db.atomic():
                    if member.failed_attempts:
                        self.users.clear_failures(member.user_id)
                    if failures or blocked is not None:
                        self.till_lockout.clear()
                return member
        failures, until = self._policy.after_failure(failures, now)
        with self._db.atomic("IMMEDIATE"):
            # the pause starts the count afresh; while it runs no PIN is tried at all
            self.till_lockout.save(0 if until is not None else failures, until)
            self._audit_denied(
                event,
                detail["requester"],
                "wrong approver PIN",
                object_id,
                {**detail, "till_failures": failures},
            )
        raise AuthError(N_("That PIN does not belong to anyone who may approve this; try again."))


def is_sensitive(action: Action) -> bool:
    return action in SENSITIVE
