"""Map (device kind, URI scheme) to a driver factory.

Optional libraries make a driver usable or not (``is_usable``); USB/serial ids can say whether
a driver supports a found device (``supported``). Nothing here opens a port.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hardware.base import DeviceError
from hardware.discovery import DeviceInfo, is_probable_printer
from hardware.uri import parse_device_uri

#: Packages that may contribute drivers through ``register_drivers(registry)``.
DRIVER_PACKAGES = ("hardware.terminals", "hardware.scales", "hardware.scanners")


@dataclass(frozen=True)
class DriverEntry:
    """One registered driver."""

    kind: str
    scheme: str
    factory: Callable[..., Any]
    is_usable: Callable[[], bool]
    supported: Callable[[DeviceInfo], bool] | None = None
    description: str = ""


def module_available(name: str) -> Callable[[], bool]:
    """An ``is_usable`` check: True when ``name`` can be imported."""

    def check() -> bool:
        try:
            return importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            return False

    return check


class DeviceRegistry:
    """Driver factories keyed by ``(kind, scheme)``."""

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], DriverEntry] = {}

    def register(
        self,
        kind: str,
        scheme: str,
        factory: Callable[..., Any],
        *,
        is_usable: Callable[[], bool] = lambda: True,
        supported: Callable[[DeviceInfo], bool] | None = None,
        description: str = "",
    ) -> None:
        """Add or replace the driver for ``(kind, scheme)``; factory is ``factory(uri, **opts)``."""
        entry = DriverEntry(kind, scheme, factory, is_usable, supported, description)
        self._entries[(kind, scheme)] = entry

    def entries(self, kind: str | None = None) -> list[DriverEntry]:
        """Registered drivers, optionally of one kind."""
        return [e for e in self._entries.values() if kind is None or e.kind == kind]

    def get(self, kind: str, scheme: str) -> DriverEntry:
        """The usable driver for ``(kind, scheme)``.

        Raises:
            DeviceError: None registered, or its optional library is missing.
        """
        entry = self._entries.get((kind, scheme))
        if entry is None:
            schemes = sorted(e.scheme for e in self.entries(kind))
            hint = f"use one of {', '.join(schemes)}" if schemes else "no driver is installed"
            raise DeviceError(f"No {kind} driver for {scheme}:// URIs; {hint}.")
        if not entry.is_usable():
            raise DeviceError(
                f"The {kind} driver for {scheme}:// needs a library that is not installed "
                f"({entry.description or 'see the documentation'})."
            )
        return entry

    def create(self, kind: str, uri: str, **options: Any) -> Any:
        """Build a device of ``kind`` for ``uri`` (does not connect for printers)."""
        scheme = parse_device_uri(uri).scheme
        return self.get(kind, scheme).factory(uri, **options)

    def candidates(self, info: DeviceInfo) -> list[DriverEntry]:
        """Usable drivers whose ``supported`` check accepts a discovered device."""
        return [
            e
            for e in self._entries.values()
            if e.supported is not None and e.is_usable() and e.supported(info)
        ]


def _printer_factory(uri: str, **options: Any):
    from hardware.printers.escpos_printer import EscPosPrinter

    return EscPosPrinter(uri, **options)


def _drawer_factory(uri: str, **options: Any):
    from hardware.drawers.printer_drawer import PrinterDrawer

    return PrinterDrawer.from_uri(uri, **options)


def register_printers(registry: DeviceRegistry) -> None:
    """Register the ESC/POS printer for every transport, and the printer-driven drawer."""
    escpos_ok = module_available("escpos")
    for scheme in ("tcp", "serial", "socket", "file", "sim"):
        registry.register(
            "printer", scheme, _printer_factory, is_usable=escpos_ok, description="python-escpos"
        )
        registry.register(
            "drawer",
            scheme,
            _drawer_factory,
            is_usable=escpos_ok,
            description="python-escpos; drawer on the printer's kick connector",
        )
    registry.register(
        "printer",
        "usb",
        _printer_factory,
        is_usable=lambda: escpos_ok() and module_available("usb")(),
        supported=lambda info: info.bus == "usb" and is_probable_printer(info),
        description="python-escpos and pyusb with libusb",
    )


def default_registry() -> DeviceRegistry:
    """A registry with the printer drivers plus any ``register_drivers`` hooks of other kinds."""
    registry = DeviceRegistry()
    register_printers(registry)
    for name in DRIVER_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        hook = getattr(module, "register_drivers", None)
        if callable(hook):
            hook(registry)
    return registry
