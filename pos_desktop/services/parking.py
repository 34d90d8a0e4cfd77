"""Park a sale and recall it later; parked sales live in the db and survive a restart.

Other apps (web orders) park ready-made carts with :meth:`ParkingService.park_lines`; the
cashier recalls them like any parked sale. The shift service refuses to close a shift while a
row has status 'parked'. Dropping a parked sale takes a ``DROP_PARKED_SALE`` approval for it
and is recorded as a void (requester, approver, reason, amount) with its audit entry.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from peewee import SqliteDatabase

from pos_desktop.domain.barcodes import normalize_gtin
from pos_desktop.domain.cart import Cart, parse_quantity
from pos_desktop.domain.cart_snapshot import cart_from_snapshot, cart_to_snapshot
from pos_desktop.domain.discounts import PriceOverride
from pos_desktop.domain.errors import N_, DomainError, Phrase
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.limits import check_line_amount, check_sale_amount
from pos_desktop.domain.money import round_half_up
from pos_desktop.domain.staff import Action
from pos_desktop.storage import audit, journal, void_repo
from pos_desktop.storage.audit import DENIED, GRANTED
from pos_desktop.storage.codec import canonical_json, parse_utc, utc_text
from pos_desktop.storage.parking_repo import ParkedRow, ParkingRepository

from .auth import Approval, redeem
from .checkout import CatalogLookup, CheckoutService
from .ports import Clock

Approver = Callable[[str, str], bool]
APP_PRICE_REASON = "Price set by the app's order"
PENDING = "pending"


def _override_detail(cart: Cart) -> list[dict]:
    lines = {ln.line_id: ln for ln in cart.lines}
    return [
        {
            "sku": lines[o.line_id].item.sku,
            "name": lines[o.line_id].item.name,
            "catalogue_minor": lines[o.line_id].item.unit_price_minor,
            "price_minor": o.unit_price_minor,
        }
        for o in cart.overrides.values()
    ]


@dataclass(frozen=True, slots=True)
class ParkLine:
    """One line of an order from another app: a SKU or a GTIN, a quantity and optionally the
    unit price agreed with the customer (None: today's catalogue price)."""

    sku: str | None
    gtin: str | None
    quantity: Decimal
    unit_price_minor: int | None = None


@dataclass(frozen=True, slots=True)
class ParkedSale:
    id: str
    label: str
    source: str
    reference: str | None
    created_at: datetime
    total_minor: int
    line_count: int
    currency: str = ""
    status: str = "parked"


def _parked(row: ParkedRow) -> ParkedSale:
    return ParkedSale(
        row.id,
        row.label,
        row.source,
        row.reference,
        parse_utc(row.created_at),
        row.total_minor,
        row.line_count,
        row.currency,
        row.status,
    )


class ParkingService:
    def __init__(
        self, db: SqliteDatabase, catalog: CatalogLookup, checkout: CheckoutService, clock: Clock
    ) -> None:
        self._db = db
        self._catalog = catalog
        self._checkout = checkout
        self._clock = clock
        self._repo = ParkingRepository(db)

    def park(
        self,
        cart: Cart | None = None,
        *,
        label: str,
        source: str = "till",
        reference: str | None = None,
    ) -> ParkedSale:
        """Park ``cart`` (default: the current cart, and a new empty one starts).

        Raises:
            DomainError: the cart is empty or the label is blank.
        """
        current = cart is None
        cart = cart or self._checkout.cart
        if cart.is_empty:
            raise DomainError(N_("There is nothing to park: the cart is empty."))
        parked = self._store(cart, label, source, reference)
        if current:
            self._checkout.hand_over_cart()  # it is stored: a new, empty cart starts
        return parked

    def park_lines(
        self,
        lines: list[ParkLine],
        *,
        label: str,
        source: str,
        reference: str | None = None,
    ) -> ParkedSale:
        """Park an order from another app as a cart, priced from the catalogue (or at the
        given unit prices).

        Raises:
            DomainError: naming the first bad line (unknown product, bad quantity or price).
        """
        if not lines:
            raise DomainError(N_("The order has no lines: nothing to park."))
        cart = Cart(
            self._checkout.settings.currency,
            prices_include_tax=self._checkout.settings.prices_include_tax,
        )
        for number, line in enumerate(lines, start=1):
            self._add_line(cart, number, line)
        return self._store(cart, label, source, reference)

    def _add_line(self, cart: Cart, number: int, line: ParkLine) -> None:
        name = line.sku or line.gtin or "?"
        where = f"Line {number} ({name})"
        item = None
        if line.gtin:
            try:
                item = self._catalog.find_by_gtin(normalize_gtin(line.gtin))
            except DomainError as err:
                raise DomainError(N_("{where}: {err}"), where=where, err=err) from None
        if item is None and line.sku:
            item = self._catalog.find_by_sku(line.sku)
        if item is None:
            raise DomainError(N_("{where}: no such product in the till's catalogue."), where=where)
        try:
            quantity = parse_quantity(line.quantity, sold_by_weight=item.sold_by_weight)
        except DomainError as err:
            raise DomainError(N_("{where}: {err}"), where=where, err=err) from None
        line_id = new_id()
        try:
            cart.restore_line(item, quantity, line_id)
            if line.unit_price_minor is not None and line.unit_price_minor != item.unit_price_minor:
                # The app's price is a price override, as if the cashier had typed it: it is
                # listed for approval when the sale is recalled, and audited.
                override = PriceOverride(line_id, line.unit_price_minor, APP_PRICE_REASON)
                cart.overrides[line_id] = override
                check_line_amount(
                    round_half_up(Fraction(override.unit_price_minor) * Fraction(quantity)),
                    Phrase(N_("The line {name}"), name=item.name),
                )
        except DomainError as err:
            raise DomainError(N_("{where}: {err}"), where=where, err=err) from None

    def _store(self, cart: Cart, label: str, source: str, reference: str | None) -> ParkedSale:
        if not label.strip():
            raise DomainError(N_("Give the parked sale a label (e.g. the customer's name)."))
        priced = self._checkout.price(cart)
        check_sale_amount(priced.total_minor)
        now = self._clock.now()
        row = ParkedRow(
            id=new_id(),
            label=label.strip(),
            source=source,
            reference=reference,
            status="parked",
            cart_snapshot=canonical_json(cart_to_snapshot(cart)),
            total_minor=priced.total_minor,
            currency=cart.currency,
            line_count=len(cart.lines),
            cashier=self._checkout.cashier,
            created_at=utc_text(now),
        )
        with self._db.atomic():
            self._repo.insert(row)
            journal.append(
                self._db,
                "sale.parked",
                row.id,
                {
                    "label": row.label,
                    "source": source,
                    "reference": reference,
                    "total_minor": row.total_minor,
                    "currency": row.currency,
                },
                now,
            )
            if cart.overrides:
                audit.append(
                    self._db,
                    "price_override.requested",
                    user=source,
                    outcome=PENDING,
                    now=now,
                    object_id=row.id,
                    detail={"lines": _override_detail(cart)},
                )
        return _parked(row)

    def list_parked(self) -> list[ParkedSale]:
        """Parked sales, oldest first."""
        return [_parked(row) for row in self._repo.parked()]

    def recall(self, parked_id: str, approve: Approver | None = None) -> Cart:
        """Make the parked sale the current cart (lines, prices and discounts as parked).

        An order from an app that set its own prices carries price overrides: as at the till,
        they need ``approve(Action.PRICE_OVERRIDE, detail)`` (a manager's approval) before the
        sale is recalled; the answer is audited. Without ``approve`` such a sale stays parked.

        Raises:
            DomainError: the current cart has items, the sale is no longer parked, or its
                app prices were not approved (it stays parked).
        """
        if not self._checkout.cart.is_empty:
            raise DomainError(N_("Finish or park the current sale before recalling another one."))
        row = self._repo.get(parked_id)
        if row is None or row.status != "parked":
            raise DomainError(N_("That sale is no longer parked: refresh the list."))
        cart = cart_from_snapshot(json.loads(row.cart_snapshot))
        if row.source != "till" and cart.overrides:
            self._approve_app_prices(row, cart, approve)
        with self._db.atomic():
            if not self._repo.leave_parked(parked_id, "recalled", self._clock.now()):
                raise DomainError(N_("That sale is no longer parked: refresh the list."))
            self._checkout.replace_cart(cart)
        return cart

    def _approve_app_prices(self, row: ParkedRow, cart: Cart, approve: Approver | None) -> None:
        lines = _override_detail(cart)
        detail = f"{row.source} set its own prices: " + "; ".join(
            f"{ln['name']} {ln['catalogue_minor']} -> {ln['price_minor']}" for ln in lines
        )
        answer = approve(Action.PRICE_OVERRIDE, detail) if approve is not None else None
        if isinstance(answer, Approval):  # the till's approver hands a one-shot token
            redeem(answer, Action.PRICE_OVERRIDE)
        granted = bool(answer)
        audit.append(
            self._db,
            "price_override.app_order",
            user=self._checkout.cashier,
            outcome=GRANTED if granted else DENIED,
            now=self._clock.now(),
            object_id=row.id,
            detail={"source": row.source, "lines": lines},
        )
        if not granted:
            raise DomainError(
                N_(
                    "This order from {source} sets its own prices: a manager must approve "
                    "them before it is recalled. It stays parked."
                ),
                source=row.source,
            )

    def cancel(self, parked_id: str, approval: Approval | None = None) -> None:
        """Drop a parked sale with a ``DROP_PARKED_SALE`` approval for it (the row stays as
        'cancelled'; the drop is recorded as a void in the same transaction).

        Raises:
            ApprovalRequired: without a valid approval (the sale stays parked).
            DomainError: the sale is no longer parked.
        """
        row = self._repo.get(parked_id)
        if row is None or row.status != "parked":
            raise DomainError(N_("That sale is no longer parked: refresh the list."))
        approval = redeem(approval, Action.DROP_PARKED_SALE, parked_id)
        now = self._clock.now()
        with self._db.atomic():
            if not self._repo.leave_parked(parked_id, "cancelled", now):
                raise DomainError(N_("That sale is no longer parked: refresh the list."))
            void_repo.record(
                self._db,
                void_repo.VoidRecord(
                    kind="parked_sale",
                    terminal_id=self._checkout.settings.terminal_id,
                    shift_id=self._checkout.shift_id,
                    object_id=parked_id,
                    description=row.label,
                    quantity=None,
                    amount_minor=row.total_minor,
                    currency=row.currency,
                    requester=approval.requester,
                    approver=approval.approver,
                    reason=approval.reason,
                    approval_seq=approval.audit_seq,
                ),
                now,
            )
