"""Variable-measure EAN-13 weight and price labels, per national layout."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.barcodes import has_valid_check_digit, parse_scan
from pos_desktop.domain.errors import InvalidBarcode
from pos_desktop.domain.money import Money
from pos_desktop.domain.variable_measure import (
    REGION_LAYOUTS,
    decode_variable_measure,
    encode_variable_measure,
    price_check_digit,
)


@pytest.mark.parametrize(
    ("code", "region", "measure", "value", "lookup"),
    [
        ("2312345612502", "SE", "weight", Decimal("1.250"), "02312345600004"),
        ("2812341012349", "DE", "weight", Decimal("1.234"), "02812340000002"),
        ("2012345203990", "GB", "price", Decimal("3.99"), "02012345000001"),
    ],
)
def test_hardware_md_vectors(code, region, measure, value, lookup):
    decoded = decode_variable_measure(code, region)
    assert (decoded.measure, decoded.value, decoded.gtin14) == (measure, value, lookup)
    assert has_valid_check_digit(decoded.gtin14)


def test_weight_in_grams_and_price_in_money():
    assert decode_variable_measure("2312345612502", "SE").weight_grams == 1250
    gb = decode_variable_measure("2012345203990", "GB")
    assert gb.price("GBP") == Money(399, "GBP")
    assert gb.weight_grams is None
    assert decode_variable_measure("2312345612502", "SE").price("SEK") is None


@pytest.mark.parametrize(("value", "check"), [("2875", 9), ("14685", 6), ("0000", 0), ("00000", 0)])
def test_price_check_digit_vectors(value, check):
    assert price_check_digit(value) == check


def test_price_check_digit_matches_biip_for_all_values():
    biip = pytest.importorskip("biip")
    for n in range(0, 100000, 7):
        for text in (str(n % 10000).zfill(4), str(n).zfill(5)):
            assert price_check_digit(text) == biip.checksums.gs1_price_weight_check_digit(text)


@pytest.mark.parametrize(
    ("prefix", "region", "value", "expected"),
    [
        ("20", "SE", 1995, Money(1995, "SEK")),  # /100
        ("21", "SE", 1995, Money(19950, "SEK")),  # /10
        ("22", "NO", 1995, Money(199500, "NOK")),  # /1
        ("22", "DE", 12345, Money(12345, "EUR")),
        ("23", "DK", 4500, Money(4500, "DKK")),
    ],
)
def test_price_layouts(prefix, region, value, expected):
    code = encode_variable_measure(prefix, "42", value, region)
    assert decode_variable_measure(code, region).price(expected.currency) == expected


@pytest.mark.parametrize(
    ("prefix", "region", "value", "grams"),
    [("24", "SE", 125, 1250), ("25", "FI", 12, 1200), ("23", "LT", 1250, 1250),
     ("29", "DE", 500, 500), ("26", "DK", 2000, 2000), ("28", "DK", 1, 1)],
)  # fmt: skip
def test_weight_layouts(prefix, region, value, grams):
    code = encode_variable_measure(prefix, "42", value, region)
    assert decode_variable_measure(code, region).weight_grams == grams


def test_wrong_value_check_digit_is_rejected_with_advice():
    good = "2812341012349"
    bad_c = good[:6] + "2" + good[7:12]
    bad = bad_c + str(_ean_check(bad_c))
    with pytest.raises(InvalidBarcode, match="wrong price check digit"):
        decode_variable_measure(bad, "DE")


def test_wrong_ean_check_digit_is_rejected():
    with pytest.raises(InvalidBarcode, match="wrong check digit"):
        parse_scan("2312345612503", region="SE")


def test_unknown_region_is_a_setting_error():
    with pytest.raises(ValueError, match="set the store region"):
        decode_variable_measure("2312345612502", "XX")


def test_prefix_without_layout_is_rejected_by_decoder():
    with pytest.raises(InvalidBarcode, match="region setting"):
        decode_variable_measure("2012345203990", "FI")


def test_price_with_more_decimals_than_currency_rounds_half_up():
    code = encode_variable_measure("20", "1", 1250, "SE")  # 12.50
    assert decode_variable_measure(code, "SE").price("ISK") == Money(13, "ISK")


def _ean_check(payload: str) -> int:
    from pos_desktop.domain.barcodes import gs1_check_digit

    return gs1_check_digit(payload)


region_prefix = st.sampled_from(
    [(region, prefix) for region, table in REGION_LAYOUTS.items() for prefix in table]
)


@settings(deadline=None)
@given(rp=region_prefix, item=st.integers(0, 9999), data=st.data())
def test_encode_decode_round_trip_and_lookup_ignores_value(rp, item, data):
    region, prefix = rp
    layout = REGION_LAYOUTS[region][prefix]
    value = data.draw(st.integers(0, 10**layout.value_digits - 1))
    code = encode_variable_measure(prefix, str(item), value, region)
    decoded = parse_scan(code, region=region)
    assert decoded.value == Decimal(value).scaleb(-layout.decimals)
    zero = decode_variable_measure(encode_variable_measure(prefix, str(item), 0, region), region)
    assert decoded.gtin14 == zero.gtin14 == "0" + zero.code


biip_regions = {"SE": "SWEDEN", "NO": "NORWAY", "FI": "FINLAND", "EE": "ESTONIA",
                "LV": "LATVIA", "LT": "LITHUANIA", "DE": "GERMANY", "GB": "GREAT_BRITAIN",
                "DK": "DENMARK"}  # fmt: skip


@settings(deadline=None)
@given(rp=region_prefix, item=st.integers(0, 9999), data=st.data())
def test_values_agree_with_biip(rp, item, data):
    biip = pytest.importorskip("biip")
    from biip.rcn import Rcn, RcnRegion

    region, prefix = rp
    layout = REGION_LAYOUTS[region][prefix]
    value = data.draw(st.integers(0, 10**layout.value_digits - 1))
    code = encode_variable_measure(prefix, str(item), value, region)
    ours = decode_variable_measure(code, region)
    theirs = biip.gtin.Gtin.parse(
        code, config=biip.ParseConfig(rcn_region=RcnRegion[biip_regions[region]])
    )
    assert isinstance(theirs, Rcn)
    if ours.measure == "weight":
        assert theirs.weight == ours.value
    else:
        assert theirs.price == ours.value
