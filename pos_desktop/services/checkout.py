"""Ringing up a sale: scan, price (promotions, discounts), take tenders, commit. No Qt here.

Voiding a line, cancelling the sale, a price override and a discount above the store's limit
each take an ``Approval`` from ``AuthService.authorize`` (bound to the action and the line) and
raise ``ApprovalRequired`` without one, whoever calls (the till's screen, the POS API, a
script). Voids and cancels are recorded (``storage.void_repo``) for the X/Z reports.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Protocol

from pos_desktop.domain.cart import Cart, CartLine, CartTotals, parse_quantity
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.discounts import Discount, PriceOverride
from pos_desktop.domain.errors import N_, DomainError, PaymentError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings, Payment
from pos_desktop.domain.pricing import PricedCart, price_cart_for
from pos_desktop.domain.promotions import Promotion
from pos_desktop.domain.sale import Sale, sale_from_cart
from pos_desktop.domain.staff import Action
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tender import VOUCHER, SplitTender

from .auth import Approval, ApprovalRequired, redeem
from .ports import Clock
from .scanning import resolve_scan
from .shift_guard import require_open_shift, still_open
from .timezones import store_time


class CatalogLookup(Protocol):
    def find_by_gtin(self, gtin14: str) -> CatalogItem | None: ...
    def find_by_sku(self, sku: str) -> CatalogItem | None: ...


class SaleStore(Protocol):
    def save_completed(self, sale: Sale, within=None) -> Sale: ...


class PromotionSource(Protocol):
    def promotions(self) -> Sequence[Promotion]: ...


class VoucherStore(Protocol):
    def balance(self, code: str) -> Money | None: ...
    def redeem(self, code: str, amount_minor: int, now) -> None: ...
    def refund_to(self, code: str, amount_minor: int, now) -> None: ...
    def load(self, code: str, amount: Money, now) -> None: ...


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a scan did: the line it added to, or a message saying why nothing was added.

    ``warning`` is set when the item was added but the cashier must look (an expired item).
    """

    line: CartLine | None
    message: str
    warning: str | None = None
    needs_weight: CatalogItem | None = None  # weigh it (scale or typed), then add_weighed()
    unknown_gtin: str | None = None  # a valid barcode that no product has

    @property
    def ok(self) -> bool:
        return self.line is not None


class CheckoutService:
    """Owns the current cart. Called from one thread at a time (the GUI/core thread).

    The composition root (``container.build_checkout``) hands it the store's promotions,
    vouchers and checkout settings; without them it sells at list prices, without vouchers,
    with the default settings (unit tests of the engine). Shifts and void records are kept
    in the sales repository's db (``SalesRepository.db``) when it has one.
    """

    def __init__(
        self,
        settings: StoreSettings,
        catalog: CatalogLookup,
        sales: SaleStore,
        clock: Clock,
        *,
        promotions: PromotionSource | None = None,
        checkout_settings: CheckoutSettings | None = None,
        vouchers: VoucherStore | None = None,
    ) -> None:
        self.settings = settings
        self._catalog = catalog
        self._sales = sales
        self._clock = clock
        self.db = getattr(sales, "db", None)
        self.promotions = promotions
        self.vouchers = vouchers
        self.checkout_settings = checkout_settings or CheckoutSettings()
        self.cart = self._new_cart()
        self.cashier: str | None = None
        self.shift_id: str | None = None  # set by the shift service when a shift is open
        # Run inside every sale's / refund's transaction (gift cards, loyalty): (db, sale) and
        # (db, refund plan, currency, original sale or None). Wired by the container.
        self.sale_hooks: list = []
        self.refund_hooks: list = []

    @property
    def catalog(self) -> CatalogLookup:
        return self._catalog

    @property
    def clock(self) -> Clock:
        return self._clock

    @property
    def sales(self) -> SaleStore:
        return self._sales

    def _new_cart(self) -> Cart:
        return Cart(self.settings.currency, prices_include_tax=self.settings.prices_include_tax)

    def current_shift_id(self) -> str | None:
        """The till's open shift, which every sale and refund belongs to.

        Raises:
            NoOpenShift: the till has a db and no open shift (nothing may be sold then).
        """
        if self.db is None:  # a db-less checkout (unit tests) has no shifts to check
            return self.shift_id
        self.shift_id = require_open_shift(self.db, self.settings.terminal_id)
        return self.shift_id

    # -- scanning ---------------------------------------------------------------------------

    def scan(self, text: str) -> ScanResult:
        """Add the product a scanned or typed code names (GTIN, variable-measure, GS1 or SKU)."""
        found = resolve_scan(text, self._catalog, self.settings, self.store_today())
        if found.item is None:
            return ScanResult(
                None,
                found.message,
                needs_weight=found.needs_weight,
                unknown_gtin=found.unknown_gtin,
            )
        try:
            if found.price_minor is not None:
                line = self.cart.add_priced(found.item, found.price_minor)
            else:
                line = self.cart.add(found.item, found.quantity)
        except DomainError as err:
            return ScanResult(None, str(err))
        message = f"Added {found.item.name}."
        if found.warning:
            message = f"{found.warning} {message}"
        return ScanResult(line, message, found.warning)

    def add_weighed(self, item: CatalogItem, weight_kg: Decimal | str) -> CartLine:
        """Add a product sold by weight with the weight from the scale or typed by the cashier.

        Raises:
            DomainError: the item is not sold by weight, or the weight is not a valid weight.
        """
        if not item.sold_by_weight:
            raise DomainError(N_("{name} is sold by the piece, not by weight."), name=item.name)
        return self.cart.add(item, weight_kg)

    def lowers_quantity(self, line_id: str, quantity: str | Decimal | int) -> bool:
        """Whether setting ``quantity`` on the line is a partial void (it needs an approval).

        Raises:
            DomainError: no such line, or ``quantity`` is not a valid quantity for it.
        """
        line = self.cart.line(line_id)
        return parse_quantity(quantity, sold_by_weight=line.item.sold_by_weight) < line.quantity

    def set_quantity(
        self, line_id: str, quantity: str | Decimal | int, approval: Approval | None = None
    ) -> CartLine:
        """Set a line's quantity. Raising it needs nothing; lowering it is a partial void: it
        takes a ``VOID_LINE`` approval for the line, like removing it, and is recorded (counted
        under voided lines on the X/Z report).

        Raises:
            DomainError: no such line or a bad quantity; ApprovalRequired: a lower quantity
                without a valid approval (nothing changes).
        """
        line = self.cart.line(line_id)
        before_qty = line.quantity
        if not self.lowers_quantity(line_id, quantity):
            return self.cart.set_quantity(line_id, quantity)
        approval = redeem(approval, Action.VOID_LINE, line_id)
        before = self._line_gross(line)
        line = self.cart.set_quantity(line_id, quantity)
        try:
            self._record_void(
                "line",
                approval,
                line_id,
                f"{line.item.name}: quantity {before_qty} -> {line.quantity}",
                str(before_qty - line.quantity),
                before - self._line_gross(line),
                event="cart.quantity_lowered",
            )
        except BaseException:
            line.quantity = before_qty  # not recorded: not lowered
            raise
        return line

    def _line_gross(self, line: CartLine) -> int:
        priced = next((p for p in self.price().lines if p.line_id == line.line_id), None)
        return priced.tax.gross if priced is not None else line.amount_minor

    def remove_line(self, line_id: str, approval: Approval | None = None) -> CartLine:
        """Void a line with a ``VOID_LINE`` approval for it; the void is recorded.

        Raises:
            DomainError: no such line; ApprovalRequired: no valid approval (nothing changes).
        """
        line = self.cart.line(line_id)
        approval = redeem(approval, Action.VOID_LINE, line_id)
        amount = self._line_gross(line)
        self._record_void("line", approval, line_id, line.item.name, str(line.quantity), amount)
        return self.cart.remove(line_id)

    def cancel_sale(self, approval: Approval | None = None) -> None:
        """Empty the cart with a ``CANCEL_SALE`` approval; the cancelled sale is recorded.

        Raises:
            ApprovalRequired: no valid approval (the cart stays as it is).
        """
        if self.cart.is_empty:
            return
        approval = redeem(approval, Action.CANCEL_SALE)
        count = len(self.cart.lines)
        what = f"{count} line{'' if count == 1 else 's'}"
        self._record_void("sale", approval, None, what, None, self.price().total_minor)
        self.cart = self._new_cart()

    def hand_over_cart(self) -> Cart:
        """Give the current cart away and start an empty one. Only for a cart that lives on
        elsewhere (a parked sale is stored first); nothing is voided, so nothing is recorded."""
        cart, self.cart = self.cart, self._new_cart()
        return cart

    def _record_void(
        self, kind, approval, object_id, description, quantity, amount, event=None
    ) -> None:
        if self.db is None:  # a bare engine (unit tests): the token was still checked
            return
        from pos_desktop.storage import void_repo

        void_repo.record(
            self.db,
            void_repo.VoidRecord(
                kind=kind,
                terminal_id=self.settings.terminal_id,
                shift_id=self.shift_id,
                object_id=object_id,
                description=description,
                quantity=quantity,
                amount_minor=amount,
                currency=self.settings.currency,
                requester=approval.requester,
                approver=approval.approver,
                reason=approval.reason,
                approval_seq=approval.audit_seq,
                event=event,
            ),
            self._clock.now(),
        )

    def replace_cart(self, cart: Cart) -> None:
        """Make ``cart`` the current one (a recalled parked sale).

        Raises:
            DomainError: while the current cart has items.
        """
        if not self.cart.is_empty:
            raise DomainError(N_("Finish or park the current sale before recalling another one."))
        if cart.currency != self.settings.currency:
            raise DomainError(
                N_("That sale is in {currency}; this till sells in {settings_currency}."),
                currency=cart.currency,
                settings_currency=self.settings.currency,
            )
        self.cart = cart

    # -- pricing ----------------------------------------------------------------------------

    def pricing_time(self):
        """Promotions' daily hours compare the store's wall time (its time zone setting)."""
        return store_time(self._clock.now(), self.settings.timezone)

    def store_today(self) -> date:
        """The store's business date now, in its time zone (expiry dates, GS1 years)."""
        return self.pricing_time().date()

    def price(self, cart: Cart | None = None) -> PricedCart:
        """Price ``cart`` (default: the current one) with the active promotions and its
        adjustments."""
        cart = cart or self.cart
        promos = self.promotions.promotions() if self.promotions is not None else ()
        adjustments = cart.adjustments(self.checkout_settings.max_discount_percent)
        return price_cart_for(cart, promos, self.pricing_time(), adjustments)

    def totals(self, priced: PricedCart | None = None) -> CartTotals:
        priced = priced or self.price()
        cur = priced.currency
        count = sum(
            (Decimal(1) if ln.item.sold_by_weight else ln.quantity for ln in self.cart.lines),
            Decimal(0),
        )
        return CartTotals(
            subtotal=Money(priced.net_minor, cur),
            tax=Money(priced.tax_minor, cur),
            total=Money(priced.total_minor, cur),
            tax_summary=priced.tax_summary,
            item_count=count,
        )

    # -- discounts --------------------------------------------------------------------------

    def set_line_discount(
        self, line_id: str, discount: Discount | None, approval: Approval | None = None
    ) -> PricedCart:
        """Put (or with None remove) a discount on a line; above the store's limit it needs a
        ``DISCOUNT_OVER_LIMIT`` approval for this line.

        Raises:
            ApprovalRequired: above the limit without a valid approval; its message says the
                discount's percent (nothing changes).
            DomainError: the discount is impossible (nothing changes).
        """
        cart = self.cart
        cart.line(line_id)
        before = cart.line_discounts.get(line_id)
        return self._try_change(
            lambda: (
                cart.line_discounts.__setitem__(line_id, discount)
                if discount
                else cart.line_discounts.pop(line_id, None)
            ),
            lambda: (
                cart.line_discounts.__setitem__(line_id, before)
                if before
                else cart.line_discounts.pop(line_id, None)
            ),
            approval,
            line_id,
        )

    def set_order_discount(
        self, discount: Discount | None, approval: Approval | None = None
    ) -> PricedCart:
        """Put (or remove) a discount on the whole order, shared over the lines."""
        cart = self.cart
        if cart.is_empty:
            raise DomainError(N_("The cart is empty: scan an item first."))
        before = cart.order_discount
        return self._try_change(
            lambda: setattr(cart, "order_discount", discount),
            lambda: setattr(cart, "order_discount", before),
            approval,
            None,
        )

    def override_price(
        self, line_id: str, unit_price_minor: int, reason: str, approval: Approval | None = None
    ) -> PricedCart:
        """Set a line's unit price with a reason; always needs a ``PRICE_OVERRIDE`` approval
        for this line.

        Raises:
            ApprovalRequired: without a valid approval (the price is unchanged).
        """
        cart = self.cart
        cart.line(line_id)
        override = PriceOverride(line_id, unit_price_minor, reason)
        redeem(approval, Action.PRICE_OVERRIDE, line_id)
        before = cart.overrides.get(line_id)
        cart.overrides[line_id] = override
        try:
            return self.price()
        except DomainError:
            self._restore_override(line_id, before)
            raise

    def _restore_override(self, line_id: str, before: PriceOverride | None) -> None:
        if before is None:
            self.cart.overrides.pop(line_id, None)
        else:
            self.cart.overrides[line_id] = before

    def _try_change(self, apply, undo, approval: Approval | None, object_id) -> PricedCart:
        before = {n.line_id for n in self.price().approvals if n.kind == "large_discount"}
        apply()
        try:
            priced = self.price()
        except DomainError:
            undo()
            raise
        new = [n for n in priced.approvals if n.kind == "large_discount"]
        fresh = [n for n in new if n.line_id not in before or n.line_id is None]
        if fresh:
            if approval is None:
                undo()
                raise ApprovalRequired(
                    N_(
                        "Discount of {percent} % on the order is above the limit ({limit:f} %): "
                        "it needs approval."
                    )
                    if fresh[0].line_id is None
                    else N_(
                        "Discount of {percent} % on a line is above the limit ({limit:f} %): "
                        "it needs approval."
                    ),
                    Action.DISCOUNT_OVER_LIMIT,
                    percent=fresh[0].percent,
                    limit=self.checkout_settings.max_discount_percent,
                )
            try:
                redeem(approval, Action.DISCOUNT_OVER_LIMIT, object_id)
            except ApprovalRequired:
                undo()
                raise
        return priced

    # -- tenders ----------------------------------------------------------------------------

    def new_tender(self, priced: PricedCart | None = None) -> SplitTender:
        """A split tender for the current cart's total, with the store's cash rounding."""
        if self.cart.is_empty:
            raise DomainError(N_("The cart is empty: scan an item first."))
        priced = priced or self.price()
        return SplitTender(
            priced.total, cash_increment_minor=self.checkout_settings.cash_increment_minor
        )

    def voucher_balance(self, code: str) -> Money:
        """The balance of a gift voucher.

        Raises:
            PaymentError: no such voucher, or it is empty.
        """
        balance = self.vouchers.balance(code) if self.vouchers is not None else None
        if balance is None:
            raise PaymentError(N_("No gift voucher has code {code}: check the code."), code=code)
        if balance.amount_minor <= 0:
            raise PaymentError(N_("Voucher {code} has nothing left on it."), code=code)
        return balance

    def pay_cash(self, tendered: Money) -> Sale:
        """Take cash, store the sale (numbered, journaled, queued for the cloud), start anew.

        Raises:
            DomainError: when the cart is empty or the cash is short; nothing is stored then.
        """
        if self.cart.is_empty:
            raise DomainError(N_("The cart is empty: scan an item first."))
        priced = self.price()
        split = self.new_tender(priced)
        due = Money(split.cash_due_minor, split.currency)
        if tendered < due:
            raise PaymentError(
                N_("Cash tendered is {shortfall} short of the total; take more cash."),
                shortfall=due - tendered,
            )
        split.add_cash(tendered)
        return self.complete_split(split, priced=priced)

    def complete_split(self, split: SplitTender, *, priced: PricedCart | None = None) -> Sale:
        """Store the current cart paid by a settled split tender."""
        if not split.is_settled:
            raise PaymentError(N_("The sale is not paid in full yet: take the rest."))
        return self.complete_sale(
            split.payments(), priced=priced, rounding_minor=split.rounding_minor
        )

    def _with_voucher_balances(self, payments: tuple[Payment, ...]) -> tuple[Payment, ...]:
        """Each voucher payment with the balance it leaves (printed on the receipt)."""
        if self.vouchers is None or not any(p.tender == VOUCHER for p in payments):
            return payments
        out: list[Payment] = []
        spent: dict[str, int] = {}
        for p in payments:
            if p.tender == VOUCHER:
                code = p.reference or ""
                balance = self.vouchers.balance(code)
                before = balance.amount_minor if balance is not None else 0
                spent[code] = spent.get(code, 0) + p.amount.amount_minor
                p = replace(p, balance_left_minor=before - spent[code])
            out.append(p)
        return tuple(out)

    def complete_sale(
        self,
        payments: tuple[Payment, ...],
        *,
        cart: Cart | None = None,
        within=None,
        priced: PricedCart | None = None,
        rounding_minor: int = 0,
    ) -> Sale:
        """Store ``cart`` (default: the current one) paid by ``payments``; ``within`` runs in
        the sale's transaction, as do voucher redemptions. The current cart is emptied only
        when it was the one sold."""
        sold = cart or self.cart
        shift_id = self.current_shift_id()
        payments = self._with_voucher_balances(payments)
        now = self._clock.now()
        sale = sale_from_cart(
            sold,
            payments,
            terminal_id=self.settings.terminal_id,
            completed_at=now,
            cashier=self.cashier,
            shift_id=shift_id,
            priced=priced or self.price(sold),
            rounding_minor=rounding_minor,
        )
        vouchers = [p for p in payments if p.tender == VOUCHER]
        if vouchers and self.vouchers is None:
            raise PaymentError(N_("This till has no voucher store: take another tender."))

        def in_transaction(db, stored: Sale) -> None:
            if self.db is not None:
                still_open(db, shift_id or "")  # with a db there is always one (fail closed)
            for p in vouchers:
                assert self.vouchers is not None  # checked above
                self.vouchers.redeem(p.reference or "", p.amount.amount_minor, now)
                left = self.vouchers.balance(p.reference or "")
                if left is not None and left.amount_minor != p.balance_left_minor:
                    raise PaymentError(  # the receipt would print a wrong balance: roll back
                        N_("Voucher {reference} was used elsewhere meanwhile: take it again."),
                        reference=p.reference,
                    )
            for hook in self.sale_hooks:
                hook(db, stored)
            if within is not None:
                within(db, stored)

        stored = self._sales.save_completed(sale, within=in_transaction)
        if sold is self.cart:
            self.cart = self._new_cart()
        return stored
