"""Exponential backoff with "equal jitter": the till's cloud sync, POS API callbacks, and the
serial scanner's reconnects all wait this way."""

from __future__ import annotations

import random
from collections.abc import Callable


def jittered_delay(failures: int, base: float, cap: float, draw: float) -> float:
    """The wait after ``failures`` earlier failures: ``base * 2**failures`` capped at ``cap``,
    scaled into its upper half by ``draw`` in [0, 1] (1.0: no jitter)."""
    ceiling = min(cap, base * float(2 ** min(failures, 30)))
    return ceiling / 2 + draw * ceiling / 2


class Backoff:
    """Delays that double per failure up to ``cap``, each drawn from [d/2, d] ("equal jitter").

    The jitter spreads the retries of many tills that lost the cloud at the same moment; the
    lower half bound keeps one unlucky draw from hammering a server that is still down.
    """

    def __init__(
        self, base: float = 0.5, cap: float = 60.0, rng: Callable[[], float] = random.random
    ) -> None:
        if base <= 0 or cap < base:
            raise ValueError("backoff needs 0 < base <= cap")
        self.base = base
        self.cap = cap
        self._rng = rng
        self.failures = 0

    def next_delay(self) -> float:
        """Record one more failure and return how long to wait before the next try."""
        delay = jittered_delay(self.failures, self.base, self.cap, self._rng())
        self.failures += 1
        return delay

    def reset(self) -> None:
        """A success: the next failure starts from ``base`` again."""
        self.failures = 0
