"""Demo sales service pieces behind ``pos-admin demo-sales``: cash like customers hand it over."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pos_desktop.domain.money import Money, currency_exponent
from pos_desktop.services.demo_sales import NOTES, DemoSalesError, cash_tendered, record_demo_sales


@given(
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from(["EUR", "JPY", "BHD"]),
    st.integers(min_value=0, max_value=2**32),
)
def test_cash_tendered_covers_the_total_with_the_exact_amount_or_notes(total, currency, seed):
    unit = 10 ** currency_exponent(currency)
    tendered = cash_tendered(Money(total, currency), random.Random(seed))

    assert tendered.currency == currency and tendered.amount_minor >= total
    exact = tendered.amount_minor == total
    one_note = tendered.amount_minor in {n * unit for n in NOTES}
    big_notes = tendered.amount_minor % (NOTES[-1] * unit) == 0
    assert exact or one_note or big_notes
    if one_note and not exact:  # the smallest note that covers it, not a bigger one
        smaller = [n * unit for n in NOTES if n * unit < tendered.amount_minor]
        assert all(s < total for s in smaller)


def test_record_demo_sales_needs_something_to_sell():
    with pytest.raises(DemoSalesError, match="no active piece products"):
        record_demo_sales(checkout=None, codes=[], count=1)  # type: ignore[arg-type]
