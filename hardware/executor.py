"""One worker thread per physical device: it alone touches the handle, calls run in order.

Drawer commands carry an expiry: a kick that waited behind a slow job for more than ~10 s is
dropped with an error instead of opening the drawer long after the cashier gave up.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from hardware.base import DeviceError

DRAWER_TTL = 10.0


def expires_after(seconds: float) -> Callable:
    """Mark a device method so queued calls older than ``seconds`` are dropped, not run."""

    def mark(fn: Callable) -> Callable:
        fn.expires_after = seconds
        return fn

    return mark


class DeviceExecutor:
    """A single-thread executor that owns one device.

    Args:
        name: Thread name (shows up in logs and thread dumps).
        clock: Monotonic clock; tests pass a fake one to age queued calls without sleeping.
    """

    def __init__(self, name: str = "device", *, clock: Callable[[], float] = time.monotonic):
        self.name = name
        self._clock = clock
        self._queue: queue.Queue = queue.Queue()
        self._closed = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=f"dev-{name}", daemon=True)
        self._thread.start()

    def submit(
        self, fn: Callable, *args: Any, expires_after: float | None = None, **kwargs: Any
    ) -> Future:
        """Queue ``fn(*args, **kwargs)`` on the device thread.

        Args:
            fn: The call; functions marked with ``@expires_after`` expire by themselves.
            expires_after: Seconds after which a still-queued call is dropped.

        Returns:
            A future with the result, or the exception (``DeviceError("drawer command
            expired")`` for an expired call).

        Raises:
            DeviceError: The executor is closed.
        """
        ttl = expires_after if expires_after is not None else getattr(fn, "expires_after", None)
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise DeviceError(f"The {self.name} device has been closed; reopen it first.")
            self._queue.put((future, fn, args, kwargs, self._clock(), ttl))
        return future

    def call(self, fn: Callable, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        """Run ``fn`` on the device thread and wait for its result (re-raises its exception)."""
        if threading.current_thread() is self._thread:
            return fn(*args, **kwargs)  # already on the device thread: queuing would deadlock
        return self.submit(fn, *args, **kwargs).result(timeout=timeout)

    def in_device_thread(self) -> bool:
        """True when called from this executor's worker thread."""
        return threading.current_thread() is self._thread

    def close(self, timeout: float | None = 5.0) -> None:
        """Finish the calls already queued, then stop the thread; safe to call twice."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._queue.put(None)
        if threading.current_thread() is not self._thread:
            self._thread.join(timeout)

    def __enter__(self) -> DeviceExecutor:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, fn, args, kwargs, queued_at, ttl = item
            if not future.set_running_or_notify_cancel():
                continue
            if ttl is not None and self._clock() - queued_at > ttl:
                future.set_exception(
                    DeviceError(
                        "drawer command expired: it waited too long behind other work and was "
                        "dropped; press the drawer key again if it is still needed"
                    )
                )
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # the caller gets every failure through the future
                future.set_exception(exc)
