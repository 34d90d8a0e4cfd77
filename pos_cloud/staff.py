"""Till users (cashiers to admins) kept in the cloud and fed down to every till of the store.

The owner (or the store's manager, for cashiers and supervisors) adds a user with a PIN, resets
a PIN or disables a user in the back office; the tills get the change through the ``staff``
feed like any catalogue change, so a PIN reset works on every lane within seconds. Only the
Argon2id hash of a PIN is stored and sent (argon2-cffi's defaults, the till's own hasher reads
the parameters from the hash); the PIN itself is never kept, logged or audited.

Users are never deleted (sales and shifts name them): disabling one is the way out.
"""

from __future__ import annotations

import argon2

from .db import database_proxy
from .errors import BadInput, Conflict, NotFound
from .feeds import next_change_seqs
from .models import TillStaff, new_id

ROLES = ("cashier", "supervisor", "manager", "admin")  # the till's roles (domain/staff.py)
_hasher = argon2.PasswordHasher(type=argon2.Type.ID)


def check_pin(pin: str) -> str:
    """A PIN is 4 to 8 digits (as on the till); BadInput otherwise."""
    pin = (pin or "").strip()
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 8):
        raise BadInput("A PIN is 4 to 8 digits; choose another.")
    return pin


def check_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise BadInput("A till user needs a name of 1 to 100 characters.")
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise BadInput(f"Choose a role: {', '.join(ROLES)}.")
    return role


def list_staff(store_id: str) -> list[TillStaff]:
    return list(
        TillStaff.select()
        .where((TillStaff.store == store_id) & (TillStaff.deleted == False))  # noqa: E712
        .order_by(TillStaff.name_key)
    )


def get_staff(store_id: str, staff_id: str) -> TillStaff:
    member = TillStaff.get_or_none((TillStaff.id == staff_id) & (TillStaff.store == store_id))
    if member is None or member.deleted:
        raise NotFound("No such till user in this store.")
    return member


def add_staff(store_id: str, name: str, role: str, pin: str) -> TillStaff:
    """Create a till user; Conflict when the store has one of that name (ignoring case)."""
    name, role = check_name(name), check_role(role)
    pin_hash = _hasher.hash(check_pin(pin))
    with database_proxy.atomic():
        taken = TillStaff.get_or_none(
            (TillStaff.store == store_id) & (TillStaff.name_key == name.lower())
        )
        if taken is not None:
            raise Conflict(f"This store already has a till user named '{taken.name}'.")
        return TillStaff.create(
            id=new_id(),
            store=store_id,
            name=name,
            name_key=name.lower(),
            role=role,
            pin_hash=pin_hash,
            active=True,
            change_seq=next_change_seqs(store_id),
        )


def reset_pin(store_id: str, staff_id: str, pin: str) -> TillStaff:
    """A new PIN; the tills also clear that user's failed attempts and lock when it arrives."""
    pin_hash = _hasher.hash(check_pin(pin))
    return _change(store_id, staff_id, pin_hash=pin_hash)


def set_active(store_id: str, staff_id: str, active: bool) -> TillStaff:
    """Disable (the user can no longer sign in on any till) or enable again."""
    return _change(store_id, staff_id, active=bool(active))


def set_role(store_id: str, staff_id: str, role: str) -> TillStaff:
    return _change(store_id, staff_id, role=check_role(role))


def _change(store_id: str, staff_id: str, **fields) -> TillStaff:
    with database_proxy.atomic():
        get_staff(store_id, staff_id)
        fields["change_seq"] = next_change_seqs(store_id)
        TillStaff.update(**fields).where(TillStaff.id == staff_id).execute()
        return TillStaff.get_by_id(staff_id)
