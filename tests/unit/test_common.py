"""pos_common: the one GS1 check digit and the one backoff, as every user of them sees them."""

import pytest

from pos_common import gs1
from pos_common.backoff import Backoff, jittered_delay


@pytest.mark.parametrize("code", ["4000000000013", "96385074", "036000291452", "10614141000415"])
def test_known_gs1_codes_are_valid(code):
    assert gs1.is_valid(code) and gs1.check_digit(code[:-1]) == int(code[-1])


@pytest.mark.parametrize("code", ["4000000000014", "4", "", "４000000000013", "40000000000l3"])
def test_wrong_or_foreign_digits_are_not_valid(code):
    assert not gs1.is_valid(code)


def test_backoff_doubles_into_its_upper_half_and_resets():
    top = Backoff(base=0.5, cap=4.0, rng=lambda: 1.0)
    assert [top.next_delay() for _ in range(5)] == [0.5, 1.0, 2.0, 4.0, 4.0]
    top.reset()
    assert top.next_delay() == 0.5
    assert jittered_delay(3, 1.0, 600.0, 0.0) == 4.0  # the lowest draw is half the ceiling
