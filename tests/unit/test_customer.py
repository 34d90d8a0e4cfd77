"""What a cashier types for a new customer: names, phones, e-mails."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.customer import check_name, normalise_email, normalise_phone
from pos_desktop.domain.errors import DomainError


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("+49 30 1234567", "+49301234567"), ("0171/555-0101", "01715550101"), ("", None)],
)
def test_phones_keep_their_digits(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12345", "call me", "+49 30 12a4567"])
def test_bad_phones_are_refused(typed):
    with pytest.raises(DomainError):
        normalise_phone(typed)


def test_e_mails_are_lower_case_and_checked():
    assert normalise_email(" Anna@Example.ORG ") == "anna@example.org"
    assert normalise_email("") is None
    for bad in ("anna", "anna@", "a b@example.org", "anna@example"):
        with pytest.raises(DomainError):
            normalise_email(bad)


def test_names_are_tidied_and_required():
    assert check_name("  Anna   Schmidt ") == "Anna Schmidt"
    for bad in ("", "   ", "x" * 200, "Anna\x00"):
        with pytest.raises(DomainError):
            check_name(bad)


@given(st.text(max_size=80))
def test_anything_typed_is_accepted_or_refused_with_a_message(text):
    for check in (normalise_phone, normalise_email, check_name):
        try:
            check(text)
        except DomainError as err:
            assert str(err)
