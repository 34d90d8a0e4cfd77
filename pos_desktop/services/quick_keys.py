"""Quick keys: favourite products and departments on a touch grid, edited at the till.

Changing keys takes an ``EDIT_QUICK_KEYS`` approval (the store's policy: a manager's by default).

Checks what a key points at when it is saved (a product that exists, an offered department), so a
key never fails in front of a customer for a reason known at editing time.
"""

from __future__ import annotations

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.staff import Action
from pos_desktop.storage.catalog_repo import is_active_sku
from pos_desktop.storage.department_repo import DepartmentRepository
from pos_desktop.storage.quick_key_repo import QuickKey, QuickKeyRepository

from .auth import Approval, redeem

DEMO_KEYS = (
    QuickKey(1, 0, "Espresso", department="COFFEE", price_minor=180),
    QuickKey(1, 1, "Cappuccino", department="COFFEE", price_minor=290),
    QuickKey(1, 2, "Coffee (enter price)", department="COFFEE"),
    QuickKey(1, 3, "Croissant", sku="SKU0000015"),
    QuickKey(1, 4, "Baguette", sku="SKU0000017"),
    QuickKey(1, 5, "Cinnamon bun", sku="SKU0000018"),
    QuickKey(1, 6, "Bakery (enter price)", department="BAKERY"),
    QuickKey(1, 7, "Tomatoes, loose (weighed)", sku="LOOSE-TOMATO"),
    QuickKey(1, 8, "Bananas, loose (weighed)", sku="LOOSE-BANANA"),
)


class QuickKeyService:
    def __init__(self, db: SqliteDatabase) -> None:
        self._db = db
        self.repo = QuickKeyRepository(db)
        self._departments = DepartmentRepository(db)

    def page(self, page: int) -> dict[int, QuickKey]:
        return self.repo.page(page)

    def editor(self, approval: Approval | None) -> QuickKeyEditing:
        """The way to change keys at the till: uses up an ``EDIT_QUICK_KEYS`` approval.

        Raises:
            ApprovalRequired: without a valid approval (the store's policy decides who).
        """
        redeem(approval, Action.EDIT_QUICK_KEYS)
        return QuickKeyEditing(self)

    def _save(self, key: QuickKey) -> QuickKey:
        """Put ``key`` on the grid (replacing what was there).

        Raises:
            DomainError: the product or department does not exist.
        """
        if key.sku is not None:
            if not is_active_sku(self._db, key.sku):
                raise DomainError(
                    N_("There is no product with SKU {sku}; pick another."), sku=key.sku
                )
        elif key.department is None or self._departments.get(key.department) is None:
            raise DomainError(
                N_("There is no department {department}; pick another."), department=key.department
            )
        with self._db.atomic("IMMEDIATE"):
            self.repo.save(key)
        return key

    def _clear(self, page: int, position: int) -> None:
        with self._db.atomic("IMMEDIATE"):
            self.repo.clear(page, position)

    def seed_demo(self) -> None:
        """The demo's first page (skipping keys whose product the demo catalogue lacks)."""
        if self.repo.pages_in_use():
            return
        for key in DEMO_KEYS:
            try:
                self._save(key)
            except DomainError:
                continue


class QuickKeyEditing:
    """Changes to the keys, granted by one approval (``QuickKeyService.editor``)."""

    def __init__(self, service: QuickKeyService) -> None:
        self._service = service

    def save(self, key: QuickKey) -> QuickKey:
        """Put ``key`` on the grid (replacing what was there).

        Raises:
            DomainError: the product or department does not exist.
        """
        return self._service._save(key)

    def clear(self, page: int, position: int) -> None:
        self._service._clear(page, position)
