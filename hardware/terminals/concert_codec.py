"""Concert V2 frame codec: pure functions over bytes, table-driven per protocol variant.

A frame is ``STX <ASCII body> ETX LRC`` where LRC is the XOR of every byte after STX up to
and including ETX. The body is fixed-width ASCII fields (see ``docs/HARDWARE_DEVICES.md``).

The response's card-data field may hold a full card number. It is reduced to brand + last
four digits while decoding and never kept; error messages never quote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from .base import PaymentRequest
from .card import summarize_card_data

STX, ETX, EOT, ENQ, ACK, NAK = 0x02, 0x03, 0x04, 0x05, 0x06, 0x15
MAX_FRAME = 512
MAX_AMOUNT = 99_999_999
CARD_DATA_LENGTH = 55

# Transaction type codes (docs/HARDWARE_DEVICES.md, "Frames": 0 purchase, 1 credit, 2 refund).
TYPE_CODES = {"purchase": "0", "credit": "1", "refund": "2"}
# Payment means -> mode code.
MODE_CODES = {"card": "1", "cheque": "C"}
# Delay codes that make the terminal answer before the outcome is known: never allowed.
_IMMEDIATE_DELAYS = {"A011", "1"}


class ConcertFrameError(ValueError):
    """A Concert frame is malformed. The message says what is wrong, never the card data."""


@dataclass(frozen=True)
class ConcertVariant:
    """Field layout of one Concert V2 flavour, pinned per terminal model."""

    name: str
    delay_width: int
    authorisation_width: int
    default_delay: str
    default_authorisation: str

    @property
    def request_length(self) -> int:
        """Number of body characters in a request of this variant."""
        return 2 + 8 + 1 + 1 + 1 + 3 + 10 + self.delay_width + self.authorisation_width


VARIANTS = {
    "E+": ConcertVariant("E+", 4, 4, "A010", "B010"),
    # Older terminals: one character each for delay and authorisation (28-char request).
    # The one-character codes are from implementations, not a public spec: verify on site.
    "legacy": ConcertVariant("legacy", 1, 1, "0", "0"),
}
SHORT_RESPONSE_LENGTH = 2 + 1 + 8 + 1 + 3 + 10
FULL_RESPONSE_LENGTH = SHORT_RESPONSE_LENGTH + CARD_DATA_LENGTH


@dataclass(frozen=True)
class ConcertRequest:
    """A decoded request frame (the simulator uses this; the driver only encodes)."""

    pos_number: int
    amount_minor: int
    answer_flag: bool
    mode: str
    type_code: str
    currency_numeric: str
    private: str
    delay: str
    authorisation: str

    @property
    def reference(self) -> str:
        """The private field without its space padding."""
        return self.private.rstrip(" ")


@dataclass(frozen=True)
class ConcertResponse:
    """A decoded response. Card data is already reduced to ``card_brand`` and ``last4``."""

    pos_number: int
    status: str
    amount_minor: int
    mode: str
    currency_numeric: str
    private: str
    has_card_data: bool = False
    card_brand: str | None = None
    last4: str | None = None

    @property
    def reference(self) -> str:
        """The echoed private field without its space padding."""
        return self.private.rstrip(" ")


def lrc(data: bytes) -> int:
    """XOR of all bytes: pass everything after STX up to and including ETX."""
    return reduce(lambda acc, byte: acc ^ byte, data, 0)


def frame(body: str) -> bytes:
    """Wrap an ASCII body as ``STX body ETX LRC``."""
    payload = body.encode("ascii") + bytes([ETX])
    return bytes([STX]) + payload + bytes([lrc(payload)])


def encode_request(
    pos_number: int,
    req: PaymentRequest,
    *,
    answer_flag: bool = False,
    mode: str = "1",
    delay: str | None = None,
    authorisation: str | None = None,
    currency_numeric: str,
    variant: str = "E+",
) -> bytes:
    """Build a request frame for a :class:`~hardware.terminals.base.PaymentRequest`.

    Args:
        pos_number: Till number 1-99 (the terminal echoes it).
        req: The payment request (amount_minor, reference, kind are used).
        answer_flag: True asks for the 80-char answer with card data.
        mode: Payment means code (``"1"`` card, ``"C"`` cheque).
        delay: Delay code; default per variant (``"A010"``: answer when the payment ends).
        authorisation: Authorisation code; default per variant (``"B010"``: terminal decides).
        currency_numeric: ISO 4217 numeric code, e.g. ``"978"``.
        variant: ``"E+"`` (34-char request) or ``"legacy"`` (28-char request).

    Returns:
        The complete frame ``STX .. ETX LRC``.

    Raises:
        ValueError: a field is out of range; the message names the field and the fix.
    """
    spec = _variant(variant)
    delay = spec.default_delay if delay is None else delay
    authorisation = spec.default_authorisation if authorisation is None else authorisation
    if delay in _IMMEDIATE_DELAYS:
        raise ValueError(
            f"Delay {delay!r} makes the terminal answer before the payment ends and loses the "
            "outcome; use the end-of-transaction delay (A010)."
        )
    body = "".join(
        (
            _pos_field(pos_number),
            _amount_field(req.amount_minor),
            "1" if answer_flag else "0",
            _fixed("mode", mode, 1),
            _type_field(req.kind),
            _currency_field(currency_numeric),
            _reference_field(req.reference),
            _fixed("delay", delay, spec.delay_width),
            _fixed("authorisation", authorisation, spec.authorisation_width),
        )
    )
    assert len(body) == spec.request_length
    return frame(body)


def decode_request(data: bytes, *, variant: str = "E+") -> ConcertRequest:
    """Decode a request frame (used by the terminal simulator and tests).

    Raises:
        ConcertFrameError: the frame is malformed.
    """
    spec = _variant(variant)
    body = unframe(data)
    if len(body) != spec.request_length:
        raise ConcertFrameError(
            f"Request body is {len(body)} characters; variant {spec.name} expects "
            f"{spec.request_length}."
        )
    fields = _split(
        body,
        (2, 8, 1, 1, 1, 3, 10, spec.delay_width, spec.authorisation_width),
    )
    pos, amount, answer, mode, type_code, currency, private, delay, auth = fields
    return ConcertRequest(
        pos_number=_digits("POS number", pos),
        amount_minor=_digits("amount", amount),
        answer_flag=answer == "1",
        mode=mode,
        type_code=type_code,
        currency_numeric=_numeric_text("currency", currency),
        private=private,
        delay=delay,
        authorisation=auth,
    )


def encode_response(
    pos_number: int,
    status: str,
    amount_minor: int,
    *,
    mode: str = "1",
    currency_numeric: str = "978",
    private: str = "",
    card_data: str | None = None,
) -> bytes:
    """Build a response frame as a terminal would (simulator side).

    ``card_data`` (55 chars max, space padded) makes it the 80-char answer.
    """
    parts = [
        _pos_field(pos_number),
        _fixed("status", status, 1),
        f"{amount_minor:08d}"[-8:],
        _fixed("mode", mode, 1),
    ]
    if card_data is not None:
        parts.append(card_data[:CARD_DATA_LENGTH].ljust(CARD_DATA_LENGTH))
    parts += [_currency_field(currency_numeric), private[:10].ljust(10)]
    return frame("".join(parts))


def decode_response(data: bytes) -> ConcertResponse:
    """Decode a 25- or 80-character response frame.

    Raises:
        ConcertFrameError: bad framing, LRC, length or field; the card data is never quoted.
    """
    body = unframe(data)
    if len(body) == SHORT_RESPONSE_LENGTH:
        pos, status, amount, mode, currency, private = _split(body, (2, 1, 8, 1, 3, 10))
        brand, last4, has_card = None, None, False
    elif len(body) == FULL_RESPONSE_LENGTH:
        pos, status, amount, mode, card, currency, private = _split(
            body, (2, 1, 8, 1, CARD_DATA_LENGTH, 3, 10)
        )
        brand, last4 = summarize_card_data(card)
        has_card = True
        del card  # drop the only reference to a possible full card number
    else:
        raise ConcertFrameError(
            f"Response body is {len(body)} characters; expected {SHORT_RESPONSE_LENGTH} "
            f"(short answer) or {FULL_RESPONSE_LENGTH} (with card data)."
        )
    return ConcertResponse(
        pos_number=_digits("POS number", pos),
        status=status,
        amount_minor=_digits("amount", amount),
        mode=mode,
        currency_numeric=_numeric_text("currency", currency),
        private=private,
        has_card_data=has_card,
        card_brand=brand,
        last4=last4,
    )


def unframe(data: bytes) -> str:
    """Check ``STX body ETX LRC`` framing and return the ASCII body.

    Raises:
        ConcertFrameError: what is wrong with the frame (never its content).
    """
    if not isinstance(data, bytes | bytearray):
        raise ConcertFrameError("A Concert frame must be bytes.")
    if len(data) < 3:
        raise ConcertFrameError(f"Frame of {len(data)} bytes is too short; need STX, ETX, LRC.")
    if len(data) > MAX_FRAME:
        raise ConcertFrameError(f"Frame of {len(data)} bytes exceeds {MAX_FRAME} bytes.")
    if data[0] != STX:
        raise ConcertFrameError(f"Frame starts with 0x{data[0]:02x}, not STX (0x02).")
    if data[-2] != ETX:
        raise ConcertFrameError("Frame does not end with ETX (0x03) followed by the LRC byte.")
    expected = lrc(data[1:-1])
    if data[-1] != expected:
        raise ConcertFrameError(
            f"Bad LRC 0x{data[-1]:02x}, expected 0x{expected:02x}: the frame was damaged."
        )
    body = bytes(data[1:-2])
    if any(byte >= 0x80 for byte in body):
        raise ConcertFrameError(
            "Frame has bytes with the 8th bit set: check the port settings (RS-232 terminals "
            "use bytesize=7&parity=E, USB ones 8N1)."
        )
    if any(byte < 0x20 for byte in body):
        raise ConcertFrameError("Frame body contains control characters; it is not Concert V2.")
    return body.decode("ascii")


def _variant(name: str) -> ConcertVariant:
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(
            f"Unknown Concert variant {name!r}; use one of {', '.join(VARIANTS)}."
        ) from None


def _split(body: str, widths: tuple[int, ...]) -> list[str]:
    out, pos = [], 0
    for width in widths:
        out.append(body[pos : pos + width])
        pos += width
    return out


def _digits(name: str, text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise ConcertFrameError(f"The {name} field is not all digits.")
    return int(text)


def _numeric_text(name: str, text: str) -> str:
    _digits(name, text)
    return text


def _pos_field(pos_number: int) -> str:
    if not isinstance(pos_number, int) or isinstance(pos_number, bool) or not 1 <= pos_number <= 99:
        raise ValueError(f"POS number must be an integer 1-99, got {pos_number!r}.")
    return f"{pos_number:02d}"


def _amount_field(amount_minor: int) -> str:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool):
        raise ValueError(
            f"Amount must be an integer number of minor units (1250 = 12.50), got "
            f"{type(amount_minor).__name__}."
        )
    if not 1 <= amount_minor <= MAX_AMOUNT:
        raise ValueError(f"Amount must be 1 to {MAX_AMOUNT} minor units, got {amount_minor}.")
    return f"{amount_minor:08d}"


def _type_field(kind: str) -> str:
    try:
        return TYPE_CODES[kind]
    except KeyError:
        raise ValueError(
            f"Payment kind {kind!r} is not supported; use one of {', '.join(TYPE_CODES)}."
        ) from None


def _currency_field(numeric: str) -> str:
    if not (isinstance(numeric, str) and len(numeric) == 3 and numeric.isdigit()):
        raise ValueError(f"Currency must be a 3-digit ISO 4217 numeric code, got {numeric!r}.")
    return numeric


def _reference_field(reference: str) -> str:
    if len(reference) > 10 or not all(0x20 <= ord(c) < 0x7F for c in reference):
        raise ValueError(
            f"Payment reference must be at most 10 printable ASCII characters, got {reference!r}."
        )
    return reference.ljust(10)


def _fixed(name: str, value: str, width: int) -> str:
    if len(value) != width or not all(0x20 <= ord(c) < 0x7F for c in value):
        raise ValueError(f"The {name} field must be {width} printable ASCII characters.")
    return value
