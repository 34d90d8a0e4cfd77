"""Scanner drivers: serial scanners and the pure keyboard-wedge burst parser."""

from __future__ import annotations


def _serial_scanner(uri: str, **options):
    from hardware.scanners.serial_scanner import SerialScanner

    return SerialScanner(uri, **options)


def register_drivers(registry) -> None:
    """Register the serial scanner as ``scanner`` for serial-like URIs."""
    for scheme in ("serial", "socket"):
        registry.register(
            "scanner", scheme, _serial_scanner, description="serial/USB-CDC scanner (pyserial)"
        )
