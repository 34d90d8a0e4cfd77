"""A sale's receipt (or invoice) laid out once, for the web page, the PDF and the e-mail.

Built from the till's ``sale.completed`` payload, the one record both ends hold, in the paper
receipt's order: seller, receipt number and time, lines (quantity x unit price, promotions and
discounts), totals, tenders and change, tax summary, footer. :func:`text_lines` lays it out in
fixed columns like the paper roll; :mod:`pos_documents.receipt_pdf` draws the same layout.

With a buyer that has a VAT id and an address the document is an invoice: it names the buyer
and the seller's VAT id (what an invoice for a business needs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from pos_common.currencies import exponent

TENDERS = {
    "cash": "Cash",
    "card": "Card",
    "voucher": "Gift voucher",
    "gift_card": "Gift card",
    "points": "Points",
    "exchange": "Exchange",
}


@dataclass(frozen=True, slots=True)
class Party:
    """Who sold or bought: name, address lines and VAT id (empty when unknown)."""

    name: str
    address: tuple[str, ...] = ()
    vat_id: str = ""

    @property
    def invoiceable(self) -> bool:
        """A business buyer: a VAT id and an address to put on the invoice."""
        return bool(self.vat_id.strip() and self.address and self.name.strip())


@dataclass(frozen=True, slots=True)
class Row:
    """A label and an amount (already formatted); ``strong``: the total."""

    label: str
    amount: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Item:
    """One sale line: name, its amount and tax code, and the rows printed under it."""

    name: str
    amount: str
    tax_code: str
    details: tuple[Row, ...] = ()


@dataclass(frozen=True, slots=True)
class TaxRow:
    code: str
    rate: str
    net: str
    tax: str
    gross: str


@dataclass(frozen=True, slots=True)
class ReceiptLayout:
    title: str  # "Receipt 12" or "Invoice T01-00000012"
    seller: Party
    buyer: Party | None  # set on an invoice
    facts: tuple[Row, ...]  # date, terminal, cashier
    items: tuple[Item, ...]
    totals: tuple[Row, ...]
    payments: tuple[Row, ...]
    taxes: tuple[TaxRow, ...]
    footer: tuple[str, ...] = ()
    currency: str = ""
    is_invoice: bool = False


def amount_text(minor: int, currency: str) -> str:
    """``-1234`` EUR -> ``-12.34`` (minor units to the currency's decimals, never a float)."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10**places)
    return f"{sign}{whole:,}" + (f".{frac:0{places}d}" if places else "")


def _quantity(text: Any) -> str:
    try:
        return f"{Decimal(str(text)).normalize():f}"
    except InvalidOperation:
        return str(text)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _item(line: dict[str, Any], cur: str) -> Item:
    total = _int(line.get("line_total_minor"))
    regular = line.get("regular_minor")
    shown = regular if isinstance(regular, int) else total
    details: list[Row] = []
    qty = _quantity(line.get("quantity", "1"))
    if qty != "1":
        per = "/kg" if line.get("sold_by_weight") else ""
        unit = amount_text(_int(line.get("unit_price_minor")), cur)
        details.append(Row(f"  {qty}{' kg' if per else ''} x {unit}{per}", ""))
    for promo in line.get("promotions") or ():
        if isinstance(promo, list) and len(promo) >= 3 and isinstance(promo[2], int):
            details.append(Row(f"  {promo[1]}", "-" + amount_text(promo[2], cur)))
    for key, label in (
        ("line_discount_minor", "Discount"),
        ("order_discount_minor", "Order discount"),
    ):
        if _int(line.get(key)):
            details.append(Row(f"  {label}", "-" + amount_text(_int(line.get(key)), cur)))
    return Item(
        str(line.get("name") or line.get("sku") or ""),
        amount_text(shown, cur),
        str(line.get("tax_code") or ""),
        tuple(details),
    )


def _taxes(lines: list[dict[str, Any]], cur: str) -> tuple[TaxRow, ...]:
    """Net, tax and gross per tax code, summed from the lines as the till stored them."""
    sums: dict[tuple[str, str], list[int]] = {}
    for line in lines:
        key = (str(line.get("tax_code") or ""), _quantity(line.get("tax_percent", "")))
        tax = _int(line.get("tax_minor"))
        gross = _int(line.get("line_total_minor"))
        net = _int(line["net_minor"]) if "net_minor" in line else gross - tax
        acc = sums.setdefault(key, [0, 0, 0])
        acc[0] += net
        acc[1] += tax
        acc[2] += net + tax
    return tuple(
        TaxRow(code, f"{rate}%" if rate else "", *(amount_text(v, cur) for v in acc))
        for (code, rate), acc in sorted(sums.items())
    )


def receipt_code(terminal_id: str, receipt_number: int) -> str:
    """The receipt's code as the paper receipt's barcode carries it (the invoice number)."""
    return f"R{terminal_id}-{receipt_number:08d}"


def build_receipt(
    payload: dict[str, Any],
    seller: Party,
    *,
    buyer: Party | None = None,
    terminal_name: str = "",
    tz: tzinfo | None = None,
    footer: tuple[str, ...] = ("Thank you!",),
) -> ReceiptLayout:
    """The receipt of the ``sale.completed`` ``payload``; an invoice for an invoiceable buyer.

    Raises:
        KeyError, TypeError, ValueError: the payload lacks a figure a receipt needs.
    """
    cur = str(payload["currency"])
    number = int(payload["receipt_number"])
    lines = [ln for ln in payload.get("lines") or () if isinstance(ln, dict)]
    moment = datetime.fromisoformat(str(payload["completed_at"]).replace("Z", "+00:00"))
    if tz is not None:
        moment = moment.astimezone(tz)
    invoice = buyer is not None and buyer.invoiceable
    terminal = str(payload.get("terminal_id") or "")
    title = f"Invoice {receipt_code(terminal, number)}" if invoice else f"Receipt {number}"
    facts = [Row("Date", moment.strftime("%Y-%m-%d %H:%M"))]
    if invoice:
        facts.append(Row("Receipt", str(number)))
    facts.append(Row("Terminal", terminal_name or terminal))
    if payload.get("cashier"):
        facts.append(Row("Cashier", str(payload["cashier"])))
    total = int(payload["total_minor"])
    totals = []
    if _int(payload.get("savings_minor")):
        totals.append(Row("You saved", amount_text(payload["savings_minor"], cur)))
    totals += [
        Row("Subtotal (net)", amount_text(int(payload["subtotal_minor"]), cur)),
        Row("Tax", amount_text(int(payload["tax_minor"]), cur)),
        Row("TOTAL", f"{cur} {amount_text(total, cur)}", strong=True),
    ]
    if _int(payload.get("rounding_minor")):
        totals.append(Row("Cash rounding", amount_text(payload["rounding_minor"], cur)))
        totals.append(Row("To pay", amount_text(total + payload["rounding_minor"], cur)))
    payments: list[Row] = []
    change = 0
    for p in payload.get("payments") or ():
        if not isinstance(p, dict):
            continue
        tendered = _int(p.get("tendered_minor", p.get("amount_minor")))
        payments.append(
            Row(TENDERS.get(str(p.get("tender")), str(p.get("tender"))), amount_text(tendered, cur))
        )
        change += _int(p.get("change_minor"))
    if change:
        payments.append(Row("Change", amount_text(change, cur)))
    return ReceiptLayout(
        title=title,
        seller=seller,
        buyer=buyer if invoice else None,
        facts=tuple(facts),
        items=tuple(_item(ln, cur) for ln in lines),
        totals=tuple(totals),
        payments=tuple(payments),
        taxes=_taxes(lines, cur),
        footer=footer,
        currency=cur,
        is_invoice=invoice,
    )


def _columns(left: str, right: str, width: int) -> str:
    room = width - len(right) - 1
    left = left[: max(room, 0)]
    return f"{left}{' ' * (width - len(left) - len(right))}{right}"


def party_lines(party: Party, vat_label: str = "VAT no.") -> list[str]:
    lines = [party.name, *party.address]
    if party.vat_id.strip():
        lines.append(f"{vat_label} {party.vat_id.strip()}")
    return [line for line in lines if line.strip()]


def text_lines(layout: ReceiptLayout, width: int = 42) -> list[str]:
    """The layout in fixed columns, as the paper roll shows it (plain-text e-mail, tests)."""
    rule = "-" * width
    out = [line.center(width).rstrip() for line in party_lines(layout.seller)]
    out.append(rule)
    out.append(layout.title)
    if layout.buyer is not None:
        out += ["Bill to:", *(f"  {line}" for line in party_lines(layout.buyer))]
    out += [_columns(f.label, f.amount, width) for f in layout.facts]
    out.append(rule)
    for item in layout.items:
        out.append(_columns(item.name, f"{item.amount} {item.tax_code}".strip(), width))
        out += [_columns(d.label, d.amount, width) for d in item.details]
    out.append(rule)
    out += [_columns(r.label, r.amount, width) for r in (*layout.totals, *layout.payments)]
    out.append(rule)
    out.append(_tax_row("Tax", "Rate", "Net", "Tax", "Gross", width))
    out += [_tax_row(t.code, t.rate, t.net, t.tax, t.gross, width) for t in layout.taxes]
    out.append(rule)
    out += [line.center(width).rstrip() for line in layout.footer]
    return out


def _tax_row(code: str, rate: str, net: str, tax: str, gross: str, width: int) -> str:
    each = (width - 10) // 3
    return f"{code[:4]:<4}{rate[:6]:>6}{net:>{each}}{tax:>{each}}{gross:>{width - 10 - 2 * each}}"
