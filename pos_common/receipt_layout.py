"""A sale's receipt (or invoice) laid out once, for the web page, the PDF and the e-mail.

Built from the till's ``sale.completed`` payload, the one record both ends hold, in the paper
receipt's order: seller, receipt number and time, lines (quantity x unit price, promotions and
discounts), totals, tenders and change, tax summary, footer. :func:`text_lines` lays it out in
fixed columns like the paper roll; :mod:`pos_documents.receipt_pdf` draws the same layout.

With a buyer that has a VAT id and an address the document is an invoice: it names the buyer
and the seller's VAT id (what an invoice for a business needs).

The words are marked ``_()`` for the till's catalogues and translated by the
:class:`ReceiptLanguage` handed in (the language the till printed the paper receipt in, which
the sale carries; Babel's money and dates come with it from the caller, as ``pos_common``
imports no package). The default is English with plain ``1,234.56`` amounts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any

from pos_common.currencies import exponent

Translate = Callable[[str], str]  # gettext: an English text -> the same in the receipt's language
MoneyText = Callable[[int, str], str]  # (amount in minor units, ISO 4217 code) -> text


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks ``message`` for the catalogues; translated where it is shown."""
    return message


TENDERS = {
    "cash": N_("Cash"),
    "card": N_("Card"),
    "voucher": N_("Gift voucher"),
    "gift_card": N_("Gift card"),
    "points": N_("Points"),
    "exchange": N_("Exchange"),
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


def _as_is(text: str) -> str:
    return text


def amount_text(minor: int, currency: str) -> str:
    """``-1234`` EUR -> ``-12.34`` (minor units to the currency's decimals, never a float)."""
    places = exponent(currency)
    sign = "-" if minor < 0 else ""
    whole, frac = divmod(abs(int(minor)), 10**places)
    return f"{sign}{whole:,}" + (f".{frac:0{places}d}" if places else "")


def _plain_number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _plain_moment(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class ReceiptLanguage:
    """How the receipt speaks: its language code, the catalogue's gettext and the locale's
    amounts, numbers and date. The default is English as the cloud wrote it before sales
    carried their language."""

    code: str = "en"
    translate: Translate = _as_is
    money: MoneyText = amount_text  # without the currency: "12,50"
    number: Callable[[Decimal], str] = _plain_number  # a quantity or a tax rate: "0,5"
    moment: Callable[[datetime], str] = _plain_moment  # in the store's zone already


ENGLISH = ReceiptLanguage()


@dataclass(frozen=True, slots=True)
class Words:
    """The fixed words the renderers print around the layout, in the receipt's language."""

    bill_to: str = "Bill to"
    vat_no: str = "VAT no."
    item: str = "Item"
    amount: str = "Amount"
    tax: str = "Tax"
    rate: str = "Rate"
    net: str = "Net"
    gross: str = "Gross"
    download_pdf: str = "Download PDF"
    pdf_attached: str = "The PDF is attached."
    view_online: str = "View it online"


def words(translate: Translate = _as_is) -> Words:
    _ = translate
    return Words(
        bill_to=_("Bill to"),
        vat_no=_("VAT no."),
        item=_("Item"),
        amount=_("Amount"),
        tax=_("Tax"),
        rate=_("Rate"),
        net=_("Net"),
        gross=_("Gross"),
        download_pdf=_("Download PDF"),
        pdf_attached=_("The PDF is attached."),
        view_online=_("View it online"),
    )


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
    number: str = ""  # the receipt number, or the invoice's code ("RT01-00000012")
    language: str = "en"  # the code of the language it is written in (the page's lang)
    words: Words = field(default_factory=Words)


def _quantity(text: Any, number: Callable[[Decimal], str] = _plain_number) -> str:
    try:
        return number(Decimal(str(text)))
    except InvalidOperation:
        return str(text)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _item(line: dict[str, Any], cur: str, lang: ReceiptLanguage) -> Item:
    _, money = lang.translate, lang.money
    total = _int(line.get("line_total_minor"))
    regular = line.get("regular_minor")
    shown = regular if isinstance(regular, int) else total
    details: list[Row] = []
    if _quantity(line.get("quantity", "1")) != "1":
        qty = _quantity(line.get("quantity", "1"), lang.number)
        per = "/kg" if line.get("sold_by_weight") else ""
        unit = money(_int(line.get("unit_price_minor")), cur)
        details.append(Row(f"  {qty}{' kg' if per else ''} x {unit}{per}", ""))
    for promo in line.get("promotions") or ():
        if isinstance(promo, list) and len(promo) >= 3 and isinstance(promo[2], int):
            details.append(Row(f"  {promo[1]}", "-" + money(promo[2], cur)))
    for key, label in (
        ("line_discount_minor", _("Discount")),
        ("order_discount_minor", _("Order discount")),
    ):
        if _int(line.get(key)):
            details.append(Row(f"  {label}", "-" + money(_int(line.get(key)), cur)))
    return Item(
        str(line.get("name") or line.get("sku") or ""),
        money(shown, cur),
        str(line.get("tax_code") or ""),
        tuple(details),
    )


def _taxes(
    lines: list[dict[str, Any]], cur: str, lang: ReceiptLanguage = ENGLISH
) -> tuple[TaxRow, ...]:
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
        TaxRow(
            code,
            f"{_quantity(rate, lang.number)}%" if rate else "",
            *(lang.money(v, cur) for v in acc),
        )
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
    footer: tuple[str, ...] | None = None,
    language: ReceiptLanguage = ENGLISH,
) -> ReceiptLayout:
    """The receipt of the ``sale.completed`` ``payload``; an invoice for an invoiceable buyer.

    ``footer``: the store's own lines (as typed: not translated); None: "Thank you!".
    ``language``: the words, amounts and date in the receipt's language (default English).

    Raises:
        KeyError, TypeError, ValueError: the payload lacks a figure a receipt needs.
    """
    _, money = language.translate, language.money
    cur = str(payload["currency"])
    number = int(payload["receipt_number"])
    lines = [ln for ln in payload.get("lines") or () if isinstance(ln, dict)]
    moment = datetime.fromisoformat(str(payload["completed_at"]).replace("Z", "+00:00"))
    if tz is not None:
        moment = moment.astimezone(tz)
    invoice = buyer is not None and buyer.invoiceable
    terminal = str(payload.get("terminal_id") or "")
    code = receipt_code(terminal, number)
    if invoice:
        title = _("Invoice {code}").format(code=code)
    else:
        title = _("Receipt {receipt_number}").format(receipt_number=number)
    facts = [Row(_("Date"), language.moment(moment))]
    if invoice:
        facts.append(Row(_("Receipt"), str(number)))
    facts.append(Row(_("Terminal"), terminal_name or terminal))
    if payload.get("cashier"):
        facts.append(Row(_("Cashier"), str(payload["cashier"])))
    total = int(payload["total_minor"])
    totals = []
    if _int(payload.get("savings_minor")):
        totals.append(Row(_("You saved"), money(payload["savings_minor"], cur)))
    totals += [
        Row(_("Subtotal (net)"), money(int(payload["subtotal_minor"]), cur)),
        Row(_("Tax"), money(int(payload["tax_minor"]), cur)),
        Row(_("TOTAL"), f"{cur} {money(total, cur)}", strong=True),  # as the paper has it
    ]
    if _int(payload.get("rounding_minor")):
        totals.append(Row(_("Cash rounding"), money(payload["rounding_minor"], cur)))
        totals.append(Row(_("To pay"), money(total + payload["rounding_minor"], cur)))
    payments: list[Row] = []
    change = 0
    for p in payload.get("payments") or ():
        if not isinstance(p, dict):
            continue
        tendered = _int(p.get("tendered_minor", p.get("amount_minor")))
        tender = str(p.get("tender"))
        payments.append(
            Row(_(TENDERS[tender]) if tender in TENDERS else tender, money(tendered, cur))
        )
        change += _int(p.get("change_minor"))
    if change:
        payments.append(Row(_("Change"), money(change, cur)))
    return ReceiptLayout(
        title=title,
        seller=seller,
        buyer=buyer if invoice else None,
        facts=tuple(facts),
        items=tuple(_item(ln, cur, language) for ln in lines),
        totals=tuple(totals),
        payments=tuple(payments),
        taxes=_taxes(lines, cur, language),
        footer=(_("Thank you!"),) if footer is None else footer,
        currency=cur,
        is_invoice=invoice,
        number=code if invoice else str(number),
        language=language.code,
        words=words(_),
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
    seller = party_lines(layout.seller, layout.words.vat_no)
    out = [line.center(width).rstrip() for line in seller]
    out.append(rule)
    out.append(layout.title)
    if layout.buyer is not None:
        w = layout.words
        out += [f"{w.bill_to}:", *(f"  {line}" for line in party_lines(layout.buyer, w.vat_no))]
    out += [_columns(f.label, f.amount, width) for f in layout.facts]
    out.append(rule)
    for item in layout.items:
        out.append(_columns(item.name, f"{item.amount} {item.tax_code}".strip(), width))
        out += [_columns(d.label, d.amount, width) for d in item.details]
    out.append(rule)
    out += [_columns(r.label, r.amount, width) for r in (*layout.totals, *layout.payments)]
    out.append(rule)
    w = layout.words
    out.append(_tax_row(w.tax, w.rate, w.net, w.tax, w.gross, width))
    out += [_tax_row(t.code, t.rate, t.net, t.tax, t.gross, width) for t in layout.taxes]
    out.append(rule)
    out += [line.center(width).rstrip() for line in layout.footer]
    return out


def _tax_row(code: str, rate: str, net: str, tax: str, gross: str, width: int) -> str:
    each = (width - 10) // 3
    return f"{code[:4]:<4}{rate[:6]:>6}{net:>{each}}{tax:>{each}}{gross:>{width - 10 - 2 * each}}"
