"""The till side of an app's payment request, as its own sale.

A request is never rung on the cashier's cart: it starts only when that cart is empty (the
cashier finishes or parks the sale first), becomes a one-line cart of its own, and every way of
paying it checks first that the sale still is exactly that line at exactly the requested
amount. Scans while it runs are refused (:meth:`PaymentRequestTill.refuse_scan` says so), so
what is charged, stored and reported to the app is always the amount the app asked for.

The UI (``pos_desktop.ui.pos_api_bridge``) shows the request and asks the cashier; this module
owns the steps.
"""

from __future__ import annotations

from pos_desktop.domain.cart import Cart
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import OTHER, Tender
from pos_desktop.storage.pos_api_repo import RequestRow

from .checkout import CheckoutService
from .pos_api import REQUEST_PRODUCT_PREFIX, PosApiService


class PaymentRequestTill:
    """One payment request at a time: begin, pay (cash, card, another tender) or give up.

    Args:
        api: the POS API service (request rows, results and callbacks).
        checkout: the till's checkout; the request's own cart is its current cart while the
            request runs (the cashier's cart is empty then).
    """

    def __init__(self, api: PosApiService, checkout: CheckoutService) -> None:
        self.api = api
        self.checkout = checkout
        self.active: RequestRow | None = None

    @property
    def running(self) -> bool:
        return self.active is not None

    def begin(self, request_id: str) -> RequestRow:
        """The cashier accepted: the request becomes the till's sale, on a cart of its own.

        Raises:
            DomainError: the cashier's cart has items (finish or park it first), another
                request runs, or the request was cancelled/answered meanwhile.
        """
        if self.active is not None:
            raise DomainError(N_("Another payment request is being taken: finish it first."))
        if not self.checkout.cart.is_empty:
            raise DomainError(
                N_("Finish or park the current sale first: a payment request is a sale of its own.")
            )
        row = self.api.accept(request_id)
        cart = Cart(row.currency, prices_include_tax=self.checkout.settings.prices_include_tax)
        cart.add(self.api.request_item(row))
        self.checkout.replace_cart(cart)
        self.active = row
        return row

    def refuse_scan(self, code: str) -> str:
        """A scan while the request runs: nothing is added; the text says why and what to do."""
        name = self.api.app_name(self.active.app_id) if self.active else "an app"
        return (
            f"{code[:40]} was NOT added: the payment request from {name} is its own sale. "
            "Scan it again after this payment."
        )

    def amount(self) -> Money:
        row = self._row()
        return Money(row.amount_minor, row.currency)

    def check_sale(self) -> None:
        """The current sale is exactly the request's line at the requested amount.

        Raises:
            DomainError: it is not (nothing is charged then); the cashier gives up and the app
                sends the request again.
        """
        row = self._row()
        cart = self.checkout.cart
        wanted = REQUEST_PRODUCT_PREFIX + row.id
        total = self.checkout.price(cart).total_minor
        if (
            len(cart.lines) != 1
            or cart.lines[0].item.product_id != wanted
            or cart.overrides
            or cart.line_discounts
            or cart.order_discount is not None
            or total != row.amount_minor
        ):
            raise DomainError(
                N_(
                    "This sale no longer matches the payment request ({total} instead of "
                    "{amount_minor} minor units): nothing was charged. Give up, and the "
                    "app can send the request again."
                ),
                total=total,
                amount_minor=row.amount_minor,
            )

    def pay_cash(self, tendered: Money) -> Sale:
        """Take cash for the request (change as usual) and store its sale.

        Raises:
            DomainError: the sale does not match the request, or the cash is short.
        """
        self.check_sale()
        return self._settled(self.checkout.pay_cash(tendered))

    def pay_other(self, kind: str) -> Sale:
        """Paid by another tender the app allowed (e.g. "invoice")."""
        self.check_sale()
        amount = self._row().amount_minor
        tender = Tender(OTHER, kind.capitalize(), amount, amount)
        return self._settled(
            self.checkout.complete_sale((tender.as_payment(self._row().currency),))
        )

    def begin_card(self, cards):
        """Start the card payment for exactly the requested amount (the checkout's card flow:
        saved before sending, an unknown outcome resolved by the cashier)."""
        self.check_sale()
        return cards.begin(self.amount())

    def _settled(self, sale: Sale) -> Sale:
        if sale.total_minor != self._row().amount_minor:  # check_sale makes this impossible
            raise DomainError(N_("The stored sale does not match the payment request."))
        return sale

    def give_up(self) -> None:
        """Not paid: drop the request's cart and decline (the app is told)."""
        row = self._row()
        if any(
            ln.item.product_id == REQUEST_PRODUCT_PREFIX + row.id for ln in self.checkout.cart.lines
        ):
            self.checkout.hand_over_cart()  # the app's own line, never a sale: no void
        self.api.decline(row.id)
        self.active = None

    def finish(self) -> None:
        """The request's sale was stored (or the request ended): the till is free again."""
        self.active = None

    def _row(self) -> RequestRow:
        if self.active is None:
            raise DomainError(N_("No payment request is being taken."))
        return self.active
