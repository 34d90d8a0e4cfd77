"""Departments: selling what has no barcode (bakery, deli, coffee) at a price the cashier enters.

A department names a tax rate and, optionally, the lowest and highest price a cashier may enter
for one item, so a slip of the finger (4200 instead of 4.20) is caught at the till.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .catalog import CatalogItem
from .errors import N_, DomainError
from .tax import TaxRate

_CODE = re.compile(r"^[A-Z0-9_-]{1,20}$")
PRODUCT_ID_PREFIX = "department:"


@dataclass(frozen=True, slots=True)
class Department:
    """An open-price department; prices in minor units of the store's currency."""

    code: str
    name: str
    tax_code: str
    min_price_minor: int | None = None
    max_price_minor: int | None = None

    def __post_init__(self) -> None:
        if not _CODE.match(self.code):
            raise DomainError(
                N_(
                    "'{code}' is not a department code: use 1-20 capital letters, digits, "
                    "'-' or '_' (for example BAKERY)."
                ),
                code=self.code,
            )
        if not self.name.strip():
            raise DomainError(N_("Department {code} needs a name."), code=self.code)
        low, high = self.min_price_minor, self.max_price_minor
        if (low is not None and low < 0) or (high is not None and high <= 0):
            raise DomainError(
                N_("Department {code}: price limits must be positive amounts."), code=self.code
            )
        if low is not None and high is not None and low > high:
            raise DomainError(
                N_("Department {code}: the lowest price is above the highest."), code=self.code
            )


def normalise_code(text: str) -> str:
    return (text or "").strip().upper()


def check_open_price(department: Department, amount_minor: int, amount_text: str) -> None:
    """Refuse an entered price outside the department's limits (or not above zero).

    Args:
        amount_text: the amount as the cashier should read it in the message.

    Raises:
        DomainError: saying which limit the price breaks.
    """
    if amount_minor <= 0:
        raise DomainError(N_("Enter a price above zero for {name}."), name=department.name)
    if department.max_price_minor is not None and amount_minor > department.max_price_minor:
        raise DomainError(
            N_(
                "{amount_text} is above the highest price for {name}: check the amount "
                "or ask a manager to change the department's limit."
            ),
            amount_text=amount_text,
            name=department.name,
        )
    if department.min_price_minor is not None and amount_minor < department.min_price_minor:
        raise DomainError(
            N_("{amount_text} is below the lowest price for {name}."),
            amount_text=amount_text,
            name=department.name,
        )


def department_item(
    department: Department,
    amount_minor: int,
    currency: str,
    rate: TaxRate,
    gtin: str | None,
    name: str | None = None,
) -> CatalogItem:
    """The cart item for one department sale at ``amount_minor`` (``gtin``: the unknown
    barcode it was sold for, kept on the sale line so a manager can create the product)."""
    return CatalogItem(
        product_id=f"{PRODUCT_ID_PREFIX}{department.code}",
        sku=f"DEPT-{department.code}",
        name=name or department.name,
        unit_price_minor=amount_minor,
        currency=currency,
        tax_rate=rate,
        gtin=gtin,
    )
