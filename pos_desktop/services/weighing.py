"""Reading the scale on its own device thread, for products sold by weight."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal
from typing import Protocol

from .i18n import _


class ScalePort(Protocol):
    def read_weight(self, *, wait_stable_s: float = 0.0): ...  # -> reading with .kilograms

    def close(self) -> None: ...


class WeighingService:
    """One thread owns the scale's port; the screen gets the weight by callback."""

    def __init__(self, scale: ScalePort, *, wait_stable_s: float = 3.0) -> None:
        self._scale = scale
        self._wait = wait_stable_s
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scale")

    def weigh(self, on_done: Callable[[Decimal | None, str | None], None]) -> Future[Decimal]:
        """Read a stable weight in kg; ``on_done(kg, None)`` or ``on_done(None, why)``."""

        def read() -> Decimal:
            reading = self._scale.read_weight(wait_stable_s=self._wait)
            if reading.grams <= 0:
                raise ValueError(_("The scale shows nothing: put the item on the scale."))
            return reading.kilograms

        future = self._thread.submit(read)

        def report(f: Future[Decimal]) -> None:
            err = f.exception()
            on_done(None, str(err)) if err else on_done(f.result(), None)

        future.add_done_callback(report)
        return future

    def close(self) -> None:
        self._thread.shutdown(wait=False, cancel_futures=True)
        self._scale.close()
