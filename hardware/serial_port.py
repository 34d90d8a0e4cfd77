"""Open serial ports from device URIs with pyserial, tolerating ptys."""

from __future__ import annotations

import errno

import serial

from hardware.base import DeviceError
from hardware.uri import DeviceUri, DeviceUriError, parse_device_uri

_PARITIES = {"N", "E", "O", "M", "S"}


def _option(options, name, default, convert):
    if name not in options:
        return default
    try:
        return convert(options[name])
    except ValueError:
        raise DeviceUriError(
            f"Serial option {name}={options[name]!r} is not valid. "
            "Example: serial:///dev/ttyUSB0?baudrate=9600&bytesize=8&parity=N&stopbits=1"
        ) from None


def _stopbits(value: str) -> float:
    number = float(value)
    if number not in (1, 1.5, 2):
        raise ValueError(value)
    return int(number) if number.is_integer() else number


def _parity(value: str) -> str:
    letter = value.strip().upper()[:1]
    if letter not in _PARITIES:
        raise ValueError(value)
    return letter


def serial_settings(
    uri: DeviceUri, *, baudrate=9600, bytesize=8, parity="N", stopbits=1, timeout=0.1
) -> dict:
    """Merge URI query options over keyword defaults into pyserial settings.

    Args:
        uri: The parsed URI; its options win over the defaults.
        baudrate: Default baud rate.
        bytesize: Default data bits.
        parity: Default parity letter (N, E, O, M, S).
        stopbits: Default stop bits.
        timeout: Default read timeout in seconds.

    Returns:
        Keyword arguments for ``serial.Serial`` / ``serial.serial_for_url``.
    """
    opts = uri.options
    return {
        "baudrate": _option(opts, "baudrate", baudrate, int),
        "bytesize": _option(opts, "bytesize", bytesize, int),
        "parity": _option(opts, "parity", parity, _parity),
        "stopbits": _option(opts, "stopbits", stopbits, _stopbits),
        "timeout": _option(opts, "timeout", timeout, float),
        "write_timeout": _option(opts, "write_timeout", None, float),
    }


class _PtyTolerantSerial(serial.Serial):
    """A ``serial.Serial`` that ignores modem-line ioctls failing with ENOTTY (ptys)."""

    def _update_dtr_state(self):
        try:
            super()._update_dtr_state()
        except OSError as exc:
            if exc.errno != errno.ENOTTY:
                raise

    def _update_rts_state(self):
        try:
            super()._update_rts_state()
        except OSError as exc:
            if exc.errno != errno.ENOTTY:
                raise


def open_serial(
    uri: DeviceUri | str,
    *,
    baudrate: int = 9600,
    bytesize: int = 8,
    parity: str = "N",
    stopbits: float = 1,
    timeout: float = 0.1,
) -> serial.SerialBase:
    """Open a serial port named by a URI.

    Args:
        uri: ``serial:///dev/ttyUSB0?...``, ``socket://host:port`` or ``loop://``.
        baudrate: Default baud rate (a URI option overrides it).
        bytesize: Default data bits.
        parity: Default parity letter.
        stopbits: Default stop bits.
        timeout: Default read timeout in seconds.

    Returns:
        An open pyserial port.

    Raises:
        DeviceUriError: The URI is not a serial-like URI or has bad options.
        DeviceError: The port could not be opened.
    """
    parsed = parse_device_uri(uri) if isinstance(uri, str) else uri
    settings = serial_settings(
        parsed,
        baudrate=baudrate,
        bytesize=bytesize,
        parity=parity,
        stopbits=stopbits,
        timeout=timeout,
    )
    try:
        if parsed.scheme == "serial":
            port = _PtyTolerantSerial(port=None, **settings)
            port.port = parsed.path
            port.open()
            return port
        if parsed.scheme == "socket":
            return serial.serial_for_url(f"socket://{parsed.host}:{parsed.port}", **settings)
        if parsed.scheme == "loop":
            return serial.serial_for_url("loop://", **settings)
    except (serial.SerialException, OSError) as exc:
        raise DeviceError(
            f"Cannot open serial port {parsed.raw}: {exc}. Check the cable, that the device "
            "is powered, and that your user may use the port (e.g. the 'dialout' group)."
        ) from exc
    raise DeviceUriError(
        f"Device URI {parsed.raw!r} is not a serial port; use serial:///dev/ttyUSB0, "
        "socket://127.0.0.1:5000 or loop://"
    )
