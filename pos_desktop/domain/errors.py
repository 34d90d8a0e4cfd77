"""Domain errors carry a message meant for a person: what is wrong and what to do.

The message is English with ``{name}`` placeholders, marked ``N_()`` where it is raised so the
catalogues know it; it is translated when it is shown (``str(err)``), into the language the
till speaks then. The domain knows no gettext: the till's i18n installs its ``_`` here.
"""

from __future__ import annotations

from collections.abc import Callable


def _same(message: str) -> str:
    return message


_translate: list[Callable[[str], str]] = [_same]


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks ``message`` for extraction; it is translated when the error is shown."""
    return message


class Phrase(str):
    """A marked text handed to a message as a ``{placeholder}`` value (an action's name, "The
    price of {name}"): translated with the message, so the whole sentence is in one language.
    As a plain ``str`` it is the English text (without its values filled in)."""

    params: dict[str, object]

    def __new__(cls, text: str, /, **params: object) -> Phrase:
        phrase = super().__new__(cls, text)
        phrase.params = params
        return phrase

    def shown(self, translate: Callable[[str], str]) -> str:
        """The phrase in the language of ``translate``, its values filled in."""
        text = translate(str(self))
        if not self.params:
            return text
        try:
            return text.format(**self.params)
        except (KeyError, IndexError, ValueError):  # a broken translation: English
            return str(self).format(**self.params)


def use_translation(translate: Callable[[str], str]) -> None:
    """Show every domain error through ``translate`` (the till's ``_``) from now on."""
    _translate[0] = translate


class DomainError(Exception):
    """A business rule refused the action; ``str(err)`` is shown to the cashier.

    ``DomainError(N_("Item {code} is not in the catalogue."), code=code)``: the message is
    translated first, then filled in, so a German till shows the German sentence.
    """

    def __init__(self, message: str = "", /, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def __str__(self) -> str:
        translate = _translate[0]
        text = translate(self.message) if self.message else self.message
        if not self.params:
            return text
        shown = {
            k: v.shown(translate) if isinstance(v, Phrase) else v for k, v in self.params.items()
        }
        try:
            return text.format(**shown)
        except (KeyError, IndexError, ValueError):  # a broken translation: say it in English
            english = {
                k: v.shown(_same) if isinstance(v, Phrase) else v for k, v in self.params.items()
            }
            return self.message.format(**english)


class CurrencyMismatch(DomainError):
    """Two amounts in different currencies were combined."""


class InvalidBarcode(DomainError):
    """A scanned or typed code is not a valid barcode."""


class InvalidQuantity(DomainError):
    """A quantity is zero, negative or not a number."""


class InvalidAmount(DomainError, ValueError):
    """A typed amount or percentage cannot be used (still a ``ValueError`` for its callers)."""


class PaymentError(DomainError):
    """A tender does not fit the sale (too little cash, card overpays, ...)."""


class LedgerOffline(PaymentError):
    """The cloud that holds gift-card and points balances cannot be reached right now."""


class LedgerNotFound(PaymentError):
    """The cloud has no such gift card (or no points for this customer)."""
