"""Lay a sale out as a receipt print job (text columns, tax summary, receipt barcode, cut)."""

from __future__ import annotations

from decimal import Decimal

from hardware.receipt import Barcode, Cut, DrawerPulse, Feed, PrintBlock, PrintJob, TextLine
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.store import StoreSettings

from .formatting import local_time_text, money_text, quantity_text

TENDER_LABELS = {"cash": "Cash", "card": "Card"}


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

    def __init__(self, settings: StoreSettings, columns: int = 48) -> None:
        self.settings = settings
        self.columns = columns

    def _money(self, minor: int, currency: str) -> str:
        return money_text(Money(minor, currency), self.settings.locale)

    def sale_receipt(self, sale: Sale, *, drawer: DrawerPulse | None = None) -> PrintJob:
        """The customer receipt; ``drawer`` puts a kick first so the drawer opens while printing."""
        s, w, cur = self.settings, self.columns, sale.currency
        blocks: list[PrintBlock] = []
        if drawer is not None:
            blocks.append(drawer)
        blocks.append(TextLine(s.name, align="center", bold=True, double=True))
        for text in (s.address, s.receipt_header):
            for part in filter(None, (text or "").splitlines()):
                blocks.append(TextLine(part, align="center"))
        rule = TextLine("-" * w)
        blocks.append(rule)
        blocks.append(
            TextLine(
                columns_line(
                    f"Receipt {sale.receipt_number}", local_time_text(sale.completed_at), w
                )
            )
        )
        blocks.append(
            TextLine(
                f"Terminal {sale.terminal_id}"
                + (f"  Cashier {sale.cashier}" if sale.cashier else "")
            )
        )
        blocks.append(rule)
        for ln in sale.lines:
            amount = self._money(ln.amount_minor, cur)
            blocks.append(TextLine(columns_line(ln.name, f"{amount} {ln.tax_code}", w)))
            if ln.quantity != Decimal(1):
                unit = self._money(ln.unit_price_minor, cur)
                per = "/kg" if ln.sold_by_weight else ""
                qty = quantity_text(ln.quantity, s.locale) + (" kg" if ln.sold_by_weight else "")
                blocks.append(TextLine(f"  {qty} x {unit}{per}"))
        blocks.append(rule)
        blocks.append(
            TextLine(columns_line("Subtotal (net)", self._money(sale.subtotal_minor, cur), w))
        )
        blocks.append(TextLine(columns_line("Tax", self._money(sale.tax_minor, cur), w)))
        blocks.append(
            TextLine(
                columns_line("TOTAL", f"{cur} {self._money(sale.total_minor, cur)}", w // 2),
                bold=True,
                double=True,
            )
        )
        for p in sale.payments:
            label = TENDER_LABELS.get(p.tender, p.tender.title())
            blocks.append(
                TextLine(columns_line(label, self._money(p.tendered.amount_minor, cur), w))
            )
            if p.reference:  # e.g. "VISA ****7892 auth 123456": never more than the last four
                blocks.append(TextLine(f"  {p.reference}"[:w]))
        if sale.change_minor:
            blocks.append(TextLine(columns_line("Change", self._money(sale.change_minor, cur), w)))
        blocks.append(rule)
        blocks.append(TextLine(self._tax_row("Tax", "Rate", "Net", "Tax", "Gross")))
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
        for part in filter(None, (s.receipt_footer or "").splitlines()):
            blocks.append(TextLine(part, align="center"))
        blocks.append(Feed(1))
        blocks.append(Cut())
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
                TextLine("Printer test page", align="center"),
                TextLine("-" * w),
                TextLine(columns_line("Euro sign", "€ 1.00", w)),
                Barcode("TEST-1234"),
                Feed(1),
                Cut(),
            ),
            columns=w,
        )
