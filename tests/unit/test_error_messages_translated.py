"""A domain error's message is translated when it is shown, in the language chosen by then."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pos_desktop.domain import errors
from pos_desktop.domain.amounts import parse_percent
from pos_desktop.domain.cart import Cart
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import N_, DomainError, InvalidAmount, PaymentError
from pos_desktop.domain.staff import Action, action_label, check_reason
from pos_desktop.domain.tax import TaxRate
from pos_desktop.services.i18n import _, set_language


def test_the_message_is_filled_in_after_translation():
    err = PaymentError(N_("Gift card {code} has nothing left on it."), code="GC-7")
    assert str(err) == "Gift card GC-7 has nothing left on it."
    set_language("de")
    assert str(err) == "Auf Geschenkkarte GC-7 ist nichts mehr übrig."  # raised in English
    set_language("fr")
    assert str(err) == "Il ne reste rien sur la carte cadeau GC-7."


def test_an_action_name_in_a_message_speaks_the_same_language():
    with pytest.raises(DomainError) as raised:
        check_reason(Action.VOID_LINE, None)
    assert str(raised.value).startswith("Void a line needs a reason code; pick one of: MISSCAN")
    set_language("de")
    assert str(raised.value).startswith("Position stornieren braucht einen Grund; einen davon")
    assert _(action_label(Action.VOID_LINE)) == "Position stornieren"


def test_a_phrase_with_values_is_translated_inside_the_message():
    cart = Cart("EUR", prices_include_tax=True)
    standard = TaxRate("A", "Standard", Decimal("19"))
    item = CatalogItem("p1", "SKU1", "Milch", -5, "EUR", standard)
    with pytest.raises(DomainError) as raised:
        cart.add(item)
    assert str(raised.value) == "The price of Milch cannot be negative."
    set_language("de")
    assert str(raised.value) == "Der Preis von Milch kann nicht negativ sein."


def test_a_typed_amount_error_is_still_a_value_error_and_translated():
    with pytest.raises(ValueError) as raised:
        parse_percent("150")
    assert isinstance(raised.value, InvalidAmount)
    set_language("de")
    assert str(raised.value) == "Ein Rabatt von 150 % ist nicht möglich: 0-100 % verwenden."


def test_a_broken_translation_falls_back_to_english():
    errors.use_translation(lambda message: "Karte {kode} leer.")  # a translator's typo
    try:
        err = PaymentError(N_("Gift card {code} has nothing left on it."), code="GC-7")
        assert str(err) == "Gift card GC-7 has nothing left on it."
    finally:
        errors.use_translation(_)


def test_a_message_without_values_keeps_its_braces():
    assert str(DomainError("Use {braces} as typed.")) == "Use {braces} as typed."
