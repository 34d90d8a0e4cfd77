"""GS1 element strings: AIM ids, separators, AIs 01/10/17/21/310n/320n/392n/393n, fuzzing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.errors import CurrencyMismatch, InvalidBarcode
from pos_desktop.domain.gs1 import GS, parse_gs1
from pos_desktop.domain.money import Money

VECTOR = "]C101070358760061871724123110ABC123\x1d310300125039221599"


def test_hardware_md_vector():
    parsed = parse_gs1(VECTOR)
    assert parsed.gtin14 == "07035876006187"
    assert parsed.expiry == date(2024, 12, 31)
    assert parsed.lot == "ABC123"
    assert parsed.net_weight_kg == Decimal("1.250")
    assert parsed.weight_grams == 1250
    assert parsed.weight_kg == Decimal("1.250")
    assert parsed.price_value == Decimal("15.99")
    assert parsed.price("NOK") == Money(1599, "NOK")
    assert [ai for ai, _ in parsed.ais] == ["01", "17", "10", "3103", "3922"]


@pytest.mark.parametrize("aim", ["]C1", "]e0", "]d2", "]Q3", ""])
def test_aim_ids_are_stripped(aim):
    assert parse_gs1(aim + "0107035876006187").gtin14 == "07035876006187"


def test_gs_substitute_from_keyboard_wedge():
    text = VECTOR.replace(GS, "|")
    assert parse_gs1(text, gs_substitute="|") == parse_gs1(VECTOR).__class__(
        **{**_fields(parse_gs1(VECTOR)), "raw": text}
    )


def _fields(parsed):
    return {name: getattr(parsed, name) for name in parsed.__slots__}


def test_without_separator_a_variable_ai_swallows_the_rest():
    parsed = parse_gs1("]C1010703587600618710ABC1233103001250")
    assert parsed.lot == "ABC1233103001250"
    assert parsed.net_weight_kg is None


def test_leading_fnc1_and_gs_after_fixed_ai_are_tolerated():
    parsed = parse_gs1("]d2\x1d0107035876006187\x1d17240200")
    assert parsed.expiry == date(2024, 2, 29)  # DD=00: last day of the month, leap year


def test_bracketed_human_readable_form():
    parsed = parse_gs1("(01)07035876006187(17)250600(21)SN-1(3202)000450(3932)978995")
    assert parsed.expiry == date(2025, 6, 30)
    assert parsed.serial == "SN-1"
    assert parsed.net_weight_lb == Decimal("4.50")
    assert parsed.price_currency_numeric == "978"
    assert parsed.price("EUR") == Money(995, "EUR")


def test_393n_in_another_currency_is_refused():
    parsed = parse_gs1("0107035876006187393297812345")
    with pytest.raises(CurrencyMismatch, match="enter the price by hand"):
        parsed.price("SEK")


@pytest.mark.parametrize(
    ("yy", "today", "year"),
    [("24", date(2024, 6, 1), 2024), ("99", date(2024, 6, 1), 1999),
     ("74", date(2024, 6, 1), 2074), ("75", date(2024, 6, 1), 1975),
     ("01", date(2098, 6, 1), 2101), ("49", date(2098, 6, 1), 2049),
     ("48", date(2098, 6, 1), 2148)],
)  # fmt: skip
def test_century_follows_the_gs1_sliding_window(yy, today, year):
    assert parse_gs1(f"0107035876006187 17{yy}0115".replace(" ", ""), today=today).expiry == date(
        year, 1, 15
    )


def test_is_expired():
    parsed = parse_gs1("01070358760061871724123110L1")
    assert not parsed.is_expired(date(2024, 12, 31))
    assert parsed.is_expired(date(2025, 1, 1))
    assert not parse_gs1("0107035876006187").is_expired(date(2099, 1, 1))


def test_get_returns_raw_ai_data():
    parsed = parse_gs1("0107035876006187" + "11240101" + "21XYZ")
    assert parsed.get("11") == "240101"
    assert parsed.get("99") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("]C10107035876006188", "wrong check digit (expected 7)"),
        ("]C1010703587600618", "needs 14 characters but the scan ends early"),
        ("]C10107035876006187171313", "ends early"),
        ("]C1010703587600618717131301", "month 13"),
        ("]C1010703587600618717230230", "day 30"),
        ("]C19907035876006187", "Unknown GS1 application identifier '9907'"),
        ("]C10107035876006187\x1d10", "has no data"),
        ("]C1010703587600618710" + "A" * 21, "at most 20 characters"),
        ("]C1010703587600618710AB\tC", "characters a GS1 code may not carry"),
        ("]C1", "empty"),
        ("]C10107035876006187310612345A", "digits only"),
        ("]C101070358760061873106123456", "invalid decimal position 6"),
        ("(01)0703(17)", "needs exactly 14"),
        ("(01)07035876006187x(", "is not a GS1 code"),
    ],
)
def test_bad_input_gets_a_clear_message(text, message):
    with pytest.raises(InvalidBarcode, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_gs1(text)


ai_text = st.sampled_from(
    ["01", "07035876006187", "17", "241231", "10", "3103", "3922", "3932", "21", GS, "]C1",
     "(", ")", "00", "9", "A", "\x00", "é", "0"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(ai_text, max_size=12))
def test_fuzz_structured_never_crashes(parts):
    _parse_or_clear_error("".join(parts))


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=80))
def test_fuzz_any_text_never_crashes(text):
    _parse_or_clear_error(text)


def test_huge_input_is_refused_quickly():
    with pytest.raises(InvalidBarcode, match="too long"):
        parse_gs1("10" + "A" * 100_000)


def _parse_or_clear_error(text):
    try:
        parse_gs1(text)
    except InvalidBarcode as err:
        assert len(str(err)) > 10


@settings(max_examples=30, deadline=None)
@given(
    lot=st.text(alphabet="ABCXYZ0123456789-/", min_size=1, max_size=20),
    grams=st.integers(0, 999_999),
    # biip reads "3922" + "1" as 0.1; GS1 counts the decimals from the right (0.01), as we do.
    cents=st.integers(100, 10**9),
    days=st.integers(-49 * 365, 49 * 365),
)
def test_agrees_with_biip(lot, grams, cents, days):
    biip = pytest.importorskip("biip")
    yymmdd = date.today() + timedelta(days=days)  # biip resolves the century from today
    text = (
        f"]C10107035876006187" f"17{yymmdd:%y%m%d}" f"10{lot}{GS}"
        f"3103{grams:06d}" f"3922{cents}"
    )  # fmt: skip
    ours = parse_gs1(text)
    theirs = biip.parse(text).gs1_message.element_strings
    assert theirs.get(ai="17").date == ours.expiry
    assert theirs.get(ai="10").value == ours.lot
    assert theirs.get(ai="3103").decimal == ours.net_weight_kg
    assert theirs.get(ai="3922").decimal == ours.price_value
