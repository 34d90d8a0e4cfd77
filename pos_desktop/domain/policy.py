"""The approval policy: role x action -> allowed / needs approval / refused, per store.

One table decides every permission at the till. The built-in defaults come from
``staff.PERMISSIONS`` (a role's permissions are ``allowed``, everything else ``approval``;
managing users is ``refused`` for everyone but admins, and the store-wide screens in
``staff.MANAGER_SCREENS`` for everyone below a manager). A store overrides single cells and may
demand a second person for chosen actions (then nobody approves their own request, whatever
their role). Pure Python; ``storage.policy_repo`` keeps the store's table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from .errors import N_, DomainError
from .staff import MANAGER_SCREENS, PERMISSIONS, Action, Role, action_label, parse_role


class Decision(StrEnum):
    ALLOWED = "allowed"  # the role does it alone (confirming with its own PIN at the till)
    APPROVAL = "approval"  # somebody whose role is ALLOWED approves with their PIN
    REFUSED = "refused"  # not even with an approval


def parse_action(text: str) -> Action:
    """The action named by ``text`` (case-insensitive, '-' or '_').

    Raises:
        DomainError: naming the valid actions.
    """
    try:
        return Action((text or "").strip().lower().replace("-", "_"))
    except ValueError:
        names = ", ".join(a.value for a in Action)
        raise DomainError(
            N_("'{text}' is not an action; use one of: {names}."), text=text, names=names
        ) from None


def parse_decision(text: str) -> Decision:
    try:
        return Decision((text or "").strip().lower())
    except ValueError:
        names = ", ".join(d.value for d in Decision)
        raise DomainError(
            N_("'{text}' is not a decision; use one of: {names}."), text=text, names=names
        ) from None


def default_decision(role: Role, action: Action) -> Decision:
    if action in PERMISSIONS[role]:
        return Decision.ALLOWED
    if action is Action.MANAGE_USERS or action in MANAGER_SCREENS:
        return Decision.REFUSED
    return Decision.APPROVAL


@dataclass(frozen=True, slots=True)
class ApprovalPolicy:
    """The store's overrides on top of the defaults, and the second-person actions."""

    overrides: Mapping[tuple[Role, Action], Decision] = field(default_factory=dict)
    second_person: frozenset[Action] = frozenset()

    def decide(self, role: Role | str, action: Action | str) -> Decision:
        role, action = Role(role), Action(action)
        return self.overrides.get((role, action)) or default_decision(role, action)

    def may_do(self, role: Role | str, action: Action | str) -> bool:
        return self.decide(role, action) is Decision.ALLOWED

    def needs_second_person(self, action: Action) -> bool:
        return Action(action) in self.second_person

    def with_decision(
        self, role: Role | str, action: Action | str, decision: Decision | str
    ) -> ApprovalPolicy:
        """The policy with one cell changed.

        Raises:
            DomainError: when the change would leave nobody allowed to do (and so approve) the
                action, or would take user management away from admins (nobody could undo it).
        """
        role = parse_role(role) if isinstance(role, str) else role
        action = parse_action(action) if isinstance(action, str) else action
        decision = parse_decision(decision) if isinstance(decision, str) else decision
        if (
            role is Role.ADMIN
            and action is Action.MANAGE_USERS
            and decision is not Decision.ALLOWED
        ):
            raise DomainError(N_("Admins always manage users; otherwise nobody could undo this."))
        overrides = dict(self.overrides)
        if decision is default_decision(role, action):
            overrides.pop((role, action), None)
        else:
            overrides[(role, action)] = decision
        changed = replace(self, overrides=overrides)
        if not any(changed.may_do(r, action) for r in Role):
            raise DomainError(
                N_("Nobody could approve '{action_label}' then: keep at least one role 'allowed'."),
                action_label=action_label(action),
            )
        return changed

    def with_second_person(self, action: Action | str, required: bool) -> ApprovalPolicy:
        action = parse_action(action) if isinstance(action, str) else action
        chosen = set(self.second_person)
        (chosen.add if required else chosen.discard)(action)
        return replace(self, second_person=frozenset(chosen))

    def table(
        self, actions: Iterable[Action] = tuple(Action)
    ) -> list[tuple[Action, dict[Role, Decision]]]:
        """Rows for display: each action with its decision per role."""
        return [(a, {r: self.decide(r, a) for r in Role}) for a in actions]

    def to_json(self) -> dict[str, Any]:
        return {
            "overrides": sorted(
                [r.value, a.value, d.value] for (r, a), d in self.overrides.items()
            ),
            "second_person": sorted(a.value for a in self.second_person),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ApprovalPolicy:
        """The stored policy; unknown roles/actions (from a newer version) are skipped."""
        overrides: dict[tuple[Role, Action], Decision] = {}
        for row in data.get("overrides", ()):
            try:
                overrides[(Role(row[0]), Action(row[1]))] = Decision(row[2])
            except (ValueError, IndexError, TypeError):
                continue
        second = set()
        for name in data.get("second_person", ()):
            try:
                second.add(Action(name))
            except ValueError:
                continue
        return cls(overrides, frozenset(second))


DEFAULT_POLICY = ApprovalPolicy()
