"""Byte transports for ESC/POS printers, built on python-escpos printer classes.

Each transport gives the printer driver four operations: ``open``, ``write`` (through the
escpos object's ``_raw``), ``read_byte`` (one status byte with a timeout) and ``close``.
"""

from __future__ import annotations

import select
import socket

from hardware.base import DeviceError
from hardware.printers.escpos_lib import escpos_modules, quiet_root_logger
from hardware.serial_port import open_serial
from hardware.uri import DeviceUri


class TransportError(DeviceError):
    """The connection to the printer failed or was lost."""


class Transport:
    """Base transport around a python-escpos printer object."""

    #: True when every operation should use a fresh connection (network printers accept
    #: one client at a time, and a fresh socket survives printer reboots).
    per_operation = False
    can_read = True

    def __init__(self, uri: DeviceUri, timeout: float):
        self.uri = uri
        self.timeout = timeout
        self.escpos = None

    @property
    def is_open(self) -> bool:
        return self.escpos is not None

    def open(self) -> None:
        """Connect; raises TransportError with advice when the device is unreachable."""
        try:
            with quiet_root_logger():
                self.escpos = self._make()
        except DeviceError:
            raise
        except Exception as exc:  # escpos raises many types (DeviceNotFoundError, OSError, ...)
            self.escpos = None
            detail = " ".join(str(exc).split())  # escpos messages span lines; keep one
            raise TransportError(
                f"Cannot connect to the printer at {self.uri.raw}: {detail}. "
                "Check that it is switched on, connected and configured with this address."
            ) from exc

    def write(self, data: bytes) -> None:
        """Send raw bytes."""
        if self.escpos is None:
            self.open()
        try:
            self.escpos._raw(data)
        except Exception as exc:
            raise TransportError(
                f"Lost the connection to the printer at {self.uri.raw}: {exc}."
            ) from exc

    def read_byte(self, timeout: float) -> bytes | None:  # pragma: no cover - overridden
        """Read one byte; None on silence. Raises TransportError when the link is gone."""
        return None

    def flush_input(self) -> None:
        """Discard stale bytes so a status reply is not confused with an older one."""

    def close(self) -> None:
        """Close the connection; never raises."""
        escpos, self.escpos = self.escpos, None
        if escpos is None:
            return
        try:
            with quiet_root_logger():
                escpos.close()
        except Exception:  # noqa: S110 - closing a broken link must not mask the first error
            pass

    def _make(self):  # pragma: no cover - overridden
        raise NotImplementedError


class NetworkTransport(Transport):
    """``tcp://host:port`` through ``escpos.printer.Network``."""

    per_operation = True

    def _make(self):
        _core, printer, _caps = escpos_modules()
        net = printer.Network(self.uri.host, self.uri.port, timeout=self.timeout)
        net.open()
        if not net.device:
            raise TransportError(f"Cannot connect to the printer at {self.uri.raw}.")
        return net

    def _socket(self) -> socket.socket:
        if self.escpos is None:
            self.open()
        return self.escpos.device

    def read_byte(self, timeout: float) -> bytes | None:
        sock = self._socket()
        ready, _w, _x = select.select([sock], [], [], timeout)
        if not ready:
            return None
        try:
            data = sock.recv(1)
        except OSError as exc:
            raise TransportError(f"The printer at {self.uri.raw} dropped the connection.") from exc
        if not data:
            raise TransportError(f"The printer at {self.uri.raw} closed the connection.")
        return data

    def flush_input(self) -> None:
        sock = self._socket()
        while select.select([sock], [], [], 0)[0]:
            try:
                if not sock.recv(4096):
                    raise TransportError(f"The printer at {self.uri.raw} closed the connection.")
            except OSError as exc:
                raise TransportError(
                    f"The printer at {self.uri.raw} dropped the connection."
                ) from exc


class SerialTransport(Transport):
    """``serial://``, ``socket://`` and ``loop://``: ``open_serial`` behind a thin Escpos."""

    def _make(self):
        core, _printer, _caps = escpos_modules()
        port = open_serial(self.uri, timeout=self.timeout)
        port.write_timeout = self.timeout

        class _SerialEscpos(core.Escpos):
            """The thinnest Escpos: ``_raw`` writes to our pyserial port."""

            serial_port = port

            def _raw(self, msg: bytes) -> None:
                self.serial_port.write(msg)
                self.serial_port.flush()

            def _read(self) -> bytes:
                return self.serial_port.read(1)

            def close(self) -> None:
                self.serial_port.close()

        return _SerialEscpos()

    def _port(self):
        if self.escpos is None:
            self.open()
        return self.escpos.serial_port

    def read_byte(self, timeout: float) -> bytes | None:
        port = self._port()
        old = port.timeout
        port.timeout = timeout
        try:
            data = port.read(1)
        except Exception as exc:
            raise TransportError(f"Lost the serial printer at {self.uri.raw}: {exc}.") from exc
        finally:
            try:
                port.timeout = old
            except Exception:  # noqa: S110 - port already gone; the read error says so
                pass
        return data or None

    def flush_input(self) -> None:
        try:
            self._port().reset_input_buffer()
        except Exception as exc:
            raise TransportError(f"Lost the serial printer at {self.uri.raw}: {exc}.") from exc


class FileTransport(Transport):
    """``file:///dev/usb/lp0`` through ``escpos.printer.File``; write-only, no status."""

    can_read = False

    def _make(self):
        _core, printer, _caps = escpos_modules()
        dev = printer.File(self.uri.path)
        dev.open()
        if not dev.device:
            raise TransportError(f"Cannot open the printer device file {self.uri.path}.")
        return dev

    def read_byte(self, timeout: float) -> bytes | None:
        return None


class UsbTransport(Transport):
    """``usb://VVVV:PPPP`` through ``escpos.printer.Usb`` (needs pyusb and a libusb backend)."""

    def _make(self):
        _core, printer, _caps = escpos_modules()
        timeout_ms = max(1, int(self.timeout * 1000))  # escpos defaults to no write timeout
        dev = printer.Usb(self.uri.vendor_id, self.uri.product_id, timeout=timeout_ms)
        dev.open()
        if not dev.device:
            raise TransportError(
                f"USB printer {self.uri.raw} not found or not accessible: check the cable "
                "and the udev permissions."
            )
        return dev

    def read_byte(self, timeout: float) -> bytes | None:
        if self.escpos is None:
            self.open()
        try:
            data = self.escpos.device.read(self.escpos.in_ep, 1, max(1, int(timeout * 1000)))
        except Exception as exc:
            if "timeout" in str(exc).lower():
                return None
            raise TransportError(f"Lost the USB printer {self.uri.raw}: {exc}.") from exc
        return bytes(data[:1]) or None


TRANSPORTS: dict[str, type[Transport]] = {
    "tcp": NetworkTransport,
    "serial": SerialTransport,
    "socket": SerialTransport,
    "loop": SerialTransport,
    "file": FileTransport,
    "usb": UsbTransport,
}
