"""Driver registry and discovery."""

from __future__ import annotations

import pytest

from hardware.base import DeviceError
from hardware.discovery import DeviceInfo, discover
from hardware.printers.escpos_printer import EscPosPrinter
from hardware.registry import DeviceRegistry, default_registry


def test_default_registry_builds_printers_without_connecting():
    printer = default_registry().create("printer", "tcp://127.0.0.1:9")
    assert isinstance(printer, EscPosPrinter)


def test_unknown_scheme_names_the_usable_ones():
    registry = DeviceRegistry()
    registry.register("printer", "tcp", lambda uri: uri)
    with pytest.raises(DeviceError, match="use one of tcp"):
        registry.create("printer", "usb://04b8:0202")


def test_unusable_driver_says_a_library_is_missing():
    registry = DeviceRegistry()
    registry.register(
        "printer", "usb", lambda uri: uri, is_usable=lambda: False, description="pyusb"
    )
    with pytest.raises(DeviceError, match="pyusb"):
        registry.get("printer", "usb")


def test_usb_printer_candidates_by_vendor():
    registry = default_registry()
    epson = DeviceInfo(bus="usb", uri="usb://04b8:0202", vendor_id=0x04B8, product_id=0x0202)
    mouse = DeviceInfo(bus="usb", uri="usb://046d:c077", vendor_id=0x046D, product_id=0xC077)
    usb_ok = registry.entries("printer")[0].is_usable() and bool(
        [e for e in registry.entries("printer") if e.scheme == "usb" and e.is_usable()]
    )
    if usb_ok:
        assert [e.kind for e in registry.candidates(epson)] == ["printer"]
    assert registry.candidates(mouse) == []


def test_discover_never_raises_and_reports_missing_usb_backend():
    result = discover()
    assert isinstance(result.serial, list)
    assert isinstance(result.usb, list)
    assert result.usb or result.notes or result.usb == []
