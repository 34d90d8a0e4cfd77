"""Loyalty earn rules: a base rate (points per 1 unit of the currency paid) and, per product
group (the product's category), a multiplier of it: ``Coffee=2`` earns double, ``Tobacco=0``
nothing; other products earn the base rate.

Bonus-points promotions (:class:`~pos_desktop.domain.promotions.BonusPoints`) running at the
sale's time multiply a line's group multiplier (several on one line: the highest wins) and add
extra points per whole piece (several: they add up; lines sold by weight get none).

Points are figured exactly (fractions, never floats) and rounded down once per sale or refund:
``floor(max(0, (sum of line amount x multiplier - paid with points) x base rate) + extras)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import floor

from .errors import N_, DomainError
from .promotions import BonusPoints, Promotion

GroupRates = tuple[tuple[str, Decimal], ...]
MAX_MULTIPLIER = Decimal(100)


def parse_group_rates(text: str) -> GroupRates:
    """``"Coffee=2, Tobacco=0"`` -> (("Coffee", 2), ("Tobacco", 0)); empty text: no groups.

    Raises:
        DomainError: a part that is not ``GROUP=MULTIPLIER``, a multiplier that is not a number
            from 0 to 100 (at most 4 decimals), or a group named twice.
    """
    rates: dict[str, tuple[str, Decimal]] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = (s.strip() for s in part.partition("="))
        if not sep or not name or not value:
            raise DomainError(
                N_("{part!r} must look like GROUP=MULTIPLIER, e.g. Coffee=2."), part=part
            )
        try:
            multiplier = Decimal(value.replace("x", "").replace("×", "").strip())
        except InvalidOperation:
            multiplier = Decimal("NaN")
        if (
            not multiplier.is_finite()
            or not Decimal(0) <= multiplier <= MAX_MULTIPLIER
            or multiplier.as_tuple().exponent < -4  # type: ignore[operator]
        ):
            raise DomainError(
                N_(
                    "{name}: {value!r} is not a multiplier; write a number from 0 to 100, e.g. 1.5."
                ),
                name=name,
                value=value,
            )
        if name.casefold() in rates:
            raise DomainError(
                N_("{name} is named twice; give each group one multiplier."), name=name
            )
        rates[name.casefold()] = (name, multiplier.normalize())
    return tuple(rates.values())


def group_rates_text(rates: GroupRates) -> str:
    """The canonical text of ``rates`` (what ``parse_group_rates`` reads back)."""
    return ", ".join(f"{name}={multiplier:f}" for name, multiplier in rates)


def multiplier_for(category: str | None, rates: GroupRates) -> Decimal:
    """The multiplier of a product in ``category`` (1 when its group has none; any case)."""
    if category:
        wanted = category.casefold()
        for name, multiplier in rates:
            if name.casefold() == wanted:
                return multiplier
    return Decimal(1)


def bonus_for(promotions: Sequence[Promotion], product_id: str, pieces: int) -> tuple[Decimal, int]:
    """(bonus multiplier, extra points) the running bonus promotions give a line of
    ``product_id`` with ``pieces`` whole pieces (0 when sold by weight): the highest
    multiplier (1 without any), the extras per piece added up times the pieces."""
    multiplier, per_piece = Decimal(1), 0
    for promo in promotions:
        if isinstance(promo, BonusPoints) and product_id in promo.product_ids:
            multiplier = max(multiplier, promo.multiplier)
            per_piece += promo.extra_points
    return multiplier, per_piece * max(0, pieces)


def points_earned(
    lines: Iterable[tuple[Fraction, Decimal]],
    by_points_minor: int,
    per_unit: int,
    exponent: int,
    extra: Fraction | int = 0,
) -> int:
    """Points for ``lines`` (amount paid in minor units, multiplier) less what points paid
    (taken off at the base rate), plus ``extra`` points (bonus promotions' per-piece points,
    or a refund's share of them): rounded down once, never negative. Loyalty off
    (``per_unit`` 0): nothing, extras neither."""
    if per_unit <= 0:
        return 0
    weighted = sum((amount * Fraction(m) for amount, m in lines), Fraction(0))
    minor_per_unit: int = 10**exponent
    by_amount = max(Fraction(0), (weighted - by_points_minor) * Fraction(per_unit, minor_per_unit))
    return max(0, floor(by_amount + Fraction(extra)))


def points_to_take_back(figured: int, earned: int, taken_before: int, completes: bool) -> int:
    """What a refund takes back of a sale that ``earned`` points, ``taken_before`` of them by
    earlier refunds: ``figured`` (its lines' share), never more than is left, and exactly what
    is left when it returns the rest of the sale, so the refunds of a sale add up to what it
    earned."""
    left = max(0, earned - taken_before)
    return left if completes else max(0, min(figured, left))


Tiers = tuple[tuple[str, int, Decimal], ...]
MAX_TIER_MULTIPLIER = Decimal(10)


def parse_tiers(text: str) -> Tiers:
    """``"Silver=500:1.25, Gold=2000:1.5"`` -> ((name, points earned in 365 days to reach it,
    multiplier), ...) from the lowest threshold up; empty text: no tiers.

    Raises:
        DomainError: a part that is not ``NAME=POINTS:MULTIPLIER``, a threshold that is not a
            whole number of 1 or more, a multiplier that is not from 1 to 10 (at most 2
            decimals), a name or a threshold given twice.
    """
    tiers: dict[str, tuple[str, int, Decimal]] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, rest = (s.strip() for s in part.partition("="))
        points, colon, value = (s.strip() for s in rest.partition(":"))
        if not sep or not colon or not name or not points or not value:
            raise DomainError(
                N_("{part!r} must look like NAME=POINTS:MULTIPLIER, e.g. Gold=2000:1.5."),
                part=part,
            )
        if not points.isdigit() or int(points) < 1:
            raise DomainError(
                N_("{name}: {points!r} is not a threshold; write whole points, 1 or more."),
                name=name,
                points=points,
            )
        try:
            multiplier = Decimal(value.replace("x", "").replace("×", "").strip())
        except InvalidOperation:
            multiplier = Decimal("NaN")
        if (
            not multiplier.is_finite()
            or not Decimal(1) <= multiplier <= MAX_TIER_MULTIPLIER
            or multiplier.normalize().as_tuple().exponent < -2  # type: ignore[operator]
        ):
            raise DomainError(
                N_(
                    "{name}: {value!r} is not a tier multiplier; "
                    "write a number from 1 to 10, e.g. 1.25."
                ),
                name=name,
                value=value,
            )
        if name.casefold() in tiers:
            raise DomainError(N_("{name} is named twice; give each tier one line."), name=name)
        if any(t[1] == int(points) for t in tiers.values()):
            raise DomainError(
                N_("Two tiers start at {points} points; give each tier its own threshold."),
                points=int(points),
            )
        tiers[name.casefold()] = (name, int(points), multiplier.normalize())
    return tuple(sorted(tiers.values(), key=lambda t: t[1]))


def tiers_text(tiers: Tiers) -> str:
    """The canonical text of ``tiers`` (what ``parse_tiers`` reads back)."""
    return ", ".join(f"{name}={points}:{multiplier:f}" for name, points, multiplier in tiers)


def tier_for(earned_365d: int | None, tiers: Tiers) -> tuple[str, Decimal] | None:
    """(name, multiplier) of the highest tier ``earned_365d`` points reach; None below the
    lowest, without tiers, or when the cloud's figure is unknown (offline: no tier bonus)."""
    if earned_365d is None:
        return None
    reached = [(name, m) for name, points, m in tiers if earned_365d >= points]
    return reached[-1] if reached else None
