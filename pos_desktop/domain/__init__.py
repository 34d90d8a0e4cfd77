"""Pure-Python business rules: money, tax, cart, barcodes. Standard library only."""
