"""Jittered exponential backoff for retrying the cloud after network errors and 5xx."""

from __future__ import annotations

import random
from collections.abc import Callable


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
        ceiling = min(self.cap, self.base * (2 ** min(self.failures, 30)))
        self.failures += 1
        return ceiling / 2 + self._rng() * ceiling / 2

    def reset(self) -> None:
        """A success: the next failure starts from ``base`` again."""
        self.failures = 0
