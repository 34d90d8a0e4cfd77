"""List connected serial ports and USB devices without writing a byte to any of them."""

from __future__ import annotations

from dataclasses import dataclass, field

# USB vendors whose receipt printers speak ESC/POS (Epson, Star, Citizen, Bixolon, ...).
PRINTER_VENDORS = {
    0x04B8: "Epson",
    0x0519: "Star Micronics",
    0x1D90: "Citizen",
    0x2730: "Citizen",
    0x1504: "Bixolon",
    0x0DD4: "Custom",
    0x0FE6: "ICS Advent (generic POS)",
    0x0416: "Winbond (generic POS)",
    0x28E9: "GD32 (generic POS)",
}
USB_CLASS_PRINTER = 7


@dataclass(frozen=True)
class DeviceInfo:
    """A device found on the system.

    Attributes:
        bus: ``serial`` or ``usb``.
        uri: A URI that would open it (``serial:///dev/ttyUSB0``, ``usb://04b8:0202``).
        description: What the OS or the descriptor says it is.
        vendor_id: USB vendor id when known (serial adapters have one too).
        product_id: USB product id when known.
        serial_number: Stable id for telling two identical devices apart.
        interface_classes: USB interface classes (7 is a printer).
    """

    bus: str
    uri: str
    description: str = ""
    vendor_id: int | None = None
    product_id: int | None = None
    serial_number: str | None = None
    interface_classes: frozenset[int] = field(default_factory=frozenset)


@dataclass
class Discovery:
    """Discovery results with a note when a bus could not be listed."""

    serial: list[DeviceInfo] = field(default_factory=list)
    usb: list[DeviceInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def list_serial_ports() -> list[DeviceInfo]:
    """Serial ports known to the OS (pyserial ``list_ports``), sorted by name."""
    from serial.tools import list_ports

    found = []
    for port in sorted(list_ports.comports(), key=lambda p: p.device):
        found.append(
            DeviceInfo(
                bus="serial",
                uri=f"serial://{port.device}",
                description=port.description or "",
                vendor_id=port.vid,
                product_id=port.pid,
                serial_number=port.serial_number,
            )
        )
    return found


def _usb_classes(device) -> frozenset[int]:
    classes = {device.bDeviceClass} if device.bDeviceClass else set()
    try:
        for config in device:
            classes.update(intf.bInterfaceClass for intf in config)
    except Exception:  # noqa: S110 - descriptors can be unreadable without permissions
        pass
    return frozenset(classes)


def list_usb_devices() -> list[DeviceInfo]:
    """USB devices through pyusb.

    Raises:
        RuntimeError: pyusb or a libusb backend is missing (the message says what to install).
    """
    try:
        import usb.core
    except ImportError as exc:
        raise RuntimeError("pyusb is not installed: pip install pyusb") from exc
    try:
        devices = list(usb.core.find(find_all=True))
    except usb.core.NoBackendError as exc:
        raise RuntimeError(
            "no USB backend: install libusb (Debian/Ubuntu: apt install libusb-1.0-0)"
        ) from exc
    found = []
    for dev in devices:
        vendor = PRINTER_VENDORS.get(dev.idVendor, "")
        found.append(
            DeviceInfo(
                bus="usb",
                uri=f"usb://{dev.idVendor:04x}:{dev.idProduct:04x}",
                description=vendor,
                vendor_id=dev.idVendor,
                product_id=dev.idProduct,
                interface_classes=_usb_classes(dev),
            )
        )
    return found


def is_probable_printer(info: DeviceInfo) -> bool:
    """USB printer class, or a vendor that makes ESC/POS receipt printers."""
    return USB_CLASS_PRINTER in info.interface_classes or info.vendor_id in PRINTER_VENDORS


def discover() -> Discovery:
    """List serial ports and USB devices; a bus that cannot be listed adds a note instead."""
    result = Discovery()
    try:
        result.serial = list_serial_ports()
    except Exception as exc:  # list_ports can fail on exotic systems; say so, keep going
        result.notes.append(f"cannot list serial ports: {exc}")
    try:
        result.usb = list_usb_devices()
    except RuntimeError as exc:
        result.notes.append(f"cannot list USB devices: {exc}")
    except Exception as exc:  # permissions and platform quirks
        result.notes.append(f"cannot list USB devices: {exc}")
    return result
