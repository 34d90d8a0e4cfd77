"""Customer displays: the 2x20 pole display on a serial port (Epson ESC/POS display commands)."""
