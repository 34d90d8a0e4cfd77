"""Split an integer amount over weights so the parts always sum exactly (largest remainder)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def allocate(amount: int, weights: Sequence[int | Fraction]) -> list[int]:
    """Allocate ``amount`` minor units in proportion to ``weights``.

    Each part gets the floor of its exact share; the units left over go one each to the parts
    with the largest remainders, ties to the earlier part (deterministic). The parts sum to
    ``amount`` exactly, and a part never differs from its exact share by a whole unit or more.
    A negative amount is allocated as the mirror image of the positive one.

    Args:
        amount: the integer to split (minor units).
        weights: non-negative weights, at least one positive unless ``amount`` is zero.

    Returns:
        One integer per weight.

    Raises:
        ValueError: for a negative weight, or a non-zero amount over weights that are all zero.
    """
    if amount < 0:
        return [-part for part in allocate(-amount, weights)]
    scaled = _as_integers(weights)
    if any(w < 0 for w in scaled):
        raise ValueError("allocation weights must not be negative")
    total = sum(scaled)
    if total == 0:
        if amount == 0:
            return [0] * len(scaled)
        raise ValueError(f"cannot allocate {amount} over weights that are all zero")
    parts: list[int] = []
    remainders: list[tuple[int, int]] = []
    for index, weight in enumerate(scaled):
        floor, remainder = divmod(amount * weight, total)
        parts.append(floor)
        remainders.append((-remainder, index))
    left = amount - sum(parts)
    if left:
        # Largest remainder first; among equal remainders the earlier part wins.
        remainders.sort()
        for _, index in remainders[:left]:
            parts[index] += 1
    return parts


def _as_integers(weights: Sequence[int | Fraction]) -> list[int]:
    """Scale weights to integers with the same ratios (integer arithmetic is exact and fast)."""
    if all(type(w) is int for w in weights):
        return list(weights)  # type: ignore[arg-type]
    exact = [Fraction(w) for w in weights]
    denominator = math.lcm(*(w.denominator for w in exact))
    return [w.numerator * (denominator // w.denominator) for w in exact]


def allocate_capped(amount: int, weights: Sequence[int], caps: Sequence[int]) -> list[int]:
    """Like :func:`allocate` but no part exceeds its cap; the excess moves to parts with room.

    Args:
        amount: non-negative total, at most ``sum(caps)``.
        weights: non-negative weights.
        caps: the most each part may take (e.g. a line's amount for a discount).

    Raises:
        ValueError: if ``amount`` is more than the caps allow.
    """
    if amount > sum(caps):
        raise ValueError(f"cannot allocate {amount}: the parts take at most {sum(caps)}")
    parts = [0] * len(weights)
    left = amount
    open_parts = [i for i, cap in enumerate(caps) if cap > 0]
    while left > 0:
        weighted = [i for i in open_parts if weights[i] > 0] or open_parts
        shares = allocate(left, [weights[i] if weights[i] > 0 else 1 for i in weighted])
        for i, share in zip(weighted, shares, strict=True):
            take = min(share, caps[i] - parts[i])
            parts[i] += take
            left -= take
        open_parts = [i for i in open_parts if parts[i] < caps[i]]
    return parts
