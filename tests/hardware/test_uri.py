"""Device URI parsing."""

from __future__ import annotations

import pytest

from hardware.serial_port import open_serial, serial_settings
from hardware.uri import DeviceUriError, parse_device_uri


def test_tcp_uri_has_host_and_port():
    uri = parse_device_uri("tcp://127.0.0.1:9100")
    assert (uri.scheme, uri.host, uri.port) == ("tcp", "127.0.0.1", 9100)


def test_serial_uri_keeps_path_and_options():
    uri = parse_device_uri("serial:///dev/ttyUSB0?baudrate=9600&bytesize=7&parity=E&stopbits=1")
    assert uri.path == "/dev/ttyUSB0"
    assert dict(uri.options) == {
        "baudrate": "9600",
        "bytesize": "7",
        "parity": "E",
        "stopbits": "1",
    }


def test_usb_uri_has_hex_ids():
    uri = parse_device_uri("usb://04b8:0202")
    assert (uri.vendor_id, uri.product_id) == (0x04B8, 0x0202)


@pytest.mark.parametrize(
    ("text", "scheme", "attr", "value"),
    [
        ("file:///dev/usb/lp0", "file", "path", "/dev/usb/lp0"),
        ("sim://printer", "sim", "host", "printer"),
        ("socket://127.0.0.1:5000", "socket", "port", 5000),
        ("loop://", "loop", "scheme", "loop"),
    ],
)
def test_other_schemes(text, scheme, attr, value):
    uri = parse_device_uri(text)
    assert uri.scheme == scheme
    assert getattr(uri, attr) == value
    assert uri.raw == text


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("127.0.0.1:9100", "no scheme"),
        ("ftp://x:1", "unknown scheme"),
        ("tcp://127.0.0.1", "port is missing"),
        ("tcp://:9100", "host is missing"),
        ("tcp://127.0.0.1:99999", "port must be a number"),
        ("usb://04b8", "VVVV:PPPP"),
        ("usb://zzzz:0202", "hexadecimal"),
        ("serial://", "device path is missing"),
        ("sim://", "kind"),
    ],
)
def test_bad_uris_say_what_is_wrong_and_show_an_example(text, fragment):
    with pytest.raises(DeviceUriError) as info:
        parse_device_uri(text)
    message = str(info.value)
    assert fragment in message
    assert "Example of a valid URI" in message


def test_uri_options_override_serial_defaults():
    uri = parse_device_uri("serial:///dev/x?baudrate=19200&parity=e&stopbits=2")
    settings = serial_settings(uri, baudrate=9600, bytesize=7)
    assert settings["baudrate"] == 19200
    assert settings["bytesize"] == 7
    assert settings["parity"] == "E"
    assert settings["stopbits"] == 2


def test_bad_serial_option_is_reported():
    with pytest.raises(DeviceUriError, match="parity"):
        serial_settings(parse_device_uri("serial:///dev/x?parity=Q"))


def test_open_serial_loop_round_trip():
    port = open_serial("loop://?baudrate=38400")
    try:
        port.write(b"\x10\x04\x01")
        assert port.read(3) == b"\x10\x04\x01"
        assert port.baudrate == 38400
    finally:
        port.close()


def test_open_serial_on_a_pty(pty_sim):
    port = open_serial(pty_sim.uri)
    try:
        port.write(b"\x10\x04\x04")
        assert port.read(1) == b"\x12"
    finally:
        port.close()


def test_open_serial_rejects_tcp():
    with pytest.raises(DeviceUriError, match="not a serial port"):
        open_serial("tcp://127.0.0.1:9100")
