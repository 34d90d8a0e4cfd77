"""Device discovery never fails the caller."""

from __future__ import annotations

from hardware.discovery import discover


def test_discover_never_raises_and_reports_missing_usb_backend():
    result = discover()
    assert isinstance(result.serial, list)
    assert isinstance(result.usb, list)
    assert result.usb or result.notes or result.usb == []
