"""Money as integer minor units plus an ISO 4217 code, and the one rounding function.

Amounts never become floats: quantities and rates are ``Decimal`` or integers and every
conversion to minor units goes through :func:`round_half_up`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from pos_common.currencies import EXPONENTS, NUMERIC

from .errors import N_, CurrencyMismatch


def currency_exponent(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (2 for EUR, 0 for JPY)."""
    return EXPONENTS.get(validate_currency(currency), 2)


def currency_numeric(currency: str) -> str:
    """ISO 4217 numeric code (``"978"`` for EUR), as card terminals want it."""
    code = validate_currency(currency)
    try:
        return NUMERIC[code]
    except KeyError:
        raise CurrencyMismatch(
            N_("No ISO numeric code known for currency {code}."), code=code
        ) from None


def validate_currency(currency: str) -> str:
    """Return the upper-case code or raise if it is not three letters."""
    code = (currency or "").strip().upper()
    if len(code) != 3 or not code.isalpha() or not code.isascii():
        raise CurrencyMismatch(
            N_("'{currency}' is not an ISO 4217 currency code; use three letters such as EUR."),
            currency=currency,
        )
    return code


def round_half_up(value: Decimal | Fraction | int) -> int:
    """Round an exact value to the nearest integer, halves away from zero.

    This is the project's single rounding rule for money (tax, weights, percentages).
    """
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        sign = -1 if value < 0 else 1
        n, d = abs(value.numerator), value.denominator
        return sign * ((2 * n + d) // (2 * d))
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True, order=False)
class Money:
    """An exact amount: ``amount_minor`` units of the currency's minor unit."""

    amount_minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount_minor, int) or isinstance(self.amount_minor, bool):
            raise TypeError("Money.amount_minor must be an int (minor units), never a float")

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(0, currency)

    @classmethod
    def parse(cls, text: str, currency: str) -> Money:
        """Parse a typed major-unit amount ("12.5", "12,50") into exact minor units.

        Plain amounts only (see :mod:`pos_desktop.domain.amounts`): no sign, exponent or
        text, bounded in length and value.

        Raises:
            ValueError: with a message for the cashier when the text is not an amount or has
                more decimals than the currency allows.
        """
        from .amounts import parse_amount_minor  # amounts imports limits, not money

        return cls(parse_amount_minor(text, currency_exponent(currency), currency), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"cannot combine Money with {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                N_("Cannot combine {currency} with {other_currency} amounts."),
                currency=self.currency,
                other_currency=other.currency,
            )

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor + other.amount_minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount_minor - other.amount_minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount_minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int) or isinstance(factor, bool):
            raise TypeError("multiply Money by an int; use Money.times() for Decimal factors")
        return Money(self.amount_minor * factor, self.currency)

    __rmul__ = __mul__

    def times(self, factor: Decimal | Fraction | int) -> Money:
        """Multiply by an exact factor (a weight, a percentage) and round half up."""
        return Money(round_half_up(Fraction(self.amount_minor) * Fraction(factor)), self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor < other.amount_minor

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor <= other.amount_minor

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor > other.amount_minor

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount_minor >= other.amount_minor

    @property
    def is_zero(self) -> bool:
        return self.amount_minor == 0

    def to_decimal(self) -> Decimal:
        """The amount in major units, exactly (for display code only)."""
        return Decimal(self.amount_minor).scaleb(-currency_exponent(self.currency))

    def __str__(self) -> str:  # log/debug form; people see Babel-formatted amounts
        return f"{self.to_decimal():f} {self.currency}"
