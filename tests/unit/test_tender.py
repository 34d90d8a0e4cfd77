"""Split tender: cash with change and rounding, card, voucher, other named tenders."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.errors import PaymentError
from pos_desktop.domain.money import Money
from pos_desktop.domain.tender import SplitTender, round_to_increment


def sek(minor: int) -> Money:
    return Money(minor, "SEK")


def test_cash_with_change():
    split = SplitTender(sek(1250))
    cash = split.add_cash(sek(2000))
    assert (cash.amount_minor, cash.tendered_minor, cash.change_minor) == (1250, 2000, 750)
    assert split.is_settled and split.change_minor == 750 and split.rounding_minor == 0


@pytest.mark.parametrize(
    ("total", "due", "rounding"),
    [(1002, 1000, -2), (1003, 1005, 2), (1025, 1025, 0), (1027, 1025, -2), (1028, 1030, 2)],
)
def test_cash_rounding_to_five_is_recorded_separately(total, due, rounding):
    split = SplitTender(sek(total), cash_increment_minor=5)
    assert split.cash_due_minor == due
    cash = split.add_cash(sek(2000))
    assert (cash.amount_minor, cash.rounding_minor, cash.change_minor) == (
        due,
        rounding,
        2000 - due,
    )
    assert split.paid_minor == total + split.rounding_minor
    assert split.is_settled


def test_card_then_cash_rounds_only_the_cash_part():
    split = SplitTender(sek(1002), cash_increment_minor=5)
    split.add_card(sek(501), reference="auth 123")
    assert split.remaining_minor == 501
    cash = split.add_cash(sek(500))
    assert (cash.amount_minor, cash.rounding_minor, cash.change_minor) == (500, -1, 0)
    assert split.is_settled


def test_partial_cash_then_card_has_no_rounding():
    split = SplitTender(sek(1002), cash_increment_minor=5)
    split.add_cash(sek(500))
    assert split.remaining_minor == 502
    split.add_card(sek(502))
    assert split.is_settled and split.rounding_minor == 0


def test_rest_that_rounds_to_zero_is_settled_by_rounding():
    split = SplitTender(sek(1002), cash_increment_minor=5)
    split.add_card(sek(1000))
    assert split.cash_due_minor == 0
    cash = split.add_cash(sek(0))
    assert (cash.amount_minor, cash.rounding_minor) == (0, -2)
    assert split.is_settled


def test_card_cannot_overpay():
    split = SplitTender(sek(1000))
    with pytest.raises(PaymentError, match="cannot pay more than is due"):
        split.add_card(sek(1001))


def test_voucher_pays_at_most_the_rest_and_keeps_its_balance():
    split = SplitTender(sek(1000))
    voucher = split.add_voucher(sek(2500), code=" GV-1 ")
    assert (voucher.amount_minor, voucher.reference) == (1000, "GV-1")
    assert split.is_settled and split.change_minor == 0
    assert 2500 - voucher.amount_minor == 1500  # left on the voucher


def test_other_named_tender_with_reference():
    split = SplitTender(sek(1000))
    split.add_other(sek(400), name="Invoice", reference="INV-77")
    split.add_cash(sek(600))
    payments = split.payments()
    assert [(p.tender, p.amount.amount_minor, p.reference) for p in payments] == [
        ("Invoice", 400, "INV-77"),
        ("cash", 600, None),
    ]


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda s: s.add_cash(Money(100, "EUR")), "in EUR"),
        (lambda s: s.add_card(sek(0)), "more than zero"),
        (lambda s: s.add_voucher(sek(100), code=""), "voucher code"),
        (lambda s: s.add_other(sek(100), name=" "), "Name the tender"),
        (lambda s: s.remove("missing"), "not on this sale"),
    ],
)
def test_bad_tenders_are_refused_with_a_message(action, message):
    with pytest.raises(PaymentError, match=message):
        action(SplitTender(sek(1000)))


def test_nothing_more_once_settled_and_remove_reopens():
    split = SplitTender(sek(1000))
    card = split.add_card(sek(1000))
    with pytest.raises(PaymentError, match="already paid"):
        split.add_cash(sek(100))
    split.remove(card.tender_id)
    assert split.remaining_minor == 1000 and not split.is_settled


def test_zero_total_is_refused():
    with pytest.raises(PaymentError):
        SplitTender(sek(0))


@pytest.mark.parametrize(
    ("amount", "inc", "expected"),
    [(12, 5, 10), (13, 5, 15), (-13, 5, -15), (-12, 5, -10), (150, 100, 200), (149, 100, 100),
     (7, 1, 7)],
)  # fmt: skip
def test_round_to_increment(amount, inc, expected):
    assert round_to_increment(amount, inc) == expected


tender_step = st.tuples(
    st.sampled_from(["cash", "card", "voucher", "other"]), st.integers(1, 200_000)
)


@settings(deadline=None)
@given(
    total=st.integers(1, 100_000),
    inc=st.sampled_from([1, 5, 10, 50, 100]),
    steps=st.lists(tender_step, max_size=8),
)
def test_split_tenders_cover_exactly(total, inc, steps):
    split = SplitTender(sek(total), cash_increment_minor=inc)
    for kind, amount in steps:
        if split.is_settled:
            break
        try:
            if kind == "cash":
                split.add_cash(sek(amount))
            elif kind == "card":
                split.add_card(sek(amount))
            elif kind == "voucher":
                split.add_voucher(sek(amount), code="V")
            else:
                split.add_other(sek(amount), name="Invoice")
        except PaymentError:
            assert kind in ("card", "other") and amount > split.remaining_minor
    if not split.is_settled:
        split.add_cash(sek(max(split.cash_due_minor, 0) + 1000))
    tenders = split.tenders
    assert split.is_settled
    assert sum(t.amount_minor for t in tenders) == total + split.rounding_minor
    assert abs(split.rounding_minor) * 2 <= inc
    assert all(t.change_minor == 0 for t in tenders if t.kind != "cash")
    assert all(t.tendered_minor - t.change_minor == t.amount_minor for t in tenders)
    assert all(t.rounding_minor == 0 for t in tenders if t.kind != "cash")


@given(
    total=st.integers(min_value=1, max_value=10**7),
    held_points=st.integers(min_value=0, max_value=10**6),
    step=st.integers(min_value=1, max_value=500),
)
def test_points_pay_whole_points_never_more_than_held_or_due(total, held_points, step):
    """A cloud balance spent in steps (points worth ``step`` each): whole steps only, never
    more than the points are worth nor more than is due; nothing fits: refused."""
    from pos_desktop.domain.tender import POINTS

    split = SplitTender(Money(total, "EUR"))
    worth = Money(held_points * step, "EUR")
    if held_points == 0:
        return
    try:
        tender = split.add_voucher(worth, code="c1", name="Points", kind=POINTS, step_minor=step)
    except PaymentError:
        assert min(worth.amount_minor, total) < step  # not even one point fits
        return
    assert tender.kind == POINTS and tender.amount_minor % step == 0
    assert 0 < tender.amount_minor <= min(worth.amount_minor, total)
    assert total - tender.amount_minor < step or tender.amount_minor == worth.amount_minor
