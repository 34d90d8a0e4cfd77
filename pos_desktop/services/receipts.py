"""Lay a sale out as a receipt print job (text columns, tax summary, receipt barcode, cut)."""

from __future__ import annotations

from decimal import Decimal

from hardware.receipt import (
    Barcode,
    Cut,
    DrawerPulse,
    Feed,
    Image,
    PrintBlock,
    PrintJob,
    QRCode,
    TextLine,
)
from pos_desktop.domain.countries import PRESETS
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import STORE_CREDIT
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.store import StoreSettings

from .formatting import local_time_text, money_text, quantity_text
from .i18n import N_, _

TENDER_LABELS = {
    "cash": N_("Cash"),
    "card": N_("Card"),
    "voucher": N_("Gift voucher"),
    "gift_card": N_("Gift card"),
    "points": N_("Points"),
    "exchange": N_("Exchange"),
}


def tax_id_line(country: str, tax_id: str) -> str:
    """The tax id as the receipt prints it, with the country's name for it ("VAT no. ...")."""
    label = PRESETS[country].tax_id_label if country in PRESETS else "VAT no."
    return f"{label} {tax_id.strip()}"


def receipt_code(terminal_id: str, receipt_number: int) -> str:
    """The code printed as a barcode on the receipt, scanned back for returns."""
    return f"R{terminal_id}-{receipt_number:08d}"


def columns_line(left: str, right: str, width: int) -> str:
    """``left`` and ``right`` on one line; a long left side is cut so the amount stays visible."""
    room = width - len(right) - 1
    if len(left) > room:
        left = left[: max(room, 0)]
    return f"{left}{' ' * (width - len(left) - len(right))}{right}"


class ReceiptBuilder:
    """Builds print jobs for one store; pure (no I/O) so tests read the job directly."""

    def __init__(
        self,
        settings: StoreSettings,
        columns: int = 48,
        logo: Image | None = None,
        cloud_url: str | None = None,
    ) -> None:
        self.settings = settings
        self.columns = columns
        self.logo = logo  # printed once at the top of each receipt
        self.cloud_url = cloud_url  # the enrolled cloud: it serves the digital receipts

    def digital_receipt_url(self, sale: Sale) -> str | None:
        """The link the receipt's QR code opens, or None (no cloud, switched off, no token)."""
        if not (self.cloud_url and self.settings.receipt_qr and sale.receipt_token):
            return None
        return f"{self.cloud_url.rstrip('/')}/r/{sale.receipt_token}"

    def _store_title(self) -> list[PrintBlock]:
        title = TextLine(self.settings.name, align="center", bold=True, double=True)
        return [self.logo, title] if self.logo is not None else [title]

    def _store_lines(self) -> list[PrintBlock]:
        """Address, tax id and the header text, centred under the store's name."""
        s = self.settings
        tax_id = tax_id_line(s.country, s.tax_id) if s.tax_id.strip() else ""
        lines = [*s.address.splitlines(), tax_id, *(s.receipt_header or "").splitlines()]
        return [TextLine(line, align="center") for line in lines if line.strip()]

    def _money(self, minor: int, currency: str) -> str:
        return money_text(Money(minor, currency), self.settings.locale)

    def sale_receipt(
        self,
        sale: Sale,
        *,
        drawer: DrawerPulse | None = None,
        gift: bool = False,
        points_earned: int | None = None,
    ) -> PrintJob:
        """The customer receipt; ``drawer`` puts a kick first so the drawer opens while printing.

        ``gift``: a gift receipt: items and quantities, no prices, tenders or tax.
        ``points_earned``: the loyalty points the sale earned its customer (bonus included).
        """
        if gift:
            return self.gift_receipt(sale)
        s, w, cur = self.settings, self.columns, sale.currency
        blocks: list[PrintBlock] = []
        if drawer is not None:
            blocks.append(drawer)
        blocks.extend(self._store_title())
        blocks.extend(self._store_lines())
        rule = TextLine("-" * w)
        blocks.append(rule)
        blocks.append(
            TextLine(
                columns_line(
                    _("Receipt {receipt_number}").format(receipt_number=sale.receipt_number),
                    local_time_text(sale.completed_at),
                    w,
                )
            )
        )
        blocks.append(
            TextLine(
                _("Terminal {terminal_id}").format(terminal_id=sale.terminal_id)
                + (_("  Cashier {cashier}").format(cashier=sale.cashier) if sale.cashier else "")
            )
        )
        blocks.append(rule)
        for ln in sale.lines:
            blocks.extend(self._line_blocks(ln, cur))
        blocks.append(rule)
        if sale.savings_minor:
            blocks.append(
                TextLine(columns_line(_("You saved"), self._money(sale.savings_minor, cur), w))
            )
        blocks.append(
            TextLine(columns_line(_("Subtotal (net)"), self._money(sale.subtotal_minor, cur), w))
        )
        blocks.append(TextLine(columns_line(_("Tax"), self._money(sale.tax_minor, cur), w)))
        blocks.append(
            TextLine(
                columns_line(_("TOTAL"), f"{cur} {self._money(sale.total_minor, cur)}", w // 2),
                bold=True,
                double=True,
            )
        )
        if sale.rounding_minor:
            blocks.append(
                TextLine(columns_line(_("Cash rounding"), self._money(sale.rounding_minor, cur), w))
            )
            blocks.append(
                TextLine(
                    columns_line(
                        _("To pay"), self._money(sale.total_minor + sale.rounding_minor, cur), w
                    )
                )
            )
        for p in sale.payments:
            label = _(TENDER_LABELS.get(p.tender, p.tender))
            blocks.append(
                TextLine(columns_line(label, self._money(p.tendered.amount_minor, cur), w))
            )
            if p.tender == "points":  # the reference is the customer's id: not for paper
                if p.balance_left_minor is not None:
                    left = str(p.balance_left_minor)
                    blocks.append(TextLine(columns_line(_("  Points left"), left, w)))
                continue
            if p.reference:  # e.g. "VISA ****7892 auth 123456": never more than the last four
                blocks.append(TextLine(f"  {p.reference}"[:w]))
            if p.balance_left_minor is not None:  # a gift voucher: what is still on it
                blocks.append(
                    TextLine(
                        columns_line(_("  Balance left"), self._money(p.balance_left_minor, cur), w)
                    )
                )
        if sale.change_minor:
            blocks.append(
                TextLine(columns_line(_("Change"), self._money(sale.change_minor, cur), w))
            )
        if points_earned:
            blocks.append(TextLine(columns_line(_("Points earned:"), str(points_earned), w)))
        blocks.append(rule)
        blocks.append(TextLine(self._tax_row(_("Tax"), _("Rate"), _("Net"), _("Tax"), _("Gross"))))
        for row in sale.tax_summary:
            blocks.append(
                TextLine(
                    self._tax_row(
                        row.code,
                        f"{row.percent.normalize():f}%",
                        self._money(row.net, cur),
                        self._money(row.tax, cur),
                        self._money(row.gross, cur),
                    )
                )
            )
        blocks.append(rule)
        blocks.append(Barcode(receipt_code(sale.terminal_id, sale.receipt_number or 0)))
        link = self.digital_receipt_url(sale)
        if link is not None:
            blocks.append(TextLine(_("Scan for your digital receipt"), align="center"))
            blocks.append(QRCode(link, size=5))
        for part in filter(None, (s.receipt_footer or "").splitlines()):
            blocks.append(TextLine(part, align="center"))
        blocks.append(Feed(1))
        blocks.append(Cut())
        return PrintJob(blocks=tuple(blocks), columns=w)

    def _line_blocks(self, ln, cur: str) -> list[PrintBlock]:
        """The line, its quantity x unit price, then each promotion and discount it got."""
        s, w = self.settings, self.columns
        regular = ln.regular_minor if ln.regular_minor is not None else ln.amount_minor
        blocks: list[PrintBlock] = [
            TextLine(columns_line(ln.name, f"{self._money(regular, cur)} {ln.tax_code}", w))
        ]
        if ln.quantity != Decimal(1):
            unit = self._money(ln.unit_price_minor, cur)
            per = "/kg" if ln.sold_by_weight else ""
            qty = quantity_text(ln.quantity, s.locale) + (" kg" if ln.sold_by_weight else "")
            blocks.append(TextLine(_("  {qty} x {unit}{per}").format(qty=qty, unit=unit, per=per)))
        if ln.override_reason:
            blocks.append(TextLine(f"  Price changed: {ln.override_reason}"[:w]))
        for promo in ln.promotions:
            blocks.append(
                TextLine(
                    columns_line(f"  {promo.name}", "-" + self._money(promo.savings_minor, cur), w)
                )
            )
        if ln.line_discount_minor:
            blocks.append(
                TextLine(
                    columns_line(_("  Discount"), "-" + self._money(ln.line_discount_minor, cur), w)
                )
            )
        if ln.order_discount_minor:
            blocks.append(
                TextLine(
                    columns_line(
                        _("  Order discount"), "-" + self._money(ln.order_discount_minor, cur), w
                    )
                )
            )
        return blocks

    def _header(self, title: str, number: int | None, moment, cashier: str | None) -> list:
        s, w = self.settings, self.columns
        blocks: list[PrintBlock] = self._store_title()
        blocks.extend(self._store_lines())
        blocks.append(TextLine("-" * w))
        blocks.append(TextLine(title, align="center", bold=True))
        blocks.append(
            TextLine(
                columns_line(
                    _("Receipt {number}").format(number=number), local_time_text(moment), w
                )
            )
        )
        blocks.append(
            TextLine(
                _("Terminal {terminal_id}").format(terminal_id=s.terminal_id)
                + (_("  Cashier {cashier}").format(cashier=cashier) if cashier else "")
            )
        )
        blocks.append(TextLine("-" * w))
        return blocks

    def gift_receipt(self, sale: Sale) -> PrintJob:
        """Items and quantities only: no prices, no tenders, no tax."""
        w = self.columns
        blocks = self._header(_("GIFT RECEIPT"), sale.receipt_number, sale.completed_at, None)
        for ln in sale.lines:
            qty = quantity_text(ln.quantity, self.settings.locale)
            qty += " kg" if ln.sold_by_weight else ""
            blocks.append(TextLine(columns_line(ln.name, qty, w)))
        blocks.append(TextLine("-" * w))
        blocks.append(TextLine(_("Exchange within 30 days with this receipt."), align="center"))
        blocks.append(Barcode(receipt_code(sale.terminal_id, sale.receipt_number or 0)))
        blocks.extend([Feed(1), Cut()])
        return PrintJob(blocks=tuple(blocks), columns=w)

    def refund_receipt(self, stored, *, drawer: DrawerPulse | None = None) -> PrintJob:
        """The refund slip: lines returned, every tender paid back, rounding, its own number."""
        w, cur, r = self.columns, stored.currency, stored.refund
        blocks: list[PrintBlock] = [drawer] if drawer is not None else []
        title = {"exchange": _("EXCHANGE"), "no_receipt": _("RETURN WITHOUT RECEIPT")}.get(
            stored.kind, _("REFUND")
        )
        blocks += self._header(title, stored.receipt_number, stored.completed_at, stored.cashier)
        if stored.original_receipt_number:
            blocks.append(
                TextLine(
                    _("Original receipt {original_receipt_number}").format(
                        original_receipt_number=stored.original_receipt_number
                    )
                )
            )
        for ln in r.lines:
            name = stored.names.get(ln.line_id, _("Item"))
            qty = quantity_text(ln.quantity, self.settings.locale)
            blocks.append(
                TextLine(
                    columns_line(
                        _("{qty} x {name}").format(qty=qty, name=name),
                        "-" + self._money(ln.gross_minor, cur),
                        w,
                    )
                )
            )
        blocks.append(TextLine("-" * w))
        blocks.append(TextLine(columns_line(_("Tax included"), self._money(r.tax_minor, cur), w)))
        if r.rounding_minor:
            blocks.append(
                TextLine(columns_line(_("Cash rounding"), self._money(r.rounding_minor, cur), w))
            )
        blocks.append(
            TextLine(
                columns_line(_("REFUND"), f"{cur} {self._money(r.payout_minor, cur)}", w // 2),
                bold=True,
                double=True,
            )
        )
        for t in r.tenders:
            if t.name == STORE_CREDIT:  # a new gift card: the customer keeps its code
                amount = self._money(t.amount_minor, cur)
                blocks.append(TextLine(columns_line(_("Onto a new gift card"), amount, w)))
                blocks.append(TextLine(f"  {t.reference}"[:w], bold=True))
                blocks.append(TextLine(columns_line(_("  Card balance"), amount, w)))
                continue
            label = TENDER_LABELS.get(t.kind, t.name)
            blocks.append(
                TextLine(
                    columns_line(
                        _("Back to {label}").format(label=label),
                        self._money(t.amount_minor, cur),
                        w,
                    )
                )
            )
        blocks.append(TextLine("-" * w))
        blocks.append(Barcode(receipt_code(stored.terminal_id, stored.receipt_number)))
        blocks.extend([Feed(1), Cut()])
        return PrintJob(blocks=tuple(blocks), columns=w)

    def _tax_row(self, code: str, rate: str, net: str, tax: str, gross: str) -> str:
        w = self.columns
        first = max(w - 3 * (w // 4), 8)
        col = (w - first) // 3
        head = f"{code:<{first // 2}}{rate:>{first - first // 2}}"
        return f"{head}{net:>{col}}{tax:>{col}}{gross:>{w - first - 2 * col}}"

    def test_page(self) -> PrintJob:
        w = self.columns
        return PrintJob(
            blocks=(
                TextLine(self.settings.name, align="center", bold=True, double=True),
                TextLine(_("Printer test page"), align="center"),
                TextLine("-" * w),
                TextLine(columns_line(_("Euro sign"), "€ 1.00", w)),
                Barcode("TEST-1234"),
                Feed(1),
                Cut(),
            ),
            columns=w,
        )
