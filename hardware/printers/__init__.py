"""Receipt printers (ESC/POS)."""

from hardware.printers.escpos_printer import EscPosPrinter, PrinterError, open_printer

__all__ = ["EscPosPrinter", "PrinterError", "open_printer"]
