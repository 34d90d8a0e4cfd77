"""Concert V2 codec: byte for byte against the frames in docs/HARDWARE_DEVICES.md ("Frames"),
validation, and fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.terminals.base import PaymentRequest
from hardware.terminals.card import brand_from_iin, find_pans, luhn_valid, summarize_card_data
from hardware.terminals.concert import (
    ConcertFrameError,
    decode_request,
    decode_response,
    encode_request,
    encode_response,
    lrc,
)
from hardware.terminals.currencies import ISO_NUMERIC, numeric_code

EXAMPLE_REQUEST = bytes.fromhex(
    "02 30 31 30 30 30 30 31 32 35 30 31 31 30 39 37 38"
    + " 20" * 10
    + " 41 30 31 30 42 30 31 30 03 01"
)
EXAMPLE_SHORT_RESPONSE = (
    b"\x02" + b"01" + b"0" + b"00001250" + b"1" + b"978" + b"0000012345" + b"\x03\x32"
)


def purchase(amount=1250, reference="", kind="purchase"):
    return PaymentRequest(amount_minor=amount, currency="EUR", reference=reference, kind=kind)


def test_request_matches_hardware_md_example_byte_for_byte():
    frame = encode_request(1, purchase(), answer_flag=True, currency_numeric="978")
    assert frame == EXAMPLE_REQUEST


def test_short_response_example_decodes():
    response = decode_response(EXAMPLE_SHORT_RESPONSE)
    assert (response.pos_number, response.status, response.amount_minor) == (1, "0", 1250)
    assert (response.mode, response.currency_numeric, response.reference) == (
        "1",
        "978",
        "0000012345",
    )
    assert not response.has_card_data and response.last4 is None


def test_lrc_is_xor_after_stx_through_etx():
    assert lrc(EXAMPLE_REQUEST[1:-1]) == 0x01
    assert lrc(EXAMPLE_SHORT_RESPONSE[1:-1]) == 0x32
    assert lrc(b"") == 0
    assert lrc(b"\x01\x01") == 0


def test_encode_response_round_trips_short_example():
    frame = encode_response(1, "0", 1250, currency_numeric="978", private="0000012345")
    assert frame == EXAMPLE_SHORT_RESPONSE


def test_request_fields_reference_refund_and_short_answer():
    frame = encode_request(7, purchase(1, "REF-42", "refund"), currency_numeric="826")
    body = frame[1:-2].decode()
    assert body == "0700000001012826REF-42    A010B010"
    decoded = decode_request(frame)
    assert decoded.pos_number == 7 and decoded.amount_minor == 1 and decoded.type_code == "2"
    assert decoded.reference == "REF-42" and not decoded.answer_flag


def test_legacy_variant_is_28_characters():
    frame = encode_request(1, purchase(), currency_numeric="978", variant="legacy")
    assert len(frame) == 28 + 3
    assert decode_request(frame, variant="legacy").amount_minor == 1250


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"amount": 0}, "1 to 99999999"),
        ({"amount": 100_000_000}, "1 to 99999999"),
        ({"amount": 12.5}, "integer"),
        ({"amount": True}, "integer"),
        ({"reference": "ELEVEN-CHAR"}, "at most 10"),
        ({"reference": "caf\u00e9"}, "printable ASCII"),
        ({"kind": "gift"}, "not supported"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(kwargs, words):
    with pytest.raises(ValueError, match=words):
        encode_request(1, purchase(**kwargs), currency_numeric="978")


def test_immediate_answer_delay_is_refused():
    with pytest.raises(ValueError, match="loses the outcome"):
        encode_request(1, purchase(), delay="A011", currency_numeric="978")


@pytest.mark.parametrize("pos", [0, 100, -1])
def test_pos_number_range(pos):
    with pytest.raises(ValueError, match="1-99"):
        encode_request(pos, purchase(), currency_numeric="978")


@pytest.mark.parametrize(
    ("frame", "words"),
    [
        (b"", "too short"),
        (b"\x01" + EXAMPLE_SHORT_RESPONSE[1:], "not STX"),
        (EXAMPLE_SHORT_RESPONSE[:-1] + b"\x33", "Bad LRC"),
        (EXAMPLE_SHORT_RESPONSE[:-2], "ETX"),
        (b"\x02" + b"0" * 24 + b"\x03" + bytes([lrc(b"0" * 24 + b"\x03")]), "expected 25"),
        (encode_response(1, "0", 5).replace(b"00000005", b"0000000x")[:-1], "ETX"),
    ],
)
def test_broken_response_frames_raise_concert_frame_error(frame, words):
    with pytest.raises(ConcertFrameError, match=words):
        decode_response(frame)


def test_non_digit_amount_is_named():
    body = b"010000000x51978" + b" " * 10 + b"\x03"
    with pytest.raises(ConcertFrameError, match="amount"):
        decode_response(b"\x02" + body + bytes([lrc(body)]))


def test_eighth_bit_set_points_at_port_settings():
    body = b"01000001250\xb1978" + b" " * 10 + b"\x03"
    with pytest.raises(ConcertFrameError, match="parity=E"):
        decode_response(b"\x02" + body + bytes([lrc(body)]))


PAN = "4111111111111111"  # Luhn-valid test number


def test_full_response_keeps_only_brand_and_last4():
    assert luhn_valid(PAN)
    frame = encode_response(1, "0", 1250, private="R1", card_data=f"{PAN}=2512101")
    response = decode_response(frame)
    assert response.has_card_data
    assert (response.card_brand, response.last4) == ("visa", "1111")
    assert PAN not in repr(response) and not find_pans(repr(response))


def test_broken_full_response_error_does_not_quote_card_data():
    frame = bytearray(encode_response(1, "0", 1250, card_data=PAN))
    frame[-1] ^= 0xFF
    with pytest.raises(ConcertFrameError) as info:
        decode_response(bytes(frame))
    assert PAN not in str(info.value) and not find_pans(str(info.value))


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ("5555555555554444", ("mastercard", "4444")),
        ("378282246310005", ("amex", "0005")),
        ("411111******1111   ", ("visa", "1111")),
        ("************1234", (None, "1234")),
        ("no card here", (None, None)),
        ("", (None, None)),
    ],
)
def test_summarize_card_data(card, expected):
    assert summarize_card_data(card) == expected


def test_brand_needs_six_digits():
    assert brand_from_iin("4111") is None
    assert brand_from_iin("999999") is None


def test_currency_numeric_codes():
    assert numeric_code("eur") == "978" and ISO_NUMERIC["JPY"] == "392"
    with pytest.raises(ValueError, match="EUR"):
        numeric_code("XXX")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_decode_response_fuzz_only_raises_frame_error(data):
    try:
        decode_response(data)
    except ConcertFrameError as exc:
        assert str(exc)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=90))
def test_decode_response_fuzz_well_framed_bodies(body):
    payload = body.encode() + b"\x03"
    try:
        response = decode_response(b"\x02" + payload + bytes([lrc(payload)]))
    except ConcertFrameError as exc:
        assert str(exc)
    else:
        assert len(body) in (25, 80) and 0 <= response.amount_minor <= 99_999_999


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 99_999_999),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=10),
    st.integers(1, 99),
)
def test_request_round_trip(amount, reference, pos):
    frame = encode_request(pos, purchase(amount, reference), currency_numeric="978")
    decoded = decode_request(frame)
    assert (decoded.pos_number, decoded.amount_minor) == (pos, amount)
    assert decoded.private == reference.ljust(10)
