"""Shared set-up for the shift/auth/report tests (no tests here): a real db in a temp dir,
an injected clock, a cheap Argon2id hasher and sales stored through ``SalesRepository``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from argon2 import PasswordHasher, Type
from peewee import SqliteDatabase

from pos_desktop.domain.ids import new_id
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.sale import Sale, SaleLine
from pos_desktop.domain.staff import Role, StaffMember
from pos_desktop.services.auth import AuthService
from pos_desktop.services.reports import ReportService
from pos_desktop.services.shifts import ShiftService, ShiftSettings
from pos_desktop.services.store_setup import DEMO_STORE, DEMO_TAX_RATES, init_store
from pos_desktop.storage.db import open_database
from pos_desktop.storage.sales_repo import SalesRepository

PIN = {"cashier": "1111", "supervisor": "2222", "manager": "3333", "admin": "4444"}


class StepClock:
    """Moves one second per call; ``advance`` jumps (for lockouts). Never sleeps."""

    def __init__(self) -> None:
        self.current = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        self.current += timedelta(seconds=1)
        return self.current

    def advance(self, **kw) -> None:
        self.current += timedelta(**kw)


def cheap_hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=1, memory_cost=8, parallelism=1, type=Type.ID)


@dataclass
class Env:
    db: SqliteDatabase
    clock: StepClock
    auth: AuthService
    shifts: ShiftService
    reports: ReportService
    sales: SalesRepository
    users: dict[str, StaffMember]

    def close(self) -> None:
        self.db.close()


def make_env(tmp_path, threshold_minor: int = 500) -> Env:
    db = open_database(tmp_path / "till.sqlite")
    init_store(db, DEMO_STORE, DEMO_TAX_RATES)
    clock = StepClock()
    auth = AuthService(db, clock, hasher=cheap_hasher())
    users = {role.value: auth.add_user(role.value.title(), role, PIN[role.value]) for role in Role}
    reports = ReportService(db)
    shifts = ShiftService(
        db, clock, auth, ShiftSettings("T01", "EUR", None, threshold_minor), reports
    )
    return Env(db, clock, auth, shifts, reports, SalesRepository(db), users)


def ring_sale(
    env: Env,
    lines: list[tuple[int, str]],
    *,
    tender: str = "cash",
    cashier: str = "Cashier",
    reference: str | None = None,
) -> Sale:
    """Store a completed sale of (gross amount, tax code) lines in the open shift."""
    shift = env.shifts.current()
    rates = {"A": Decimal(20), "B": Decimal("5.5")}
    sale_lines, total, tax_total = [], 0, 0
    for amount, code in lines:
        tax = round(amount * rates[code] / (100 + rates[code]))
        sale_lines.append(
            SaleLine(
                new_id(),
                "p1",
                "SKU1",
                None,
                "Thing",
                Decimal(1),
                amount,
                amount,
                amount - tax,
                tax,
                code,
                rates[code],
            )
        )
        total, tax_total = total + amount, tax_total + tax
    pay = Payment(
        tender, Money(total, "EUR"), Money(total, "EUR"), Money(0, "EUR"), reference=reference
    )
    sale = Sale(
        new_id(),
        "T01",
        "EUR",
        True,
        tuple(sale_lines),
        (pay,),
        total - tax_total,
        tax_total,
        total,
        (),
        env.clock.now(),
        cashier=cashier,
        shift_id=shift.shift_id if shift else None,
    )
    return env.sales.save_completed(sale)
