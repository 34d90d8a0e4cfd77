"""``pos-admin policy show|set|second-person``: the store's approval policy (role x action).

Changes apply at the next decision (the till reads the policy at every approval) and are
written to the audit log.
"""

from __future__ import annotations

from argparse import Namespace
from datetime import UTC, datetime

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.policy import ApprovalPolicy, Decision, parse_action
from pos_desktop.domain.staff import Action, Role
from pos_desktop.services.policy_admin import save_policy_change
from pos_desktop.storage.policy_repo import load_policy

from .admin_staff import _open
from .errors import CommandError


def add_subcommands(subparsers) -> None:
    policy = subparsers.add_parser("policy", help="who may do what: allowed, approval, refused")
    p_sub = policy.add_subparsers(dest="policy_command", metavar="ACTION")
    p_sub.required = True
    p_sub.add_parser("show", help="the table, role by action").set_defaults(handler=run_show)
    set_ = p_sub.add_parser("set", help="change one cell of the table")
    set_.add_argument("role", choices=[r.value for r in Role])
    set_.add_argument("action", help="an action, e.g. void_line (see 'policy show')")
    set_.add_argument("decision", choices=[d.value for d in Decision])
    set_.set_defaults(handler=run_set)
    second = p_sub.add_parser(
        "second-person", help="demand somebody else's PIN for an action, whatever the role"
    )
    second.add_argument("action")
    second.add_argument("state", choices=["on", "off"])
    second.set_defaults(handler=run_second_person)


def render(policy: ApprovalPolicy) -> str:
    roles = list(Role)
    head = f"{'action':<22}" + "".join(f"{r.value:<12}" for r in roles) + "second person"
    rows = [head]
    for action, cells in policy.table():
        second = "yes" if policy.needs_second_person(action) else "-"
        rows.append(
            f"{action.value:<22}" + "".join(f"{cells[r].value:<12}" for r in roles) + second
        )
    return "\n".join(rows)


def run_show(args: Namespace) -> int:
    db = _open(args)
    try:
        print(render(load_policy(db)))
    finally:
        db.close()
    return 0


def _change(args: Namespace, change) -> int:
    db = _open(args)
    try:
        old = load_policy(db)
        try:
            policy = change(old)
        except DomainError as err:
            raise CommandError(str(err)) from None
        save_policy_change(db, old, policy, user="pos-admin", now=datetime.now(UTC))
    finally:
        db.close()
    return 0


def run_set(args: Namespace) -> int:
    try:
        action = parse_action(args.action)
    except DomainError as err:
        raise CommandError(str(err)) from None
    code = _change(
        args,
        lambda p: p.with_decision(args.role, action, args.decision),
    )
    print(f"{args.role} / {action.value}: {args.decision}")
    return code


def run_second_person(args: Namespace) -> int:
    try:
        action: Action = parse_action(args.action)
    except DomainError as err:
        raise CommandError(str(err)) from None
    on = args.state == "on"
    code = _change(
        args,
        lambda p: p.with_second_person(action, on),
    )
    print(f"{action.value}: second person {'required' if on else 'not required'}")
    return code
