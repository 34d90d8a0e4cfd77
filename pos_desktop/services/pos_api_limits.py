"""How much one app may ask of the cashier: a per-app rate limit on new payment requests.

In memory on purpose: the limit protects the cashier's screen from a flood now; after a restart
the cap on pending requests (counted in the db) still holds.
"""

from __future__ import annotations

import threading
from collections import defaultdict, deque
from collections.abc import Callable

from .pos_api_rules import ApiError

WINDOW_S = 60.0


class RateLimiter:
    """At most ``per_minute`` calls per key in any 60 s window (a sliding log).

    Args:
        per_minute: allowed calls per key per minute.
        time_fn: monotonic seconds (a test passes its own).
    """

    def __init__(self, per_minute: int, time_fn: Callable[[], float]) -> None:
        self.per_minute = per_minute
        self._time = time_fn
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        """Count one call for ``key``.

        Raises:
            ApiError: 429 ``rate_limited`` with ``retry_after_s`` when over the limit.
        """
        now = self._time()
        with self._lock:
            seen = self._seen[key]
            while seen and seen[0] <= now - WINDOW_S:
                seen.popleft()
            if len(seen) >= self.per_minute:
                wait = max(1, int(seen[0] + WINDOW_S - now) + 1)
                raise ApiError(
                    429,
                    "rate_limited",
                    f"This app sent more than {self.per_minute} payment requests in a minute; "
                    f"wait {wait} s before the next one.",
                    retry_after_s=wait,
                )
            seen.append(now)
