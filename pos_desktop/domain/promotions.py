"""Promotion rules: what each kind of promotion saves on the lines it is offered.

Each rule is a frozen dataclass with ``compute(lines) -> {line index: savings}``; the pricing
engine (:mod:`pos_desktop.domain.pricing`) decides which lines a rule sees (products, time
window, stacking). Savings are never negative and never more than a line's current amount, so a
promotion can never make the customer pay more.

Kinds: :class:`QuantityPrice` ("3 for 5.00", per product or mix & match across the group),
:class:`BuyXGetY` (free or percent off, cheapest units), :class:`PercentOff`, :class:`AmountOff`
(per unit or once per group), and :class:`BonusPoints`, which changes no price: it gives the
lines it covers extra loyalty points (the pricing engine skips it; the loyalty service reads it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from fractions import Fraction
from typing import ClassVar, NamedTuple

from .allocation import allocate
from .errors import N_, DomainError
from .money import round_half_up

Exact = int | Fraction  # integers while exact division allows, fractions otherwise


@dataclass(frozen=True, slots=True)
class Window:
    """When a promotion runs: an optional date range, weekdays and daily hours.

    ``starts_at`` is inclusive and ``ends_at`` exclusive; ``weekdays`` uses Monday = 0; daily
    hours compare the wall time of ``now`` (pass the store's local time) and may wrap past
    midnight (22:00-02:00).
    """

    starts_at: datetime | None = None
    ends_at: datetime | None = None
    weekdays: frozenset[int] | None = None
    daily_start: time | None = None
    daily_end: time | None = None

    def contains(self, now: datetime) -> bool:
        """True if the promotion is on at ``now``."""
        if self.starts_at is not None and now < self.starts_at:
            return False
        if self.ends_at is not None and now >= self.ends_at:
            return False
        if self.weekdays is not None and now.weekday() not in self.weekdays:
            return False
        if self.daily_start is None or self.daily_end is None:
            return True
        wall = now.time().replace(tzinfo=None)
        if self.daily_start <= self.daily_end:
            return self.daily_start <= wall < self.daily_end
        return wall >= self.daily_start or wall < self.daily_end


ALWAYS = Window()


class PromoLine(NamedTuple):
    """What a rule sees of a cart line: its current (already reduced) amount and quantity."""

    line_index: int  # "index" would shadow tuple.index
    quantity: Decimal
    pieces: int  # whole pieces, 0 for lines sold by weight
    amount_minor: int


@dataclass(frozen=True, kw_only=True)
class Promotion:
    """Common fields. Higher ``priority`` applies first; ``exclusive`` means alone on a line."""

    promotion_id: str
    name: str
    product_ids: frozenset[str]
    window: Window = ALWAYS
    exclusive: bool = False
    priority: int = 0
    changes_price: ClassVar[bool] = True  # False: the pricing engine skips it (BonusPoints)

    def is_active(self, now: datetime) -> bool:
        return self.window.contains(now)

    def compute(self, lines: Sequence[PromoLine]) -> dict[int, int]:
        """Savings per line index for the lines this promotion is offered on."""
        raise NotImplementedError


@dataclass(frozen=True, kw_only=True)
class QuantityPrice(Promotion):
    """``quantity`` pieces for ``price_minor``; with ``mix_and_match`` pieces of any product
    of the group count together. The dearest pieces are bundled first (best for the customer);
    a bundle that would cost more than its pieces is not applied."""

    quantity: int
    price_minor: int
    mix_and_match: bool = False

    def __post_init__(self) -> None:
        if self.quantity < 1 or self.price_minor < 0:
            raise DomainError(
                N_("Promotion {name}: quantity and price must be positive."), name=self.name
            )

    def compute(self, lines: Sequence[PromoLine]) -> dict[int, int]:
        pieces = [line for line in lines if line.pieces > 0]
        groups: dict[object, list[PromoLine]] = {}
        for line in pieces:
            key = "all" if self.mix_and_match else line.line_index
            groups.setdefault(key, []).append(line)
        exact: dict[int, Exact] = {}
        for group in groups.values():
            self._bundle(group, exact)
        return _round_exact(exact)

    def _bundle(self, group: list[PromoLine], exact: dict[int, Exact]) -> None:
        runs = _runs_dearest_first(group)
        bundles = sum(count for _, _, count in runs) // self.quantity
        pos = 0  # index into runs
        taken = 0  # pieces used from runs[pos]
        while bundles > 0:
            unit, index, count = runs[pos]
            if count - taken >= self.quantity:
                # Whole bundles from one line at once: a 500-piece line stays cheap.
                saving = unit * self.quantity - self.price_minor
                if saving <= 0:
                    return  # pieces only get cheaper from here on
                n = min(bundles, (count - taken) // self.quantity)
                exact[index] = exact.get(index, 0) + saving * n
                bundles -= n
                taken += n * self.quantity
            else:
                contributions: list[tuple[int, Exact]] = []
                need = self.quantity
                while need:
                    unit, index, count = runs[pos]
                    use = min(need, count - taken)
                    contributions.append((index, unit * use))
                    need -= use
                    taken += use
                    if taken == count:
                        pos, taken = pos + 1, 0
                regular = sum(c for _, c in contributions)
                saving = regular - self.price_minor
                if saving <= 0:
                    return
                for index, share in _share(saving, contributions):
                    exact[index] = exact.get(index, 0) + share
                bundles -= 1
                continue
            if taken == count:
                pos, taken = pos + 1, 0


@dataclass(frozen=True, kw_only=True)
class MixAndMatch(QuantityPrice):
    """A :class:`QuantityPrice` over the whole group ("any 3 yoghurts for 5.00")."""

    mix_and_match: bool = True


@dataclass(frozen=True, kw_only=True)
class BuyXGetY(Promotion):
    """Buy ``buy`` pieces, get ``get`` more free (or ``percent_off`` off) from the group.

    Pieces are sorted dearest first and grouped ``buy + get`` at a time; in each group the
    cheapest ``get`` pieces are reduced.
    """

    buy: int
    get: int
    percent_off: Decimal = Decimal(100)

    def __post_init__(self) -> None:
        if self.buy < 1 or self.get < 1 or not 0 < self.percent_off <= 100:
            raise DomainError(
                N_("Promotion {name}: buy and get must be at least 1, the percentage 1-100."),
                name=self.name,
            )

    def compute(self, lines: Sequence[PromoLine]) -> dict[int, int]:
        size = self.buy + self.get
        runs = _runs_dearest_first([line for line in lines if line.pieces > 0])
        limit = (sum(count for _, _, count in runs) // size) * size
        fraction = 1 if self.percent_off == 100 else Fraction(self.percent_off) / 100
        exact: dict[int, Exact] = {}
        start = 0
        for unit, index, count in runs:
            end = min(start + count, limit)
            reduced = self._reduced_before(end) - self._reduced_before(start) if end > start else 0
            if reduced:
                exact[index] = exact.get(index, 0) + unit * reduced * fraction
            start += count
        return _round_exact(exact)

    def _reduced_before(self, position: int) -> int:
        """How many of the first ``position`` pieces are 'get' pieces."""
        size = self.buy + self.get
        return (position // size) * self.get + max(0, position % size - self.buy)


@dataclass(frozen=True, kw_only=True)
class PercentOff(Promotion):
    """``percent`` off every line of the group, rounded half up per line."""

    percent: Decimal

    def __post_init__(self) -> None:
        if not 0 < self.percent <= 100:
            raise DomainError(N_("Promotion {name}: the percentage must be 0-100."), name=self.name)

    def compute(self, lines: Sequence[PromoLine]) -> dict[int, int]:
        num, den = _ratio(self.percent, 100)
        return {
            line.line_index: (2 * line.amount_minor * num + den)
            // (2 * den)  # half up, amount >= 0
            for line in lines
            if line.amount_minor > 0
        }


@dataclass(frozen=True, kw_only=True)
class AmountOff(Promotion):
    """``amount_minor`` off each piece (or kilogram) when ``per_unit``, else once off the
    group's total, shared over its lines by amount."""

    amount_minor: int
    per_unit: bool = True

    def __post_init__(self) -> None:
        if self.amount_minor <= 0:
            raise DomainError(
                N_("Promotion {name}: the amount off must be positive."), name=self.name
            )

    def compute(self, lines: Sequence[PromoLine]) -> dict[int, int]:
        if self.per_unit:
            return {line.line_index: min(line.amount_minor, self._per_unit(line)) for line in lines}
        total = sum(line.amount_minor for line in lines)
        shares = allocate(min(self.amount_minor, total), [line.amount_minor for line in lines])
        return {line.line_index: share for line, share in zip(lines, shares, strict=True)}

    def _per_unit(self, line: PromoLine) -> int:
        if line.pieces:
            return self.amount_minor * line.pieces
        return round_half_up(Fraction(self.amount_minor) * Fraction(line.quantity))


MAX_BONUS_MULTIPLIER = Decimal(100)
MAX_EXTRA_POINTS = 100_000


@dataclass(frozen=True, kw_only=True)
class BonusPoints(Promotion):
    """Extra loyalty points on the lines it covers, no price change: ``multiplier`` times the
    points a line earns (2 = double) and/or ``extra_points`` more per whole piece sold (lines
    sold by weight get the multiplier only). Several on one line: the highest multiplier wins,
    the extras add up (``domain.loyalty_rules.bonus_for``)."""

    multiplier: Decimal = Decimal(1)
    extra_points: int = 0
    changes_price: ClassVar[bool] = False

    def __post_init__(self) -> None:
        m = self.multiplier
        if (
            not m.is_finite()
            or not 1 <= m <= MAX_BONUS_MULTIPLIER
            or m != round(m, 2)
            or type(self.extra_points) is not int
            or not 0 <= self.extra_points <= MAX_EXTRA_POINTS
            or (m == 1 and self.extra_points == 0)
        ):
            raise DomainError(
                N_(
                    "Promotion {name}: give a points multiplier from 1 to 100 (at most 2 "
                    "decimals) and/or 0 to 100000 extra points per piece, one of them above "
                    "1 and 0."
                ),
                name=self.name,
            )

    def compute(self, lines: Sequence[PromoLine]) -> dict[int, int]:
        return {}  # no saving: it only changes the points a line earns


def _runs_dearest_first(lines: Sequence[PromoLine]) -> list[tuple[Exact, int, int]]:
    """(unit price, line index, pieces) sorted by unit price, dearest first, then line order."""
    runs = [(_unit_price(line), line.line_index, line.pieces) for line in lines]
    runs.sort(key=lambda run: (-run[0], run[1]))
    return runs


def _share(saving: Exact, contributions: list[tuple[int, Exact]]) -> list[tuple[int, Exact]]:
    """Share one bundle's saving over the lines in it, by what each put in."""
    weights = [c for _, c in contributions]
    if type(saving) is int and all(type(w) is int for w in weights):
        parts: list[Exact] = list(allocate(saving, weights))
    else:
        regular = sum(weights)
        parts = [Fraction(saving * w, regular) for w in weights]
    return [(index, part) for (index, _), part in zip(contributions, parts, strict=True)]


def _unit_price(line: PromoLine) -> Exact:
    # Integers while the amount divides evenly: exact, and far faster than Fraction.
    whole, rest = divmod(line.amount_minor, line.pieces)
    return whole if rest == 0 else Fraction(line.amount_minor, line.pieces)


def _ratio(value: Decimal, scale: int) -> tuple[int, int]:
    """``value / scale`` as an integer numerator and denominator."""
    num, den = value.as_integer_ratio()
    return num, den * scale


def _round_exact(exact: dict[int, Exact]) -> dict[int, int]:
    """Round the promotion's total saving once and share it by largest remainder."""
    if all(type(v) is int for v in exact.values()):
        return exact  # type: ignore[return-value]
    indices = sorted(exact)
    total = round_half_up(sum(exact.values(), Fraction(0)))
    shares = allocate(total, [exact[i] for i in indices])
    return dict(zip(indices, shares, strict=True))


def iter_active(promotions: Sequence[Promotion], now: datetime) -> Iterator[Promotion]:
    """Active promotions in application order: priority (high first), then promotion id."""
    active = [p for p in promotions if p.is_active(now)]
    active.sort(key=lambda p: (-p.priority, p.promotion_id))
    yield from active


__all__ = [
    "ALWAYS", "AmountOff", "BonusPoints", "BuyXGetY", "MixAndMatch", "PercentOff", "PromoLine",
    "Promotion", "QuantityPrice", "Window", "iter_active",
]  # fmt: skip
