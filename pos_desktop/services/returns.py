"""Returns and exchanges against a receipt, and returns without one.

* Find the sale by its receipt number or by scanning the receipt barcode (``RT01-00000001``).
* The refund mirrors the original tenders and cash rounding (:func:`plan_refund`); several
  returns against one sale never give back more than was sold and paid.
* An exchange returns items and sells new ones in ONE transaction: the returned value pays the
  new sale first (tender ``exchange``); the customer pays or gets back only the difference.
* A return without a receipt takes today's catalogue price, pays out cash and needs the
  ``return_no_receipt`` approval.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.catalog import CatalogItem
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import Payment
from pos_desktop.domain.pricing import price_cart_for
from pos_desktop.domain.refund import (
    STORE_CREDIT,
    OriginalSale,
    Refund,
    ReturnItem,
    SoldLine,
    TenderAmount,
    original_from_sale,
    plan_refund,
    to_store_credit,
)
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.staff import Action
from pos_desktop.domain.tender import CASH, VOUCHER, SplitTender
from pos_desktop.storage.returns_repo import ReturnsRepository, StoredRefund
from pos_desktop.storage.sales_repo import SalesRepository

from .auth import Approval, redeem
from .checkout import CheckoutService
from .ports import Clock
from .shift_guard import still_open

EXCHANGE = "exchange"
_RECEIPT_CODE = re.compile(r"^R(?P<terminal>[A-Za-z0-9]+)-(?P<number>\d{1,10})$")


class ReturnsService:
    def __init__(
        self,
        db: SqliteDatabase,
        sales: SalesRepository,
        checkout: CheckoutService,
        clock: Clock,
    ) -> None:
        self._db = db
        self._sales = sales
        self._checkout = checkout
        self._clock = clock
        self._repo = ReturnsRepository(db)

    @property
    def terminal_id(self) -> str:
        return self._checkout.settings.terminal_id

    def find_sale(self, text: str) -> Sale:
        """The sale a receipt number (typed) or receipt barcode (scanned) names.

        Raises:
            DomainError: not a receipt number, or no such sale on this till.
        """
        code = (text or "").strip()
        match = _RECEIPT_CODE.match(code)
        if match:
            terminal, number = match["terminal"], int(match["number"])
        elif code.isdigit():
            terminal, number = self.terminal_id, int(code)
        else:
            raise DomainError(
                N_(
                    "'{code}' is not a receipt number: scan the receipt's barcode or type "
                    "its number."
                ),
                code=code,
            )
        sale = self._sales.find_by_receipt(terminal, number)
        if sale is None:
            raise DomainError(
                N_("No sale has receipt number {number} on till {terminal}: check the receipt."),
                number=number,
                terminal=terminal,
            )
        return sale

    def original(self, sale: Sale) -> OriginalSale:
        return original_from_sale(
            sale, cash_increment_minor=self._checkout.checkout_settings.cash_increment_minor
        )

    def previous(self, sale: Sale) -> list[Refund]:
        return self._repo.for_sale(sale.sale_id)

    def returnable(self, sale: Sale) -> dict[str, Decimal]:
        """Line id -> quantity that can still be returned."""
        done: dict[str, Decimal] = {}
        for refund in self.previous(sale):
            for line in refund.lines:
                done[line.line_id] = done.get(line.line_id, Decimal(0)) + line.quantity
        return {ln.line_id: ln.quantity - done.get(ln.line_id, Decimal(0)) for ln in sale.lines}

    def plan(self, sale: Sale, items: list[ReturnItem]) -> Refund:
        """What ``items`` give back, tender by tender (nothing is stored)."""
        return plan_refund(self.original(sale), items, self.previous(sale))

    def refund(
        self,
        sale: Sale,
        items: list[ReturnItem],
        *,
        approval: Approval | None = None,
        store_credit: tuple[str, str] | None = None,
    ) -> StoredRefund:
        """Return ``items`` of ``sale`` with a ``REFUND`` approval for this sale: store, journal
        and outbox the refund (numbered from the sale counter). Voucher payments go back onto
        their voucher. ``store_credit`` (code, kind): the cash part goes onto that new gift
        card instead (loaded through the refund's outbox event, or as a local voucher).

        Raises:
            DomainError: more than is left to return, or store credit without a cash part;
                ApprovalRequired: no valid approval.
        """
        self._checkout.current_shift_id()  # before asking anybody to approve
        plan = self.plan(sale, items)
        if store_credit is not None:
            plan = to_store_credit(plan, *store_credit)
        redeem(approval, Action.REFUND, sale.sale_id)
        return self._store(plan, sale, "receipt")

    def _store(
        self, plan: Refund, sale: Sale | None, kind: str, *, names=None, skus=None, within=None
    ) -> StoredRefund:
        shift_id = self._checkout.current_shift_id()  # no refund without an open shift
        now = self._clock.now()
        names = names or ({ln.line_id: ln.name for ln in sale.lines} if sale else {})
        skus = skus or ({ln.line_id: ln.sku for ln in sale.lines} if sale else {})
        stored = StoredRefund(
            refund=plan,
            terminal_id=self.terminal_id,
            receipt_number=0,
            kind=kind,
            currency=sale.currency if sale else self._checkout.settings.currency,
            completed_at=now,
            names=names,
            original_receipt_number=sale.receipt_number if sale else None,
            cashier=self._checkout.cashier,
            shift_id=shift_id,
            skus=skus,
        )
        vouchers = self._checkout.vouchers

        def in_transaction(db) -> None:
            still_open(db, shift_id or "")  # no id: refused, never stored shiftless
            for t in plan.tenders:
                if t.kind == VOUCHER and t.reference and vouchers is not None:
                    if t.name == STORE_CREDIT:  # a new voucher (no cloud to keep it)
                        vouchers.load(t.reference, Money(t.amount_minor, stored.currency), now)
                    else:
                        vouchers.refund_to(t.reference, t.amount_minor, now)
            for hook in self._checkout.refund_hooks:
                hook(db, plan, stored.currency, sale)
            if within is not None:
                within(db)

        return self._repo.save(stored, within=in_transaction)

    def return_without_receipt(
        self, items: list[tuple[CatalogItem, Decimal]], *, approval: Approval | None = None
    ) -> StoredRefund:
        """Take items back at today's catalogue price (no promotions) and pay out cash, with a
        ``RETURN_NO_RECEIPT`` approval.

        Raises:
            DomainError: no items; ApprovalRequired: no valid approval.
        """
        if not items:
            raise DomainError(N_("Scan the items being returned first."))
        self._checkout.current_shift_id()
        settings = self._checkout.settings
        cart = Cart(settings.currency, prices_include_tax=settings.prices_include_tax)
        for item, quantity in items:
            cart.add(item, quantity)
        priced = price_cart_for(cart, (), self._checkout.pricing_time())
        names = {ln.line_id: ln.item.name for ln in cart.lines}
        skus = {ln.line_id: ln.item.sku for ln in cart.lines}
        redeem(approval, Action.RETURN_NO_RECEIPT)
        # A return without a receipt is planned against a pretend cash sale of these lines.
        original = OriginalSale(
            sale_id="",
            currency=settings.currency,
            lines=tuple(
                SoldLine(p.line_id, p.quantity, p.tax.gross, p.tax.tax, names[p.line_id])
                for p in priced.lines
            ),
            tenders=(TenderAmount("cash", CASH, "Cash", priced.total_minor),),
            cash_increment_minor=self._checkout.checkout_settings.cash_increment_minor,
        )
        plan = plan_refund(original, [ReturnItem(p.line_id, p.quantity) for p in priced.lines])
        return self._store(plan, None, "no_receipt", names=names, skus=skus)

    def exchange(
        self,
        sale: Sale,
        items: list[ReturnItem],
        extra: SplitTender | None = None,
        *,
        approval: Approval | None = None,
    ) -> tuple[StoredRefund, Sale]:
        """Return ``items`` and sell the current cart in one transaction.

        The returned value pays the new sale first. When the new sale costs more, ``extra``
        (a settled split tender for the difference, see :meth:`exchange_due`) pays the rest;
        when it costs less, the difference goes back through the original tenders.

        Raises:
            DomainError: nothing to sell, or the difference is not paid.
            ApprovalRequired: no valid ``REFUND`` approval for this sale.
        """
        checkout = self._checkout
        if checkout.cart.is_empty:
            raise DomainError(N_("Scan the new items first; for a plain return use Refund."))
        checkout.current_shift_id()
        plan = self.plan(sale, items)
        priced = checkout.price()
        credit = min(plan.payout_minor, priced.total_minor)
        payments = [
            Payment(
                EXCHANGE,
                Money(credit, sale.currency),
                Money(credit, sale.currency),
                Money.zero(sale.currency),
                reference=f"R{sale.terminal_id}-{sale.receipt_number:08d}",
            )
        ]
        rounding = 0
        if priced.total_minor > credit:
            if extra is None or not extra.is_settled:
                raise DomainError(N_("Take the difference first: the new items cost more."))
            if extra.total.amount_minor != priced.total_minor - credit:
                raise DomainError(
                    N_("The difference paid does not match: start the payment again.")
                )
            payments.extend(extra.payments())
            rounding = extra.rounding_minor
        redeem(approval, Action.REFUND, sale.sale_id)
        refund = replace(plan, tenders=_take_credit(plan.tenders, credit))
        holder: dict[str, StoredRefund] = {}

        def store_refund(db, new_sale: Sale) -> None:
            # Nested: the refund commits with the new sale or not at all.
            stored = self._store(refund, sale, EXCHANGE)
            holder["refund"] = replace(stored, exchange_sale_id=new_sale.sale_id)

        new_sale = checkout.complete_sale(
            tuple(payments), within=store_refund, priced=priced, rounding_minor=rounding
        )
        return holder["refund"], new_sale

    def exchange_due(self, sale: Sale, items: list[ReturnItem]) -> int:
        """What the customer still pays (positive) or gets back (negative) for an exchange."""
        plan = self.plan(sale, items)
        return self._checkout.price().total_minor - plan.payout_minor


def _take_credit(tenders: tuple[TenderAmount, ...], credit: int) -> tuple[TenderAmount, ...]:
    """The refund's tenders with ``credit`` moved to the new sale, cash giving it up first.

    The credit keeps the id of the original tender it comes from, so later returns against
    the same sale count it as already given back.
    """
    out: list[TenderAmount] = []
    left = credit
    for t in sorted(tenders, key=lambda t: t.kind != CASH):
        take = min(left, t.amount_minor)
        left -= take
        if take:
            out.append(TenderAmount(t.tender_id, EXCHANGE, "Exchange", take, t.reference))
        if t.amount_minor - take > 0:
            out.append(replace(t, amount_minor=t.amount_minor - take))
    return tuple(out)
