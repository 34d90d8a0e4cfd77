"""The checkout view's engine actions: split tender, discounts, park/recall, returns.

Kept apart from ``checkout_view`` so that screen stays small; each function takes the view.
The dialogs come from the view's :class:`CheckoutDialogs` (injected: a test hands in scripted
ones); the returns dialog is handed the tender dialog it takes an exchange's difference with.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QInputDialog, QMessageBox

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.refund import STORE_CREDIT
from pos_desktop.domain.staff import Action, reason_code_for
from pos_desktop.services.auth import ApprovalRequired
from pos_desktop.services.i18n import _

from .discount_dialog import LINE, OVERRIDE, REMOVE, DiscountDialog
from .parked_sales_dialog import ParkedSalesDialog
from .returns_view import ReturnsDialog
from .tender_dialog import CARD_REST, PAID, TenderDialog


@dataclass(frozen=True, slots=True)
class CheckoutDialogs:
    """The dialog classes the checkout's actions open (F1, F10, Ctrl+S, Ctrl+R)."""

    tender: type[TenderDialog] = TenderDialog
    discount: type[DiscountDialog] = DiscountDialog
    parked_sales: type[ParkedSalesDialog] = ParkedSalesDialog
    returns: type[ReturnsDialog] = ReturnsDialog


def take_tenders(view) -> None:
    """F1: split tender. Settled: store the sale. Card for the rest: run the terminal."""
    if view.checkout.cart.is_empty:
        view.show_message(_("The cart is empty: scan an item first."), error=True)
        return
    card = view.cards is not None and view.cards.available
    dialog = view.dialogs.tender(
        view.checkout,
        view.locale,
        view,
        card_available=card,
        gift_cards=view.gift_cards,
        loyalty=view.loyalty,
        tasks=view.tasks,
    )
    dialog.exec()
    view.entry.setFocus()
    if dialog.outcome == PAID:
        try:
            sale = view.checkout.complete_split(dialog.split)
        except DomainError as err:
            view.show_message(_("{error} Nothing was stored.").format(error=err), error=True)
            return
        change = Money(sale.change_minor, sale.currency)
        view.sale_paid(sale, _("Change {amount}.").format(amount=view._money(change)))
    elif dialog.outcome == CARD_REST:
        view.on_card_clicked(dialog.split if dialog.split.tenders else None)


def discount(view) -> None:
    """F10: a line or order discount, or a new price for the selected line."""
    checkout = view.checkout
    if checkout.cart.is_empty:
        return
    line_id = view.selected_line_id()
    name = checkout.cart.line(line_id).item.name if line_id else None
    dialog = view.dialogs.discount(
        name, checkout.settings.currency, checkout.checkout_settings.override_reasons, view
    )
    if not dialog.exec():
        view.entry.setFocus()
        return
    try:
        _apply_discount(view, dialog, line_id)
    except DomainError as err:
        view.show_message(str(err), error=True)
    else:
        view.show_message(
            _("Discount applied.") if dialog.target != REMOVE else _("Discounts removed.")
        )
    view.refresh(select_line_id=line_id)
    view.entry.setFocus()


def _apply_discount(view, dialog, line_id) -> None:
    """Apply what the discount dialog chose; an approval is asked only when the service says
    so, with the reason typed in the discount dialog (not asked again)."""
    checkout, target = view.checkout, dialog.target
    if target == OVERRIDE:
        price = view._money(dialog.price)
        approval = view.approver(
            Action.PRICE_OVERRIDE,
            _("{item}: new price {price} ({reason})").format(
                item=checkout.cart.line(line_id).item.name, price=price, reason=dialog.reason
            ),
            object_id=line_id,
            reason=reason_code_for(Action.PRICE_OVERRIDE, dialog.reason),
            note=dialog.reason,
        )
        if approval is None:
            raise DomainError(_("The price change was not approved; the price is unchanged."))
        checkout.override_price(line_id, dialog.price.amount_minor, dialog.reason, approval)
        return
    if target == REMOVE:
        if line_id:
            checkout.set_line_discount(line_id, None)
        checkout.set_order_discount(None)
        return

    def put(approval=None) -> None:
        if target == LINE:
            checkout.set_line_discount(line_id, dialog.discount, approval)
        else:
            checkout.set_order_discount(dialog.discount, approval)

    try:
        put()
    except ApprovalRequired as needed:
        approval = view.approver(
            Action.DISCOUNT_OVER_LIMIT,
            str(needed),
            object_id=line_id if target == LINE else None,
            reason=reason_code_for(Action.DISCOUNT_OVER_LIMIT, dialog.reason),
            note=dialog.reason,
        )
        if approval is None:
            raise DomainError(_("The discount was not approved; it was not applied.")) from None
        put(approval)


def park_or_recall(view) -> None:
    """Ctrl+S: with items, park them under a label; with an empty cart, list parked sales."""
    if view.parking is None:
        return
    if not view.checkout.cart.is_empty:
        label, ok = QInputDialog.getText(
            view, _("Park sale"), _("Label (e.g. the customer's name):")
        )
        if not ok:
            return
        try:
            parked = view.parking.park(label=label or _("Parked sale"))
        except DomainError as err:
            view.show_message(str(err), error=True)
            return
        view.forget_last_customer()
        view.show_message(
            _("Sale parked as '{label}'. Recall it with Ctrl+S.").format(label=parked.label)
        )
        view.refresh()
        return
    dialog = view.dialogs.parked_sales(view.parking, view.locale, view, approver=view.approver)
    dialog.exec()
    if dialog.recalled is not None:
        view.forget_last_customer()
        view.show_message(_("Recalled '{label}'.").format(label=dialog.recalled.label))
    view.refresh()
    view.entry.setFocus()


def sell_by_department(view, department: str | None = None) -> None:
    """Ctrl+D: an open-price line for a department (for the last unknown barcode, if any);
    ``department`` preselects one (a quick key)."""
    if view.departments is None:
        return
    if view.busy_reason:
        view.show_message(_("Not now: {reason}.").format(reason=view.busy_reason), error=True)
        return
    from .department_dialog import DepartmentDialog

    barcode, view.unknown_barcode = view.unknown_barcode, None
    dialog = DepartmentDialog(
        view.departments,
        view.checkout.settings.currency,
        view.locale,
        barcode=barcode,
        preselect=department,
        approve=lambda detail: view.approver(
            Action.SELL_UNKNOWN_BARCODE, detail, object_id=barcode, pin_only_if_needed=True
        ),
        parent=view,
    )
    if dialog.exec() and dialog.line is not None:
        view.last_change = None
        view.show_message(_("Added {line}.").format(line=dialog.added_text()))
        view.refresh(select_line_id=dialog.line.line_id)
    view.entry.setFocus()


def email_receipt(view) -> None:
    """Ctrl+E: e-mail the last sale's receipt to its customer, once they agree."""
    service, sale = view.email_receipts, view.last_sale
    if service is None:
        return
    if sale is None:
        view.show_message(_("Pay a sale first: Ctrl+E e-mails the last receipt."), error=True)
        return
    try:
        to = service.recipient(sale)
    except DomainError as err:
        view.show_message(str(err), error=True)
        return
    asked = QMessageBox.question(
        view,
        _("E-mail the receipt?"),
        _(
            "Ask the customer: send receipt {number} to {address}? (Their answer is "
            "recorded; they get receipts by e-mail from now on.)"
        ).format(number=sale.receipt_number, address=to),
    )
    view.entry.setFocus()
    if asked != QMessageBox.StandardButton.Yes:
        view.show_message(_("The receipt was not e-mailed."))
        return
    service.send(sale, view.checkout.cashier)
    view.show_message(
        _("Receipt {number} will be e-mailed to {address}.").format(
            number=sale.receipt_number, address=to
        )
    )


def gift_card(view) -> None:
    """Ctrl+Shift+V: check a gift card's balance, or sell / top one up on this sale."""
    if view.gift_cards is None:
        return
    if view.busy_reason:
        view.show_message(_("Not now: {reason}.").format(reason=view.busy_reason), error=True)
        return
    from .gift_card_dialog import GiftCardDialog

    dialog = GiftCardDialog(
        view.gift_cards, view.checkout.settings.currency, view.locale, view, tasks=view.tasks
    )
    if dialog.exec() and dialog.sold is not None:
        view.show_message(
            _("Gift card {code} added: it is loaded once the sale is paid.").format(
                code=dialog.sold
            )
        )
    dialog.deleteLater()  # its F5 must not stay bound beside the next dialog's
    view.refresh()
    view.entry.setFocus()


def returns(view) -> None:
    """Ctrl+R: find the receipt (scan its barcode), choose lines, refund."""
    if view.returns is None:
        return
    dialog = view.dialogs.returns(
        view.returns,
        view.checkout,
        view.locale,
        view.approver,
        view,
        tender_dialog=view.dialogs.tender,
        gift_cards=view.gift_cards,
        tasks=view.tasks,
    )
    dialog.exec()  # scans reach it through the main window while it is open
    stored = dialog.stored
    if dialog.exchange_sale is not None:
        sale = dialog.exchange_sale
        view.refund_completed.emit(stored)
        net = stored.refund.payout_minor - sum(
            t.amount_minor for t in stored.refund.tenders if t.kind == "exchange"
        )
        if net:
            done = _("Exchange done: give back {amount}.").format(
                amount=view._money(Money(net, sale.currency))
            )
        else:
            done = _("Exchange done: nothing back.")
        view.sale_paid(sale, done)
    elif stored is not None:
        credit = [t for t in stored.refund.tenders if t.name == STORE_CREDIT]
        payout = Money(
            stored.refund.payout_minor - sum(t.amount_minor for t in credit), stored.currency
        )
        text = _("Refund {number} saved: give back {amount}. Printing the refund slip...")
        if credit and payout.amount_minor:
            text = _(
                "Refund {number} saved: {credit} loaded onto gift card {code}, hand it over "
                "with the refund slip; give back {amount}."
            )
        elif credit:
            text = _(
                "Refund {number} saved: {credit} loaded onto gift card {code}, hand it over "
                "with the refund slip."
            )
        view.refund_given(
            payout,
            text.format(
                number=stored.receipt_number,
                amount=view._money(payout),
                credit=view._money(Money(sum(t.amount_minor for t in credit), stored.currency)),
                code=credit[0].reference if credit else "",
            ),
        )
        view.refund_completed.emit(stored)
    view.entry.setFocus()
