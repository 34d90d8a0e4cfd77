"""GTIN check digits, UPC-E expansion, normalisation and scan classification."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_desktop.domain.barcodes import (
    ScannedCode,
    classify_gtin,
    expand_upce,
    gs1_check_digit,
    looks_like_barcode,
    normalize_gtin,
    parse_scan,
)
from pos_desktop.domain.errors import InvalidBarcode
from pos_desktop.domain.gs1 import GS1ElementString
from pos_desktop.domain.variable_measure import VariableMeasureCode

digits = st.text(alphabet="0123456789", min_size=1, max_size=20)


@pytest.mark.parametrize(
    ("code", "gtin14", "kind"),
    [
        ("4006381333931", "04006381333931", "ean13"),
        ("96385074", "00000096385074", "ean8"),
        ("036000291452", "00036000291452", "upca"),
        ("10614141000415", "10614141000415", "gtin14"),
        ("04252614", "00042100005264", "upce"),
        (" 4006381333931\r\n", "04006381333931", "ean13"),
    ],
)
def test_valid_vectors_normalise(code, gtin14, kind):
    assert normalize_gtin(code) == gtin14
    assert classify_gtin(code).kind == kind


@pytest.mark.parametrize(
    ("upce", "upca"),
    [
        ("01234565", "012345000065"),
        ("04252614", "042100005264"),
        ("01234133", "012300000413"),  # d6 = 3
        ("01234145", "012340000015"),  # d6 = 4
        ("01234204", "012000003424"),  # d6 = 0-2
        ("19876511", "198100007651"),  # number system 1, d6 = 5-9
    ],
)
def test_upce_expansion_vectors(upce, upca):
    assert expand_upce(upce) == upca


@pytest.mark.parametrize("code", ["21234565", "0123456", "01234564", "0123456x"])
def test_expand_upce_rejects_non_upce(code):
    with pytest.raises(InvalidBarcode):
        expand_upce(code)


def test_wrong_check_digit_message_tells_expected_digit_and_what_to_do():
    with pytest.raises(InvalidBarcode) as err:
        normalize_gtin("4006381333932")
    assert str(err.value) == (
        "4006381333932 has a wrong check digit (expected 1): scan it again or type it."
    )


@pytest.mark.parametrize("code", ["40063", "", "abcdefgh", "4006381333931x", "٤٠٠٦٣٨١٣٣٣٩٣١"])
def test_not_a_barcode_message(code):
    with pytest.raises(InvalidBarcode, match="is not a barcode: use 8, 12, 13 or 14 digits"):
        normalize_gtin(code)


def test_eight_digits_valid_both_ways_is_ean8_with_upce_alternative():
    scanned = classify_gtin("01234565")
    assert scanned == ScannedCode("00000001234565", "ean8", "00012345000065")


def test_aim_e0_reads_eight_digits_as_upce():
    scanned = parse_scan("]E001234565")
    assert scanned.kind == "upce"
    assert scanned.gtin14 == "00012345000065"
    assert scanned.alternative_gtin14 == "00000001234565"


def test_eight_digits_invalid_as_ean8_fall_back_to_upce():
    assert classify_gtin("04252614") == ScannedCode("00042100005264", "upce")


def test_gs1_check_digit_rejects_non_digits():
    with pytest.raises(InvalidBarcode):
        gs1_check_digit("12a4")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4006381333931", True), ("96385074", True), ("1234567", False), ("12345678901", False),
     ("400638133393a", False), ("", False), ("²²²²²²²²", False)],
)  # fmt: skip
def test_looks_like_barcode(text, expected):
    assert looks_like_barcode(text) is expected


def test_parse_scan_routes_each_kind():
    assert isinstance(parse_scan("4006381333931"), ScannedCode)
    assert isinstance(parse_scan("2312345612502", region="SE"), VariableMeasureCode)
    assert isinstance(parse_scan("]C10107035876006187"), GS1ElementString)
    bare = parse_scan("010703587600618717241231")  # no AIM id configured on the scanner
    assert isinstance(bare, GS1ElementString)
    assert bare.gtin14 == "07035876006187"


def test_parse_scan_prefix_without_layout_in_region_is_plain_gtin():
    # 28 is a weight prefix in DE but has no layout in SE: the store's own in-store code.
    code = "2812341012349"
    assert parse_scan(code, region="SE") == ScannedCode("0" + code, "ean13")
    assert isinstance(parse_scan(code, region="DE"), VariableMeasureCode)


@settings(deadline=None)
@given(
    payload=st.sampled_from([7, 11, 12, 13]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    )
)
def test_payload_with_computed_check_digit_validates(payload):
    code = payload + str(gs1_check_digit(payload))
    gtin = normalize_gtin(code)
    assert gtin == code.zfill(14) or classify_gtin(code).kind == "upce"


@settings(deadline=None)
@given(
    payload=st.sampled_from([11, 12, 13]).flatmap(
        lambda n: st.text("0123456789", min_size=n, max_size=n)
    ),
    data=st.data(),
)
def test_any_single_digit_change_is_rejected(payload, data):
    code = payload + str(gs1_check_digit(payload))
    position = data.draw(st.integers(0, len(code) - 1))
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    changed = code[:position] + new_digit + code[position + 1 :]
    with pytest.raises(InvalidBarcode, match="wrong check digit"):
        normalize_gtin(changed)


@settings(deadline=None)
@given(payload=st.text("0123456789", min_size=7, max_size=7), data=st.data())
def test_single_digit_change_of_ean8_never_reads_as_the_same_product(payload, data):
    # An altered EAN-8 may happen to be a valid UPC-E, but never the original GTIN.
    code = payload + str(gs1_check_digit(payload))
    position = data.draw(st.integers(0, 7))
    new_digit = data.draw(st.sampled_from([d for d in "0123456789" if d != code[position]]))
    changed = code[:position] + new_digit + code[position + 1 :]
    try:
        scanned = classify_gtin(changed)
    except InvalidBarcode:
        return
    assert scanned.kind == "upce"
    assert code.zfill(14) not in (scanned.gtin14, scanned.alternative_gtin14)


@settings(deadline=None)
@given(text=st.text(alphabet="0123456789", min_size=8, max_size=14))
def test_normalisation_is_idempotent(text):
    try:
        once = normalize_gtin(text)
    except InvalidBarcode:
        return
    assert normalize_gtin(once) == once
    assert len(once) == 14


@settings(deadline=None)
@given(text=st.text(max_size=40))
def test_parse_scan_never_crashes_on_garbage(text):
    try:
        parse_scan(text)
    except InvalidBarcode as err:
        assert str(err)


def test_biip_agrees_on_gtin_and_upce():
    biip = pytest.importorskip("biip")
    for code in ["4006381333931", "96385074", "036000291452", "10614141000415"]:
        assert biip.gtin.Gtin.parse(code).as_gtin_14() == normalize_gtin(code)
    for upce in ["01234565", "04252614"]:
        assert biip.upc.Upc.parse(upce).as_upc_a() == expand_upce(upce)


@settings(deadline=None)
@given(payload=digits)
def test_check_digit_matches_biip(payload):
    biip = pytest.importorskip("biip")
    assert gs1_check_digit(payload) == biip.checksums.gs1_standard_check_digit(payload)
