"""What every card-terminal driver offers the till: a payment request in, a result out.

Amounts are integer minor units plus an ISO 4217 code. A result never carries a full card
number: only the brand and the last four digits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

MAX_REFERENCE_LENGTH = 10
PAYMENT_KINDS = ("purchase", "refund", "credit")


class PaymentOutcome(StrEnum):
    """How a payment ended, as far as the till can tell."""

    APPROVED = "approved"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    # The terminal may or may not have charged the card: the cashier must check its ticket.
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class PaymentRequest:
    """One payment to run on a terminal.

    Attributes:
        amount_minor: Amount in minor units (1250 = 12.50 EUR); must be positive.
        currency: ISO 4217 alphabetic code, e.g. ``"EUR"``.
        reference: Up to 10 printable ASCII characters; the terminal echoes it back.
        kind: ``"purchase"`` or ``"refund"`` (``"credit"`` where a terminal tells them apart).
        allowed_types: Payment means the terminal may use, e.g. ``("card",)``.
        app_id: Name of the requesting application (used by networked terminals).
        api_version: Version of the request format (used by networked terminals).
    """

    amount_minor: int
    currency: str
    reference: str
    kind: str = "purchase"
    allowed_types: tuple[str, ...] = ("card",)
    app_id: str = "pos"
    api_version: str = "1"


@dataclass(frozen=True)
class PaymentResult:
    """The outcome of one payment. Holds at most the last four digits of a card."""

    outcome: PaymentOutcome
    amount_minor: int
    currency: str
    reference: str
    card_brand: str | None = None
    last4: str | None = None
    auth_code: str | None = None
    terminal_reference: str | None = None
    receipt_text: str | None = None
    message: str = ""

    @property
    def approved(self) -> bool:
        """True only for an approval; UNKNOWN is never treated as paid."""
        return self.outcome is PaymentOutcome.APPROVED


ProgressCallback = Callable[[str], None]


@runtime_checkable
class PaymentTerminal(Protocol):
    """A card terminal driver. ``pay`` blocks until the outcome is known (or UNKNOWN)."""

    def pay(
        self, request: PaymentRequest, *, on_progress: ProgressCallback | None = None
    ) -> PaymentResult:
        """Run one payment; never raises once the request may have reached the terminal."""
        ...

    def close(self) -> None:
        """Release the port."""
        ...
