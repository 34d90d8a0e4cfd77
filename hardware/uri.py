"""Device URIs: one string configures any device (``tcp://host:9100``, ``serial:///dev/ttyUSB0``).

Supported schemes:

* ``tcp://HOST:PORT`` - a network device (ESC/POS printers listen on 9100).
* ``serial:///dev/ttyUSB0?baudrate=9600&bytesize=7&parity=E&stopbits=1`` - a local serial port.
* ``usb://VVVV:PPPP`` - a USB device by hex vendor and product id.
* ``file:///dev/usb/lp0`` - a character device written to as a file.
* ``sim://printer`` - an in-process simulator named by kind.
* ``socket://HOST:PORT`` and ``loop://`` - pyserial URL handlers (serial over TCP, loopback).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import parse_qsl, urlsplit

SCHEMES = ("tcp", "serial", "usb", "file", "sim", "socket", "loop")

_EXAMPLES = {
    "tcp": "tcp://192.168.1.50:9100",
    "serial": "serial:///dev/ttyUSB0?baudrate=9600&bytesize=8&parity=N&stopbits=1",
    "usb": "usb://04b8:0202",
    "file": "file:///dev/usb/lp0",
    "sim": "sim://printer",
    "socket": "socket://127.0.0.1:5000",
    "loop": "loop://",
}


class DeviceUriError(ValueError):
    """A device URI that cannot be used; the message says why and shows a valid example."""


@dataclass(frozen=True)
class DeviceUri:
    """A parsed device URI.

    Attributes:
        raw: The URI exactly as configured.
        scheme: One of ``SCHEMES``.
        host: Host name for ``tcp``/``socket``; the simulator kind for ``sim``.
        port: TCP port for ``tcp``/``socket``.
        path: Device path for ``serial``/``file``.
        vendor_id: USB vendor id for ``usb``.
        product_id: USB product id for ``usb``.
        options: Query-string options, e.g. ``{"baudrate": "9600"}``.
    """

    raw: str
    scheme: str
    host: str | None = None
    port: int | None = None
    path: str | None = None
    vendor_id: int | None = None
    product_id: int | None = None
    options: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __str__(self) -> str:
        return self.raw


def _fail(uri: str, problem: str, scheme: str | None = None) -> DeviceUriError:
    if scheme in _EXAMPLES:
        example = _EXAMPLES[scheme]
    else:
        example = ", ".join(_EXAMPLES[s] for s in ("tcp", "serial", "usb", "sim"))
    return DeviceUriError(f"Device URI {uri!r}: {problem}. Example of a valid URI: {example}")


def parse_device_uri(uri: str) -> DeviceUri:
    """Parse a device URI.

    Args:
        uri: For example ``tcp://127.0.0.1:9100`` or ``serial:///dev/ttyUSB0?baudrate=9600``.

    Returns:
        The parsed ``DeviceUri``.

    Raises:
        DeviceUriError: The URI is empty, has an unknown scheme or misses a required part.
    """
    if isinstance(uri, DeviceUri):
        return uri
    if not isinstance(uri, str) or not uri.strip():
        raise _fail(str(uri), "the URI is empty")
    text = uri.strip()
    if "://" not in text:
        raise _fail(text, "it has no scheme (expected something like 'tcp://')")
    scheme = text.split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        raise _fail(text, f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    try:
        parts = urlsplit(text)
        options = dict(parse_qsl(parts.query, keep_blank_values=True))
    except ValueError as exc:
        raise _fail(text, f"it is malformed ({exc})", scheme) from None
    frozen = MappingProxyType(options)
    parser = _PARSERS[scheme]
    return parser(text, scheme, parts, frozen)


def _parse_hostport(text, scheme, parts, options) -> DeviceUri:
    host = parts.hostname
    if not host:
        raise _fail(text, "the host is missing", scheme)
    try:
        port = parts.port
    except ValueError:
        raise _fail(text, "the port must be a number between 0 and 65535", scheme) from None
    if port is None:
        raise _fail(text, "the port is missing", scheme)
    return DeviceUri(raw=text, scheme=scheme, host=host, port=port, options=options)


def _parse_path(text, scheme, parts, options) -> DeviceUri:
    # serial:///dev/ttyUSB0 -> netloc "", path "/dev/ttyUSB0"; serial://COM3 -> netloc "COM3"
    path = (parts.netloc + parts.path) if parts.netloc else parts.path
    if not path:
        raise _fail(text, "the device path is missing", scheme)
    return DeviceUri(raw=text, scheme=scheme, path=path, options=options)


def _parse_usb(text, scheme, parts, options) -> DeviceUri:
    ids = parts.netloc or parts.path.strip("/")
    pieces = ids.split(":")
    if len(pieces) != 2 or not all(pieces):
        raise _fail(text, "expected the vendor and product ids as VVVV:PPPP in hex", scheme)
    try:
        vendor, product = (int(p, 16) for p in pieces)
    except ValueError:
        raise _fail(text, "the vendor and product ids must be hexadecimal", scheme) from None
    if not (0 <= vendor <= 0xFFFF and 0 <= product <= 0xFFFF):
        raise _fail(text, "USB ids must be four hex digits each", scheme)
    return DeviceUri(raw=text, scheme=scheme, vendor_id=vendor, product_id=product, options=options)


def _parse_sim(text, scheme, parts, options) -> DeviceUri:
    kind = parts.netloc or parts.path.strip("/")
    if not kind:
        raise _fail(text, "name the simulated device kind, e.g. 'printer'", scheme)
    return DeviceUri(raw=text, scheme=scheme, host=kind, options=options)


def _parse_loop(text, scheme, parts, options) -> DeviceUri:
    return DeviceUri(raw=text, scheme=scheme, options=options)


_PARSERS = {
    "tcp": _parse_hostport,
    "socket": _parse_hostport,
    "serial": _parse_path,
    "file": _parse_path,
    "usb": _parse_usb,
    "sim": _parse_sim,
    "loop": _parse_loop,
}
