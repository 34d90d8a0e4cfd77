"""Cash counted by denomination, and the variance between what was expected and counted.

Denominations are minor-unit values per currency (configurable: pass your own tuple).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import N_, DomainError
from .money import Money, validate_currency

_EURO = (50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1)
DENOMINATIONS: dict[str, tuple[int, ...]] = {
    "EUR": _EURO,
    "USD": (10000, 5000, 2000, 1000, 500, 200, 100, 25, 10, 5, 1),
    "GBP": (5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1),
    "CHF": (100000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5),
    "SEK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100),
    "NOK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 100),
    "DKK": (100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50),
    "JPY": (10000, 5000, 2000, 1000, 500, 100, 50, 10, 5, 1),
}


def denominations(currency: str, configured: Iterable[int] | None = None) -> tuple[int, ...]:
    """Notes and coins for ``currency``, largest first.

    Args:
        currency: ISO 4217 code.
        configured: the store's own list (minor units), overriding the built-in one.

    Raises:
        DomainError: when no list is known and none was configured, or a value is not positive.
    """
    code = validate_currency(currency)
    values = tuple(configured) if configured is not None else DENOMINATIONS.get(code)
    if not values:
        raise DomainError(
            N_("No cash denominations are configured for {code}; add them to the till's settings."),
            code=code,
        )
    if any(not isinstance(v, int) or isinstance(v, bool) or v <= 0 for v in values):
        raise DomainError(
            N_("{code} denominations must be positive whole minor units: {values}."),
            code=code,
            values=values,
        )
    return tuple(sorted(set(values), reverse=True))


@dataclass(frozen=True, slots=True)
class CashCount:
    """How many of each note/coin were counted. ``counts`` pairs are (value_minor, pieces)."""

    currency: str
    counts: tuple[tuple[int, int], ...]

    @classmethod
    def from_mapping(
        cls, currency: str, pieces: Mapping[int, int], allowed: Iterable[int] | None = None
    ) -> CashCount:
        """Build a count from ``{value_minor: pieces}``, checking every value and count.

        Raises:
            DomainError: for an unknown denomination or a negative/non-integer count.
        """
        valid = set(denominations(currency, allowed))
        rows = []
        for value, n in sorted(pieces.items(), reverse=True):
            value = int(value)
            if value not in valid:
                raise DomainError(
                    N_("{amount} is not a {currency} note or coin on this till."),
                    amount=Money(value, currency),
                    currency=currency,
                )
            if not isinstance(n, int) or isinstance(n, bool) or n < 0:
                raise DomainError(
                    N_("The count for {amount} must be 0 or more."), amount=Money(value, currency)
                )
            if n:
                rows.append((value, n))
        return cls(validate_currency(currency), tuple(rows))

    @classmethod
    def from_total(
        cls, currency: str, total_minor: int, allowed: Iterable[int] | None = None
    ) -> CashCount:
        """A count that makes up ``total_minor`` from the fewest notes and coins (largest first),
        for scripts that know the total but not the pieces.

        Raises:
            DomainError: a negative total, or one the notes and coins cannot make up exactly.
        """
        if not isinstance(total_minor, int) or total_minor < 0:
            raise DomainError(
                N_("The amount must be 0 or more minor units, not {total_minor}."),
                total_minor=total_minor,
            )
        rest, rows = total_minor, []
        for value in denominations(currency, allowed):
            n, rest = divmod(rest, value)
            if n:
                rows.append((value, n))
        if rest:
            raise DomainError(
                N_(
                    "{amount} cannot be made of this till's {currency} notes and coins "
                    "(smallest {smallest})."
                ),
                amount=Money(total_minor, currency),
                currency=currency,
                smallest=Money(min(denominations(currency, allowed)), currency),
            )
        return cls(validate_currency(currency), tuple(rows))

    @classmethod
    def from_json(cls, currency: str, data: Mapping[str, int]) -> CashCount:
        return cls(
            currency, tuple(sorted(((int(k), int(v)) for k, v in data.items()), reverse=True))
        )

    def to_json(self) -> dict[str, int]:
        """``{"5000": 2, ...}``: JSON keys must be text."""
        return {str(value): n for value, n in self.counts}

    def total(self) -> Money:
        return Money(sum(value * n for value, n in self.counts), self.currency)


@dataclass(frozen=True, slots=True)
class Variance:
    """Counted minus expected for one tender: positive is over, negative is short."""

    tender: str
    expected: Money
    counted: Money

    @property
    def difference(self) -> Money:
        return self.counted - self.expected

    @property
    def outcome(self) -> str:
        diff = self.difference.amount_minor
        return "over" if diff > 0 else "short" if diff < 0 else "exact"

    def exceeds(self, threshold_minor: int) -> bool:
        """Whether the absolute variance is above ``threshold_minor``."""
        return abs(self.difference.amount_minor) > threshold_minor

    def to_json(self) -> dict[str, object]:
        return {
            "tender": self.tender,
            "expected_minor": self.expected.amount_minor,
            "counted_minor": self.counted.amount_minor,
            "difference_minor": self.difference.amount_minor,
            "outcome": self.outcome,
        }
