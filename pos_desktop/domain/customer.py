"""Customers as the till knows them: who, how to reach them, and what they agreed to.

Pure Python: validation of what a cashier types when creating a customer at the counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import N_, DomainError

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class CustomerRef:
    """The customer attached to a cart / sale."""

    customer_id: str
    name: str


def normalise_phone(text: str) -> str | None:
    """Digits (and a leading +) only; None when empty.

    Raises:
        DomainError: fewer than 6 digits or other characters than digits, spaces, -, /, ().
    """
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\+?[\d\s\-/().]+", text):
        raise DomainError(
            N_("'{text}' is not a phone number; use digits, e.g. +49 30 1234567."), text=text
        )
    digits = ("+" if text.startswith("+") else "") + re.sub(r"\D", "", text)
    if len(digits.lstrip("+")) < 6:
        raise DomainError(N_("'{text}' is too short for a phone number."), text=text)
    return digits


def normalise_email(text: str) -> str | None:
    """Lower-case address; None when empty.

    Raises:
        DomainError: not an address.
    """
    text = (text or "").strip()
    if not text:
        return None
    if len(text) > 254 or not _EMAIL.match(text):
        raise DomainError(
            N_("'{text}' is not an e-mail address; check it with the customer."), text=text
        )
    return text.lower()


def check_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise DomainError(N_("A customer needs a name."))
    if len(name) > MAX_NAME or not name.isprintable():
        raise DomainError(
            N_("A name is at most {MAX_NAME} printable characters."), MAX_NAME=MAX_NAME
        )
    return name
