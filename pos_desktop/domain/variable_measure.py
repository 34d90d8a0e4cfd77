"""Variable-measure EAN-13 (in-store weight and price labels, prefixes 20-29).

These are GS1 restricted circulation numbers (GS1 General Specifications); the layout of the 12
data digits is set by each country's GS1 organisation, so the region is a store setting.
Notation: P item digits (the two prefix digits included), C value check digit, V value.

| region          | prefix | layout       | meaning                 |
|-----------------|--------|--------------|-------------------------|
| SE, NO          | 20/21/22 | PPPPPPPPVVVV | price /100, /10, /1   |
| SE, NO          | 23/24/25 | PPPPPPPPVVVV | weight kg, 3/2/1 dp   |
| FI, EE, LV, LT  | 23/24/25 | PPPPPPPPVVVV | weight kg, 3/2/1 dp   |
| DE              | 22, 23 | PPPPPPCVVVVV | price, 2 dp             |
| DE              | 28, 29 | PPPPPPCVVVVV | weight kg, 3 dp         |
| GB              | 20     | PPPPPPPCVVVV | price, 2 dp             |
| DK              | 21-24  | PPPPPPVVVVVV | price /100              |
| DK              | 26, 28 | PPPPPPVVVVVV | weight kg, 3 dp         |

The product is looked up by the code with V zeroed, C and the EAN check digit recomputed.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .barcodes import gs1_check_digit, has_valid_check_digit, is_ascii_digits
from .errors import N_, InvalidBarcode
from .money import Money, currency_exponent, round_half_up

# Price/weight check digit weight tables (GS1 General Specifications 7.9.5).
_W2_MINUS = (0, 2, 4, 6, 8, 9, 1, 3, 5, 7)
_W5_PLUS = (0, 5, 1, 6, 2, 7, 3, 8, 4, 9)
_W5_MINUS = (0, 5, 9, 4, 8, 3, 7, 2, 6, 1)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where item, check and value digits sit in the 12 data digits of one prefix."""

    item_digits: int  # including the two prefix digits
    has_check: bool
    value_digits: int
    measure: str  # "price" | "weight"
    decimals: int


def _layouts(prefixes: str, layout: Layout) -> dict[str, Layout]:
    return {prefix: layout for prefix in prefixes.split()}


_SE = {
    "20": Layout(8, False, 4, "price", 2),
    "21": Layout(8, False, 4, "price", 1),
    "22": Layout(8, False, 4, "price", 0),
    "23": Layout(8, False, 4, "weight", 3),
    "24": Layout(8, False, 4, "weight", 2),
    "25": Layout(8, False, 4, "weight", 1),
}
_FI = {
    "23": Layout(8, False, 4, "weight", 3),
    "24": Layout(8, False, 4, "weight", 2),
    "25": Layout(8, False, 4, "weight", 1),
}
_DE = _layouts("22 23", Layout(6, True, 5, "price", 2)) | _layouts(
    "28 29", Layout(6, True, 5, "weight", 3)
)
_GB = {"20": Layout(7, True, 4, "price", 2)}
_DK = _layouts("21 22 23 24", Layout(6, False, 6, "price", 2)) | _layouts(
    "26 28", Layout(6, False, 6, "weight", 3)
)
REGION_LAYOUTS: dict[str, dict[str, Layout]] = {
    "SE": _SE, "NO": _SE, "FI": _FI, "EE": _FI, "LV": _FI, "LT": _FI,
    "DE": _DE, "GB": _GB, "DK": _DK,
}  # fmt: skip


def region_layouts(region: str) -> dict[str, Layout]:
    """The prefix -> layout table of a region.

    Raises:
        ValueError: if the store's region setting is not one this till knows.
    """
    key = (region or "").strip().upper()
    if key not in REGION_LAYOUTS:
        known = ", ".join(sorted(REGION_LAYOUTS))
        raise ValueError(
            f"Unknown variable-measure region '{region}': set the store region to one of {known}."
        )
    return REGION_LAYOUTS[key]


def price_check_digit(value: str) -> int:
    """Check digit C of a 4- or 5-digit price/weight value ("2875" -> 9, "14685" -> 6).

    Raises:
        InvalidBarcode: if ``value`` is not 4 or 5 ASCII digits.
    """
    if not is_ascii_digits(value) or len(value) not in (4, 5):
        raise InvalidBarcode(
            N_("'{value}' is not a price field: it must be 4 or 5 digits."), value=value
        )
    d = [int(c) for c in value]
    if len(d) == 4:
        total = _W2_MINUS[d[0]] + _W2_MINUS[d[1]] + (3 * d[2]) % 10 + _W5_MINUS[d[3]]
        return (3 * total) % 10
    total = _W5_PLUS[d[0]] + _W2_MINUS[d[1]] + _W5_MINUS[d[2]] + _W5_PLUS[d[3]] + _W2_MINUS[d[4]]
    return _W5_MINUS.index((10 - total % 10) % 10)


@dataclass(frozen=True, slots=True)
class VariableMeasureCode:
    """A decoded weight or price label.

    ``gtin14`` is the lookup key (value zeroed); ``value`` is exact: kilograms for a weight,
    major currency units for a price.
    """

    code: str
    gtin14: str
    region: str
    measure: str  # "price" | "weight"
    value: Decimal
    item_reference: str

    @property
    def weight_kg(self) -> Decimal | None:
        """The weight in kilograms, or None for a price label."""
        return self.value if self.measure == "weight" else None

    @property
    def weight_grams(self) -> int | None:
        """The weight in whole grams (labels carry at most 3 decimals), or None."""
        return int(self.value.scaleb(3)) if self.measure == "weight" else None

    def price(self, currency: str) -> Money | None:
        """The label's price as Money in ``currency``, or None for a weight label.

        A value with more decimals than the currency has (a /100 label in ISK) is rounded
        half up by the project's one rounding rule.
        """
        if self.measure != "price":
            return None
        return Money(round_half_up(self.value.scaleb(currency_exponent(currency))), currency)


def is_variable_measure(code: str, region: str) -> bool:
    """True if ``code`` is a 13-digit code whose prefix has a layout in ``region``."""
    return is_ascii_digits(code) and len(code) == 13 and code[:2] in region_layouts(region)


def decode_variable_measure(code: str, region: str) -> VariableMeasureCode:
    """Decode a variable-measure EAN-13 using the region's layout.

    Raises:
        InvalidBarcode: if the check digit or the value check digit is wrong, or the prefix
            has no layout in this region.
    """
    text = (code or "").strip()
    if not is_ascii_digits(text) or len(text) != 13:
        raise InvalidBarcode(
            N_("'{text}' is not a weight or price label: it must have 13 digits."), text=text
        )
    layout = region_layouts(region).get(text[:2])
    if layout is None:
        raise InvalidBarcode(
            N_(
                "{text} is not a weight or price label in region {region}: check the "
                "store's region setting."
            ),
            text=text,
            region=region.upper(),
        )
    if not has_valid_check_digit(text):
        expected = gs1_check_digit(text[:12])
        raise InvalidBarcode(
            N_("{text} has a wrong check digit (expected {expected}): scan it again or type it."),
            text=text,
            expected=expected,
        )
    item = text[: layout.item_digits]
    value_start = layout.item_digits + (1 if layout.has_check else 0)
    value_digits = text[value_start:12]
    if layout.has_check:
        expected_c = price_check_digit(value_digits)
        if int(text[layout.item_digits]) != expected_c:
            raise InvalidBarcode(
                N_(
                    "{text} has a wrong price check digit (expected {expected_c}): scan it "
                    "again or weigh the item again."
                ),
                text=text,
                expected_c=expected_c,
            )
    return VariableMeasureCode(
        code=text,
        gtin14=lookup_gtin14(text, layout),
        region=region.upper(),
        measure=layout.measure,
        value=Decimal(int(value_digits)).scaleb(-layout.decimals),
        item_reference=item[2:],
    )


def lookup_gtin14(code: str, layout: Layout) -> str:
    """The code with the value zeroed and its check digits recomputed, as a GTIN-14."""
    zero_value = "0" * layout.value_digits
    check = str(price_check_digit(zero_value)) if layout.has_check else ""
    payload = code[: layout.item_digits] + check + zero_value
    return (payload + str(gs1_check_digit(payload))).zfill(14)


def encode_variable_measure(prefix: str, item_reference: str, value: int, region: str) -> str:
    """Build a label code (for scale labels, demo data and tests).

    Args:
        prefix: two digits with a layout in ``region`` ("23").
        item_reference: the item digits after the prefix, zero-padded to the layout's width.
        value: the value in the label's smallest unit (grams for 3-dp weights, cents for /100).
        region: the store region.

    Raises:
        ValueError: if the item or value does not fit the layout.
    """
    layout = region_layouts(region).get(prefix)
    if layout is None:
        raise ValueError(f"Prefix {prefix} has no variable-measure layout in region {region}.")
    width = layout.item_digits - 2
    if not (item_reference.isdigit() and len(item_reference) <= width):
        raise ValueError(f"Item reference '{item_reference}' must be up to {width} digits.")
    if not 0 <= value < 10**layout.value_digits:
        raise ValueError(f"Value {value} does not fit in {layout.value_digits} digits.")
    value_text = str(value).zfill(layout.value_digits)
    check = str(price_check_digit(value_text)) if layout.has_check else ""
    payload = prefix + item_reference.zfill(width) + check + value_text
    return payload + str(gs1_check_digit(payload))
