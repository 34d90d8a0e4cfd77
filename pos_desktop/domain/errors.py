"""Domain errors carry a message meant for a person: what is wrong and what to do."""


class DomainError(Exception):
    """A business rule refused the action; ``str(err)`` is shown to the cashier."""


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


class InvalidBarcode(DomainError):
    """A scanned or typed code is not a valid barcode."""


class InvalidQuantity(DomainError):
    """A quantity is zero, negative or not a number."""


class PaymentError(DomainError):
    """A tender does not fit the sale (too little cash, card overpays, ...)."""


class LedgerOffline(PaymentError):
    """The cloud that holds gift-card and points balances cannot be reached right now."""


class LedgerNotFound(PaymentError):
    """The cloud has no such gift card (or no points for this customer)."""
