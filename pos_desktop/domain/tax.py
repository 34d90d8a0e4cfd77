"""Tax rates and the per-line tax split (rounded half up, per line)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .errors import N_, DomainError
from .money import round_half_up


@dataclass(frozen=True, slots=True)
class TaxRate:
    """A tax rate such as VAT 20 %: ``percent`` is exact (``Decimal("5.5")``)."""

    code: str
    name: str
    percent: Decimal

    def __post_init__(self) -> None:
        if not isinstance(self.percent, Decimal) or not self.percent.is_finite():
            raise DomainError(
                N_("Tax rate {code}: the percentage must be an exact number."), code=self.code
            )
        if self.percent < 0 or self.percent >= 100:
            raise DomainError(
                N_("Tax rate {code}: {percent} % is outside 0-99.99 %; fix the rate."),
                code=self.code,
                percent=self.percent,
            )


@dataclass(frozen=True, slots=True)
class TaxSplit:
    """One amount split into net + tax = gross, all in minor units."""

    net: int
    tax: int
    gross: int


def split_tax(amount_minor: int, rate: TaxRate, *, prices_include_tax: bool) -> TaxSplit:
    """Split a line amount into net, tax and gross.

    Args:
        amount_minor: the line amount as priced (gross when prices include tax, else net).
        rate: the line's tax rate.
        prices_include_tax: the store's pricing setting.

    Returns:
        A split where ``net + tax == gross`` exactly; the tax is rounded half up.
    """
    p = Fraction(rate.percent)
    if prices_include_tax:
        tax = round_half_up(Fraction(amount_minor) * p / (100 + p))
        return TaxSplit(net=amount_minor - tax, tax=tax, gross=amount_minor)
    tax = round_half_up(Fraction(amount_minor) * p / 100)
    return TaxSplit(net=amount_minor, tax=tax, gross=amount_minor + tax)


@dataclass(frozen=True, slots=True)
class TaxSummaryRow:
    """Net, tax and gross of every line taxed at one rate."""

    code: str
    name: str
    percent: Decimal
    net: int
    tax: int
    gross: int
