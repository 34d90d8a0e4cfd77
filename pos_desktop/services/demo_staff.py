"""Demo mode's people: a cashier and a manager with PINs printed in the README."""

from __future__ import annotations

from .auth import AuthService

DEMO_USERS = (("Demo Cashier", "cashier", "1111"), ("Demo Manager", "manager", "9999"))


def ensure_demo_staff(auth: AuthService) -> None:
    """Create the demo users when the till has nobody yet."""
    if auth.list_users():
        return
    for name, role, pin in DEMO_USERS:
        auth.add_user(name, role, pin, by="demo")
