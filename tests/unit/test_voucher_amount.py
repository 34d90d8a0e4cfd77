"""A gift voucher pays the amount the customer names, never more than it holds or is due."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.errors import PaymentError
from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import SplitTender


def eur(minor: int) -> Money:
    return Money(minor, "EUR")


def test_a_typed_amount_is_what_the_voucher_pays():
    split = SplitTender(eur(1116), cash_increment_minor=5)
    tender = split.add_voucher(eur(5000), code="GIFT-5000", amount=eur(400))
    assert tender.amount_minor == 400 and split.remaining_minor == 716
    assert split.cash_due_minor == 715


def test_without_an_amount_it_pays_as_much_as_it_can():
    split = SplitTender(eur(1116))
    assert split.add_voucher(eur(5000), code="GIFT-5000").amount_minor == 1116


def test_more_than_it_holds_is_refused_with_the_balance():
    split = SplitTender(eur(2000))
    with pytest.raises(PaymentError, match="holds only 10.00"):
        split.add_voucher(eur(1000), code="GIFT-1000", amount=eur(1200))
    assert split.tenders == ()


def test_more_than_is_due_is_refused():
    split = SplitTender(eur(500))
    with pytest.raises(PaymentError, match="cannot pay more than is due"):
        split.add_voucher(eur(5000), code="GIFT-5000", amount=eur(600))


@given(st.integers(1, 100_000), st.integers(1, 100_000), st.integers(1, 100_000))
def test_a_voucher_never_pays_more_than_it_holds_or_is_due(total, balance, wanted):
    split = SplitTender(eur(total))
    try:
        tender = split.add_voucher(eur(balance), code="V", amount=eur(wanted))
    except PaymentError:
        assert wanted > balance or wanted > total
        return
    assert tender.amount_minor == wanted <= min(balance, total)
