"""Open-price sales by department, and the list of barcodes nobody has created yet.

The cashier picks a department and enters the price; the line is an ordinary cart line (tax,
discounts, returns, parking, sync all work as for a product) whose product id says which
department it came from. A scan of an unknown barcode is recorded, and may be sold as a department
item (the barcode stays on the line) with a ``sell_unknown_barcode`` approval: the cashier's own
by default, a manager's PIN when the store's policy says so.
"""

from __future__ import annotations

from peewee import SqliteDatabase

from pos_desktop.domain.cart import CartLine
from pos_desktop.domain.department import (
    Department,
    check_open_price,
    department_item,
    normalise_code,
)
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Action
from pos_desktop.storage.department_repo import DepartmentRepository, UnknownBarcode

from .auth import Approval, redeem
from .formatting import money_text
from .ports import Clock

DEMO_DEPARTMENTS = (
    Department("BAKERY", "Bakery", "B", 10, 5_000),
    Department("DELI", "Deli counter", "B", 10, 10_000),
    Department("COFFEE", "Coffee to go", "A", 50, 1_500),
    Department("MISC", "Miscellaneous", "A", 1, 20_000),
)


class DepartmentService:
    def __init__(self, db: SqliteDatabase, checkout, clock: Clock) -> None:
        """``checkout`` owns the cart that :meth:`sell` adds to (None for managing only)."""
        self._db = db
        self._checkout = checkout
        self._clock = clock
        self.repo = DepartmentRepository(db)

    def departments(self) -> list[Department]:
        return self.repo.all()

    def save(self, department: Department) -> Department:
        """Create or change a department (its tax rate must exist).

        Raises:
            DomainError: the tax code is unknown.
        """
        codes = self.repo.tax_codes()
        if department.tax_code not in codes:
            known = ", ".join(sorted(codes)) or "none"
            raise DomainError(
                N_("There is no tax rate '{tax_code}' (known: {known}); pick one of those."),
                tax_code=department.tax_code,
                known=known,
            )
        with self._db.atomic("IMMEDIATE"):
            self.repo.save(department)
        return department

    def remove(self, code: str) -> None:
        if not self.repo.deactivate(normalise_code(code)):
            raise DomainError(
                N_("There is no department '{code}'; see 'pos-admin departments list'."), code=code
            )

    def check(self, code: str, amount_minor: int) -> Department:
        """The department ``code`` if it may sell at ``amount_minor``.

        Raises:
            DomainError: unknown department, or a price outside its limits.
        """
        department = self.repo.get(normalise_code(code))
        if department is None:
            raise DomainError(N_("There is no department '{code}'."), code=code)
        settings = self._checkout.settings
        amount_text = money_text(Money(amount_minor, settings.currency), settings.locale)
        check_open_price(department, amount_minor, amount_text)
        return department

    def sell(
        self,
        code: str,
        amount_minor: int,
        *,
        barcode: str | None = None,
        name: str | None = None,
        approval: Approval | None = None,
    ) -> CartLine:
        """Add one item of department ``code`` at ``amount_minor`` to the current cart
        (``name``: what the line says instead of the department's name, e.g. a quick key's).

        An unknown ``barcode`` sold this way takes a ``SELL_UNKNOWN_BARCODE`` approval bound to
        it (``AuthService.authorize``: the cashier's own by default, a manager's when the store's
        policy says so).

        Raises:
            DomainError: unknown department, or a price outside its limits;
            ApprovalRequired: a barcode without a valid approval (nothing is added).
        """
        department = self.check(code, amount_minor)
        settings = self._checkout.settings
        if barcode:
            redeem(approval, Action.SELL_UNKNOWN_BARCODE, barcode)
        rate = self._checkout.catalog.tax_rates()[department.tax_code]
        item = department_item(department, amount_minor, settings.currency, rate, barcode, name)
        line = self._checkout.cart.add(item, 1)
        if barcode:
            with self._db.atomic("IMMEDIATE"):
                self.repo.mark_sold_as(barcode, department.code)
        return line

    def record_unknown(self, gtin: str) -> None:
        """Remember a scanned barcode no product has (counted, with first and last time)."""
        with self._db.atomic("IMMEDIATE"):
            self.repo.record_unknown(gtin, self._clock.now())

    def unknown_barcodes(self) -> list[UnknownBarcode]:
        """Barcodes scanned but still unknown, most scanned first."""
        return self.repo.unknown_barcodes()

    def seed_demo(self) -> None:
        if not self.repo.all():
            for department in DEMO_DEPARTMENTS:
                self.save(department)
