"""Cash drawers."""

from hardware.drawers.printer_drawer import PrinterDrawer, SerialDrawer

__all__ = ["PrinterDrawer", "SerialDrawer"]
