"""GS1 element strings (GS1-128, GS1 DataBar, GS1 DataMatrix/QR): GTIN, lot, expiry, weight, price.

A scan such as ``]C101070358760061871724123110ABC123<GS>3103001250``: the AIM id is stripped,
fixed-length AIs need no separator, variable-length ones end at GS (0x1D) or the end of data.
Keyboard-wedge scanners cannot type GS, so a configured substitute (e.g. ``"|"``) is accepted.
The bracketed human-readable form ``(01)07035876006187(17)241231`` is accepted for typed input.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .barcodes import GS1_AIM_IDS, gs1_check_digit, has_valid_check_digit, is_ascii_digits
from .errors import N_, CurrencyMismatch, InvalidBarcode
from .money import Money, currency_exponent, currency_numeric, round_half_up

GS = "\x1d"
# GS1 "character set 82": what lot and serial numbers may contain.
_CSET82 = re.compile(r"[!\"%&'()*+,\-./0-9:;<=>?A-Z_a-z]*")
_MAX_SCAN_LENGTH = 512  # no real symbol carries more; bounds the work on garbage input


@dataclass(frozen=True, slots=True)
class AISpec:
    """Application identifier: its length, data length, whether the data is digits only."""

    ai_length: int
    data_length: int  # exact length when fixed, maximum length when variable
    fixed: bool
    numeric: bool


def _fixed(ai_len: int, n: int, numeric: bool = True) -> AISpec:
    return AISpec(ai_len, n, True, numeric)


def _var(ai_len: int, n: int, numeric: bool = False) -> AISpec:
    return AISpec(ai_len, n, False, numeric)


# Keyed by the first two digits of the AI; AIs not listed are rejected with a clear message.
_SPECS: dict[str, AISpec] = {
    "00": _fixed(2, 18), "01": _fixed(2, 14), "02": _fixed(2, 14), "03": _fixed(2, 14),
    "10": _var(2, 20), "11": _fixed(2, 6), "12": _fixed(2, 6), "13": _fixed(2, 6),
    "15": _fixed(2, 6), "16": _fixed(2, 6), "17": _fixed(2, 6), "20": _fixed(2, 2),
    "21": _var(2, 20), "22": _var(2, 20), "30": _var(2, 8, True), "37": _var(2, 8, True),
}  # fmt: skip
_SPECS_3 = {
    "240": _var(3, 30), "241": _var(3, 30), "250": _var(3, 30), "251": _var(3, 30),
    "400": _var(3, 30), "401": _var(3, 30), "420": _var(3, 20), "421": _var(3, 12),
    "422": _fixed(3, 3), **{f"41{d}": _fixed(3, 13) for d in "01234567"},
}  # fmt: skip
# 31nn-36nn measures (6 digits, last AI digit = decimals), 390n-393n amounts.
_SPECS_4 = {
    **{f"3{a}{b}": _fixed(4, 6) for a in "123456" for b in "0123456789"},
    "390": _var(4, 15, True), "391": _var(4, 18, True),
    "392": _var(4, 15, True), "393": _var(4, 18, True),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class GS1ElementString:
    """The decoded data of one GS1 element string scan.

    ``gtin14`` is the lookup key (AI 01), ``ais`` every (AI, data) pair in scan order.
    Weights and prices are exact Decimals; use :meth:`price` for Money.
    """

    raw: str
    ais: tuple[tuple[str, str], ...]
    gtin14: str | None = None
    expiry: date | None = None
    lot: str | None = None
    serial: str | None = None
    net_weight_kg: Decimal | None = None
    net_weight_lb: Decimal | None = None
    price_value: Decimal | None = None
    price_currency_numeric: str | None = None  # from AI 393n, e.g. "978"

    def get(self, ai: str) -> str | None:
        """The data of the first occurrence of ``ai``, or None."""
        return next((data for key, data in self.ais if key == ai), None)

    def is_expired(self, today: date) -> bool:
        """True when the item's expiry date (AI 17) is before ``today``; False without one."""
        return self.expiry is not None and self.expiry < today

    @property
    def weight_kg(self) -> Decimal | None:
        """Net weight in kg (AI 310n), named like :class:`VariableMeasureCode`'s."""
        return self.net_weight_kg

    @property
    def weight_grams(self) -> int | None:
        """Net weight in grams, rounded half up, or None without AI 310n."""
        if self.net_weight_kg is None:
            return None
        return round_half_up(self.net_weight_kg.scaleb(3))

    def price(self, currency: str) -> Money | None:
        """The encoded price (AI 392n/393n) as Money, or None without one.

        Raises:
            CurrencyMismatch: if AI 393n names a different currency than the store's.
        """
        if self.price_value is None:
            return None
        if self.price_currency_numeric and self.price_currency_numeric != _numeric_or_none(
            currency
        ):
            raise CurrencyMismatch(
                N_(
                    "The label is priced in currency {price_currency_numeric}, not "
                    "{currency}: enter the price by hand."
                ),
                price_currency_numeric=self.price_currency_numeric,
                currency=currency,
            )
        return Money(round_half_up(self.price_value.scaleb(currency_exponent(currency))), currency)


def _numeric_or_none(currency: str) -> str | None:
    try:
        return currency_numeric(currency)
    except CurrencyMismatch:
        return None


def parse_gs1(
    text: str, *, gs_substitute: str | None = None, today: date | None = None
) -> GS1ElementString:
    """Parse a GS1 element string scan into its application identifiers.

    Args:
        text: the scan, with or without an AIM id (``]C1``, ``]e0``, ``]d2``, ``]Q3``), or the
            bracketed form ``(01)...(17)...``.
        gs_substitute: characters the scanner sends in place of GS (0x1D).
        today: the business date that resolves the century of two-digit years (GS1 sliding
            window: up to 50 years ahead, 49 back); defaults to the system date.

    Raises:
        InvalidBarcode: naming the AI and what is wrong, for any malformed input.
    """
    raw = text or ""
    if len(raw) > _MAX_SCAN_LENGTH:
        raise InvalidBarcode(
            N_("The scan is {length} characters long: too long for a GS1 code."), length=len(raw)
        )
    data = raw.strip("\r\n\t ")
    if gs_substitute:
        data = data.replace(gs_substitute, GS)
    if data.startswith(GS1_AIM_IDS):
        data = data[3:]
    pairs = _split_bracketed(data) if data.startswith("(") else _split(data.lstrip(GS))
    if not pairs:
        raise InvalidBarcode(N_("The GS1 code is empty: scan it again."))
    return _build(raw, pairs, (today or date.today()).year)


def _spec_for(data: str, pos: int) -> tuple[str, AISpec]:
    head = data[pos : pos + 4]
    for table, length in ((_SPECS, 2), (_SPECS_3, 3), (_SPECS_4, 3)):
        spec = table.get(head[:length])
        if spec and len(head) >= spec.ai_length and is_ascii_digits(head[: spec.ai_length]):
            return head[: spec.ai_length], spec
    shown = head if head.isprintable() else repr(head)
    raise InvalidBarcode(
        N_(
            "Unknown GS1 application identifier '{shown}' at position {position}: "
            "this code cannot be read; type the product number instead."
        ),
        shown=shown,
        position=pos + 1,
    )


def _split(data: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    pos = 0
    while pos < len(data):
        ai, spec = _spec_for(data, pos)
        start = pos + spec.ai_length
        if spec.fixed:
            end = start + spec.data_length
            if end > len(data):
                raise InvalidBarcode(
                    N_("GS1 AI ({ai}) needs {data_length} characters but the scan ends early."),
                    ai=ai,
                    data_length=spec.data_length,
                )
            value = data[start:end]
        else:
            gs_at = data.find(GS, start)
            end = len(data) if gs_at < 0 else gs_at
            value = data[start:end]
        pairs.append((ai, _check_value(ai, spec, value)))
        pos = end
        if pos < len(data) and data[pos] == GS:
            pos += 1  # a GS after a fixed-length AI is allowed and ignored
    return pairs


def _split_bracketed(data: str) -> list[tuple[str, str]]:
    parts = re.findall(r"\(([^()]*)\)([^()]*)", data)
    if "".join(f"({a}){v}" for a, v in parts) != data:
        raise InvalidBarcode(
            N_("'{data}' is not a GS1 code: write it as (01)GTIN(17)YYMMDD..."), data=data
        )
    pairs = []
    for ai, value in parts:
        found, spec = _spec_for(ai + "0" * 4, 0)
        if found != ai:
            raise InvalidBarcode(N_("'({ai})' is not a GS1 application identifier."), ai=ai)
        if spec.fixed and len(value) != spec.data_length:
            raise InvalidBarcode(
                N_("GS1 AI ({ai}) needs exactly {data_length} characters."),
                ai=ai,
                data_length=spec.data_length,
            )
        pairs.append((ai, _check_value(ai, spec, value)))
    return pairs


def _check_value(ai: str, spec: AISpec, value: str) -> str:
    if not value:
        raise InvalidBarcode(N_("GS1 AI ({ai}) has no data: scan the code again."), ai=ai)
    if len(value) > spec.data_length:
        raise InvalidBarcode(
            N_("GS1 AI ({ai}) allows at most {data_length} characters."),
            ai=ai,
            data_length=spec.data_length,
        )
    if spec.numeric and not is_ascii_digits(value):
        raise InvalidBarcode(
            N_("GS1 AI ({ai}) must be digits only, got {value!r}."), ai=ai, value=value
        )
    if not spec.numeric and not _CSET82.fullmatch(value):
        raise InvalidBarcode(
            N_("GS1 AI ({ai}) contains characters a GS1 code may not carry."), ai=ai
        )
    return value


def _build(raw: str, pairs: list[tuple[str, str]], this_year: int) -> GS1ElementString:
    fields: dict[str, object] = {}
    for ai, value in pairs:
        if ai == "01":
            fields.setdefault("gtin14", _gtin(value))
        elif ai == "17":
            fields.setdefault("expiry", _yymmdd(value, ai, this_year))
        elif ai == "10":
            fields.setdefault("lot", value)
        elif ai == "21":
            fields.setdefault("serial", value)
        elif ai.startswith("310"):
            fields.setdefault("net_weight_kg", _decimal(value, ai, 5))
        elif ai.startswith("320"):
            fields.setdefault("net_weight_lb", _decimal(value, ai, 5))
        elif ai.startswith("392"):
            fields.setdefault("price_value", _decimal(value, ai, 9))
        elif ai.startswith("393"):
            if len(value) < 4:
                raise InvalidBarcode(
                    N_("GS1 AI ({ai}) needs a currency code and an amount."), ai=ai
                )
            fields.setdefault("price_currency_numeric", value[:3])
            fields.setdefault("price_value", _decimal(value[3:], ai, 9))
    return GS1ElementString(raw=raw, ais=tuple(pairs), **fields)  # type: ignore[arg-type]


def _gtin(value: str) -> str:
    if not has_valid_check_digit(value):
        expected = gs1_check_digit(value[:-1])
        raise InvalidBarcode(
            N_(
                "GTIN {value} in the GS1 code has a wrong check digit (expected "
                "{expected}): scan it again."
            ),
            value=value,
            expected=expected,
        )
    return value


def _decimal(value: str, ai: str, max_decimals: int) -> Decimal:
    decimals = int(ai[3])
    if decimals > max_decimals:
        raise InvalidBarcode(
            N_("GS1 AI ({ai}) has an invalid decimal position {decimals}."),
            ai=ai,
            decimals=decimals,
        )
    return Decimal(int(value)).scaleb(-decimals)


def _yymmdd(value: str, ai: str, this_year: int) -> date:
    """YYMMDD as a date; DD=00 means the last day of the month (GS1 General Specs 7.12)."""
    year, month, day = _century(int(value[:2]), this_year), int(value[2:4]), int(value[4:6])
    if not 1 <= month <= 12:
        raise InvalidBarcode(
            N_("GS1 AI ({ai}) date {value} has month {month:02d}: not a date."),
            ai=ai,
            value=value,
            month=month,
        )
    last = calendar.monthrange(year, month)[1]
    if day == 0:
        day = last
    if day > last:
        raise InvalidBarcode(
            N_("GS1 AI ({ai}) date {value} has day {day:02d}: not a date."),
            ai=ai,
            value=value,
            day=day,
        )
    return date(year, month, day)


def _century(yy: int, this_year: int) -> int:
    # GS1 sliding window: a two-digit year lies at most 50 years ahead and 49 behind this year.
    century = this_year - this_year % 100
    difference = yy - this_year % 100
    if difference >= 51:
        century -= 100
    elif difference <= -50:
        century += 100
    return century + yy
