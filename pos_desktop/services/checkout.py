"""Ringing up a sale: scan, change quantities, pay cash, commit. No Qt here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from pos_desktop.domain.barcodes import looks_like_barcode, parse_scan
from pos_desktop.domain.cart import Cart, CartLine, CartTotals
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment, pay_cash
from pos_desktop.domain.sale import Sale, sale_from_cart
from pos_desktop.domain.store import StoreSettings

from .ports import Clock


class CatalogLookup(Protocol):
    def find_by_gtin(self, gtin14: str) -> CatalogItem | None: ...
    def find_by_sku(self, sku: str) -> CatalogItem | None: ...


class SaleStore(Protocol):
    def save_completed(self, sale: Sale, within=None) -> Sale: ...


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan did: the line it added to, or a message saying why nothing was added."""

    line: CartLine | None
    message: str

    @property
    def ok(self) -> bool:
        return self.line is not None


class CheckoutService:
    """Owns the current cart. Called from one thread at a time (the GUI/core thread)."""

    def __init__(
        self, settings: StoreSettings, catalog: CatalogLookup, sales: SaleStore, clock: Clock
    ) -> None:
        self.settings = settings
        self._catalog = catalog
        self._sales = sales
        self._clock = clock
        self.cart = self._new_cart()
        self.cashier: str | None = None
        self.shift_id: str | None = None  # set by the shift service when a shift is open

    def _new_cart(self) -> Cart:
        return Cart(self.settings.currency, prices_include_tax=self.settings.prices_include_tax)

    def scan(self, text: str) -> ScanResult:
        """Add the product a scanned or typed code names (GTIN, variable-measure, GS1 or SKU)."""
        code = (text or "").strip()
        if not code:
            return ScanResult(None, "Nothing was scanned.")
        item: CatalogItem | None
        weight: Decimal | None = None
        if looks_like_barcode(code) or code.startswith("]") or (code.isdigit() and len(code) > 14):
            try:
                scanned = parse_scan(code, region=self.settings.barcode_region)
            except DomainError as err:
                return ScanResult(None, str(err))
            item = self._catalog.find_by_gtin(scanned.gtin14)
            if item is None:
                return ScanResult(
                    None, f"No product has barcode {code}: check the item or type its SKU."
                )
            weight = getattr(scanned, "weight_kg", None)
        else:
            item = self._catalog.find_by_sku(code)
            if item is None:
                return ScanResult(
                    None, f"'{code}' is neither a barcode nor a known SKU: scan or type again."
                )
        if item.sold_by_weight and weight is None:
            return ScanResult(None, f"{item.name} is sold by weight: weigh it or scan its label.")
        quantity = Decimal(weight) if item.sold_by_weight and weight is not None else Decimal(1)
        try:
            line = self.cart.add(item, quantity)
        except DomainError as err:
            return ScanResult(None, str(err))
        return ScanResult(line, f"Added {item.name}.")

    def set_quantity(self, line_id: str, quantity: str | Decimal | int) -> CartLine:
        return self.cart.set_quantity(line_id, quantity)

    def remove_line(self, line_id: str) -> CartLine:
        return self.cart.remove(line_id)

    def cancel_sale(self) -> None:
        self.cart = self._new_cart()

    def totals(self) -> CartTotals:
        return self.cart.totals()

    def pay_cash(self, tendered: Money) -> Sale:
        """Take cash, store the sale (numbered, journaled, queued for the cloud), start anew.

        Raises:
            DomainError: when the cart is empty or the cash is short; nothing is stored then.
        """
        if self.cart.is_empty:
            raise DomainError("The cart is empty: scan an item first.")
        return self.complete_sale((pay_cash(self.totals().total, tendered),))

    def complete_sale(
        self, payments: tuple[Payment, ...], *, cart: Cart | None = None, within=None
    ) -> Sale:
        """Store ``cart`` (default: the current one) paid by ``payments``; ``within`` runs in
        the sale's transaction. The current cart is emptied only when it was the one sold."""
        sold = cart or self.cart
        sale = sale_from_cart(
            sold,
            payments,
            terminal_id=self.settings.terminal_id,
            completed_at=self._clock.now(),
            cashier=self.cashier,
            shift_id=self.shift_id,
        )
        stored = self._sales.save_completed(sale, within=within)
        if sold is self.cart:
            self.cart = self._new_cart()
        return stored
