"""The checkout screen: entry field, cart, totals and the keys a cashier uses all day.

Keys: Up/Down/Page Up/Page Down select a line, F2 quantity, F3/Del remove line, F4 cancel
sale, F5-F8 quick cash, F1 payment (split tender), F10 discount, F11 card, F12 cash, Ctrl+S park
(suspend) / recall, Ctrl+R returns, Ctrl+G gift receipt of the last sale (F9 is the X report in
the staff menu). Sensitive actions ask ``self.approver(action, detail, object_id=...)`` for an
``Approval`` token and hand it to the service, which refuses the change without one.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import Money
from pos_desktop.domain.sale import Sale
from pos_desktop.domain.staff import Action
from pos_desktop.domain.tender import round_to_increment
from pos_desktop.services.card_payments import CardPaymentService
from pos_desktop.services.checkout import CheckoutService
from pos_desktop.services.formatting import money_text
from pos_desktop.services.i18n import N_, _, ngettext

from ..models.cart_model import CartTableModel
from ..tasks import InlineTaskRunner
from ..theme import icon
from ..widgets.fit_label import FitLabel
from ..widgets.shortcuts_first import ShortcutsFirst
from . import engine_actions
from .card_payment_dialog import CardPaymentDialog
from .cart_keys import CartKeys
from .pay_cash_dialog import PayCashDialog, quick_notes

log = logging.getLogger(__name__)
TOTALS_WIDTH = 220  # the totals column; the big total shrinks to fit it
MIN_BUTTON_WIDTH = 110  # five keys a row fit a 1024 px screen beside the demo receipt


def no_approver(_action: str, _detail: str, **_kw):
    """Until a staff session sets ``approver``, nobody approves anything (fail closed)."""
    return None


PRINTING = N_("Printing receipt...")  # main_window swaps it for the outcome


class _WeighRelay(QObject):
    weighed = Signal(object, object, object)  # item, kg or None, error text or None


class CheckoutView(QWidget):
    sale_completed = Signal(object)  # domain.sale.Sale
    refund_completed = Signal(object)  # storage.returns_repo.StoredRefund: print it
    gift_receipt_requested = Signal(object)  # domain.sale.Sale
    display_changed = Signal(object)  # ui.customer_facing.ShownTotals: for the customer

    def __init__(
        self,
        checkout: CheckoutService,
        locale: str,
        parent=None,
        cards: CardPaymentService | None = None,
        *,
        parking=None,
        returns=None,
        weighing=None,
        search=None,
        departments=None,
        quick_keys=None,
        customers=None,
        stock_counts=None,
        goods_receipts=None,
        dialogs: engine_actions.CheckoutDialogs | None = None,
        gift_cards=None,
        loyalty=None,
        email_receipts=None,
    ) -> None:
        super().__init__(parent)
        self.dialogs = dialogs or engine_actions.CheckoutDialogs()
        self.email_receipts = email_receipts  # services.email_receipts.EmailReceiptService
        self.gift_cards = gift_cards  # services.gift_cards.GiftCardService
        self.tasks = None  # the window's ui.tasks.TaskRunner (None: cloud calls run inline)
        self.loyalty = loyalty  # services.loyalty.LoyaltyService
        self.customer_points: dict[str, str] = {}  # customer id -> "120 points" (last answer)
        self.goods_receipts = goods_receipts  # services.goods_receipts.GoodsReceiptService
        self.stock_counts = stock_counts  # services.stock_counts.StockCountService
        self.customers = customers  # services.customers.CustomerService
        self.quick_keys = quick_keys  # services.quick_keys.QuickKeyService
        self.departments = departments  # services.departments.DepartmentService
        self.unknown_barcode: str | None = None  # the last scan no product has (Ctrl+D sells it)
        self.weighing = weighing  # services.weighing.WeighingService when a scale is set up
        self._weigh_relay = _WeighRelay(self)
        self._weigh_relay.weighed.connect(self.on_scale_weighed)
        self.checkout = checkout
        self.cards = cards
        self.locale = locale
        self.approver = no_approver  # the staff session sets the PIN dialog
        self.parking = parking  # services.parking.ParkingService
        self.returns = returns  # services.returns.ReturnsService
        self.last_sale: Sale | None = None
        # While another app's payment request owns the cart (pos_api_bridge), it takes the
        # scans (and refuses them); the main window asks it before any dialog.
        self.scan_target = None
        self.last_change: Money | None = None
        # What the last refund gave back: shown big until the next scan (not the sale's "Paid").
        self.last_refund: Money | None = None
        # Set while a payment runs: scans are refused (not queued) so nothing joins a cart
        # that is being paid for; the cashier scans the next customer's items afterwards.
        self.busy_reason: str | None = None
        # Asked before a scan rings up; the staff session opens a shift here when none is open.
        self.before_scan = lambda: True

        self.entry = QLineEdit()
        self.entry.setObjectName("scanEntry")
        self.entry.setPlaceholderText(_("Scan an item, or type a barcode / SKU and press Enter"))
        self.entry.setAccessibleName("Barcode or SKU")
        self.entry.returnPressed.connect(self.on_entry_return_pressed)
        self.search_results = None  # type-ahead under the entry (storage.product_search)
        if search is not None:
            from ..widgets.search_results import SearchResults

            self.search_results = SearchResults(
                self.entry, search, checkout.settings.currency, locale, self
            )
            self.search_results.picked.connect(self.add_code)  # a SKU, as if typed
        self.message = QLabel(_("Ready: scan the first item."))
        self.message.setObjectName("message")
        self.message.setProperty("kind", "info")
        self.message.setWordWrap(True)

        self.model = CartTableModel(checkout, locale, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.verticalHeader().setDefaultSectionSize(44)  # a finger picks a row
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed widths: ResizeToContents re-measured every row on every scan (most of the
        # scan-to-screen time on long carts).
        self.table.ensurePolished()  # the stylesheet sets the font size
        metrics = self.table.fontMetrics()
        # Sized for usual amounts so the item name keeps room on a 1024 px screen.
        for col, sample in ((1, "99.999 kg"), (2, "9,999.99"), (3, "99,999.99")):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(col, metrics.horizontalAdvance(sample) + 16)

        self.subtotal_label = QLabel()
        self.subtotal_label.setObjectName("subtotalLabel")
        self.tax_label = QLabel()
        self.tax_label.setObjectName("taxLabel")
        self.total_caption = QLabel(_("Total"))
        self.total_caption.setObjectName("totalCaption")
        self.total_label = FitLabel()  # shrinks a long total instead of widening the window
        self.total_label.setObjectName("totalLabel")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.savings_label = QLabel()
        self.savings_label.setObjectName("savingsLabel")
        self.points_label = QLabel()  # what the sale earns the attached customer
        self.points_label.setObjectName("pointsLabel")

        totals = QVBoxLayout()
        totals.addWidget(self.subtotal_label)
        totals.addWidget(self.tax_label)
        totals.addWidget(self.savings_label)
        totals.addWidget(self.points_label)
        totals.addWidget(self.total_caption)
        totals.addWidget(self.total_label)

        self.buttons: dict[str, QPushButton] = {}
        actions = QGridLayout()
        specs = [
            ("qty", _("Quantity\n(F2)"), "F2", self.on_quantity_clicked),
            ("remove", _("Remove line\n(F3 / Del)"), "F3", self.on_remove_clicked),
            ("cancel", _("Cancel sale\n(F4)"), "F4", self.on_cancel_clicked),
        ]
        for i, (key, text, shortcut, slot) in enumerate(specs):
            self.buttons[key] = self._button(text, shortcut, slot)
            actions.addWidget(self.buttons[key], 0, i)
        self.quick_buttons: list[QPushButton] = []
        for i in range(4):
            button = self._button("", f"F{5 + i}", lambda _=False, k=i: self.on_quick_cash(k))
            button.setObjectName("quickCash")
            self.quick_buttons.append(button)
            actions.addWidget(button, 1, i + (1 if i == 3 else 0), 1, 2 if i == 3 else 1)
        self.pay_button = self._button(_("Pay cash\n(F12)"), "F12", self.on_pay_clicked)
        self.pay_button.setIcon(icon("cash"))
        self.pay_button.setObjectName("payButton")
        actions.addWidget(self.pay_button, 0, 3)
        self.card_button = self._button(_("Card\n(F11)"), "F11", self.on_card_clicked)
        self.card_button.setIcon(icon("card"))
        self.card_button.setObjectName("payButton")
        actions.addWidget(self.card_button, 0, 4)
        more = [
            ("tender", _("Payment\n(F1)"), "F1", self.on_tender_clicked),
            ("discount", _("Discount\n(F10)"), "F10", self.on_discount_clicked),
            ("park", _("Park / recall\n(Ctrl+S)"), "Ctrl+S", self.on_park_clicked),
            ("returns", _("Returns\n(Ctrl+R)"), "Ctrl+R", self.on_returns_clicked),
            ("gift", _("Gift receipt\n(Ctrl+G)"), "Ctrl+G", self.on_gift_clicked),
        ]
        for i, (key, text, shortcut, slot) in enumerate(more):
            self.buttons[key] = self._button(text, shortcut, slot)
            actions.addWidget(self.buttons[key], 2, i)
        QShortcut(QKeySequence("Ctrl+D"), self, self.on_department_clicked)
        QShortcut(QKeySequence("Ctrl+F"), self, self.on_price_check_clicked)
        QShortcut(QKeySequence("Ctrl+K"), self, self.on_quick_keys_clicked)
        QShortcut(QKeySequence("Ctrl+U"), self, self.on_customer_clicked)
        QShortcut(QKeySequence("Ctrl+Shift+C"), self, self.on_stock_count_clicked)
        QShortcut(QKeySequence("Ctrl+Shift+G"), self, self.on_goods_receipt_clicked)
        QShortcut(QKeySequence("Ctrl+Shift+V"), self, self.on_gift_card_clicked)
        QShortcut(QKeySequence("Ctrl+E"), self, self.on_email_receipt_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self, self.on_remove_clicked)
        self.cart_keys = CartKeys(self.entry, self.table, self.on_remove_clicked)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.entry.clear)
        ShortcutsFirst(self.entry, self)  # Ctrl+U, Ctrl+E on X11 (the field claims them)

        # Totals beside the cart, the keys across the full width below: the screen fits 1024 px.
        totals_box = QWidget()
        totals_box.setLayout(totals)
        totals_box.setFixedWidth(TOTALS_WIDTH)
        middle = QHBoxLayout()
        middle.addWidget(self.table, 1)
        middle.addWidget(totals_box)
        for column in range(5):
            actions.setColumnStretch(column, 1)
        labels = (self.subtotal_label, self.tax_label, self.savings_label, self.points_label)
        for label in (*labels, self.total_caption):
            label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.entry)
        if self.search_results is not None:
            layout.addWidget(self.search_results)
        layout.addWidget(self.message)
        layout.addLayout(middle, 1)
        layout.addLayout(actions)
        self.refresh()

    def _button(self, text: str, shortcut: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        button.setMinimumWidth(MIN_BUTTON_WIDTH)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the entry field keeps the focus
        button.clicked.connect(slot)
        QShortcut(QKeySequence(shortcut), self, slot)
        return button

    # -- display ----------------------------------------------------------------------------

    def _money(self, amount: Money) -> str:
        return money_text(amount, self.locale)

    def refresh(self, select_line_id: str | None = None) -> None:
        priced = self.checkout.price()
        self.model.refresh(priced)
        totals = self.checkout.totals(priced)
        self.subtotal_label.setText(
            _("Subtotal (net)  {subtotal}").format(subtotal=self._money(totals.subtotal))
        )
        self.tax_label.setText(_("Tax  {tax}").format(tax=self._money(totals.tax)))
        saved = Money(priced.savings_minor, priced.currency)
        self.savings_label.setText(
            _("You save  {saved}").format(saved=self._money(saved)) if saved.amount_minor else ""
        )
        self._show_points_earned(priced)
        if self.checkout.cart.is_empty and self.last_refund is not None:
            self.total_caption.setText(_("Give back"))
            self.total_label.setText(money_text(self.last_refund, self.locale, symbol=True))
        elif self.checkout.cart.is_empty and self.last_sale is not None and self.last_change:
            # Until the next scan the big number is what the cashier must do now.
            paid = self.last_change.amount_minor > 0
            self.total_caption.setText(_("Change due") if paid else _("Paid"))
            shown = (
                self.last_change
                if paid
                else Money(self.last_sale.total_minor, self.last_sale.currency)
            )
            self.total_label.setText(money_text(shown, self.locale, symbol=True))
        else:
            count = totals.item_count.normalize()
            # gettext chooses the form by a whole number (0 items, 1 item; 0 article in French);
            # a weighed amount such as 0.75 takes the plural
            whole = int(count) if count == count.to_integral_value() else 2
            self.total_caption.setText(
                ngettext("Total  ({count} item)", "Total  ({count} items)", whole).format(
                    count=f"{count:f}"
                )
            )
            self.total_label.setText(money_text(totals.total, self.locale, symbol=True))
        has_items = not self.checkout.cart.is_empty
        for key in ("qty", "remove", "cancel"):
            self.buttons[key].setEnabled(has_items)
        self.pay_button.setEnabled(has_items)
        self.card_button.setEnabled(has_items and self.cards is not None and self.cards.available)
        for key in ("tender", "discount"):
            self.buttons[key].setEnabled(has_items)
        self.buttons["park"].setEnabled(self.parking is not None)
        self.buttons["returns"].setEnabled(self.returns is not None)
        self.buttons["gift"].setEnabled(self.last_sale is not None)
        notes = quick_notes(self.cash_due(priced)) if has_items else []
        for i, button in enumerate(self.quick_buttons):
            if i < len(notes):
                label = (
                    _("Exact cash")
                    if i == 0
                    else _("Cash {amount}").format(amount=self._money(notes[i]))
                )
                button.setText(label + f"\n(F{5 + i})")
                button.setEnabled(True)
            else:
                button.setText(f"(F{5 + i})")
                button.setEnabled(False)
        rows = self.model.rowCount()
        if rows:
            row = rows - 1
            if select_line_id:
                row = next(
                    (r for r in range(rows) if self.model.line_id_at(r) == select_line_id), row
                )
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))
        self._announce(rows)

    def _announce(self, rows: int) -> None:
        """Tell the customer-facing displays what the cashier's screen now shows."""
        from ..customer_facing import ShownTotals

        selected = self.table.selectionModel().selectedRows() if rows else []
        row = selected[0].row() if selected else None
        self.display_changed.emit(
            ShownTotals(
                caption=self.total_caption.text(),
                amount=self.total_label.text(),
                savings=self.savings_label.text(),
                last_item=None if row is None else self.checkout.cart.lines[row].item.name,
                last_amount=None if row is None else str(self.model.index(row, 3).data()),
                cart_empty=self.checkout.cart.is_empty,
                customer=self._customer_label(),
            )
        )

    def _show_points_earned(self, priced) -> None:
        """What the cart earns the attached customer if paid now, bonus promotions included."""
        points = None
        if self.loyalty is not None and not self.checkout.cart.is_empty:
            points = self.loyalty.cart_points(priced)
        self.points_label.setText(
            ngettext("Earns {points} point", "Earns {points} points", points).format(points=points)
            if points
            else ""
        )

    def _customer_label(self) -> str | None:
        customer = self.checkout.cart.customer
        if customer is None:
            return None
        points = self.customer_points.get(customer.customer_id)
        # The status bar has room for about 36 letters at 1024 px: a long name is shortened
        # (the chip's tooltip has it whole), and with points the "Customer:" goes.
        name = customer.name if len(customer.name) <= 16 else customer.name[:15].rstrip() + "…"
        if not points:
            return _("Customer: {customer}").format(customer=name)
        tier = self.loyalty.tier(customer.customer_id) if self.loyalty else None
        if tier is not None:
            return _("{name} · {tier} · {points}").format(name=name, tier=tier[0], points=points)
        return f"{name} · {points}"

    def _ask_points(self) -> None:
        """The attached customer's points, asked whenever they are attached: the cloud's
        figure (asked on the window's worker thread, so scanning goes on while it answers)
        plus what this till has not sent yet."""
        customer = self.checkout.cart.customer
        loyalty = self.loyalty
        if customer is None or loyalty is None or loyalty.per_unit <= 0:
            return
        customer_id = customer.customer_id
        if not loyalty.in_cloud:
            self._show_points(customer_id, None)
            return
        self.customer_points.setdefault(customer_id, _("asking for points…"))
        tasks = self.tasks or InlineTaskRunner()
        tasks.run(  # the points and what the customer earned in 365 days (their tier)
            lambda: loyalty.cloud_standing(customer_id),
            lambda standing: self._show_points(customer_id, standing),
            lambda _err: self._show_points(customer_id, None),
        )

    def _show_points(self, customer_id: str, standing: tuple[int, int] | None) -> None:
        """``standing``: the cloud's (points, earned in 365 days); None: offline (no tier)."""
        confirmed, earned = standing if standing is not None else (None, None)
        if self.loyalty is not None:
            self.loyalty.remember_earned(customer_id, earned)
        # What this till has not sent yet is read with the answer (on the GUI thread, like
        # every db read), not before the question: a push meanwhile would count it twice.
        pending = self.loyalty.pending_points(customer_id) if self.loyalty is not None else 0
        if confirmed is None:
            self.customer_points[customer_id] = _("points: offline")
        else:
            total = confirmed + pending
            self.customer_points[customer_id] = ngettext(
                "{count} point", "{count} points", total
            ).format(count=total)
        self._announce(self.model.rowCount())

    def show_message(self, text: str, *, error: bool = False) -> None:
        if error:  # what the cashier was told, for whoever looks into a problem later
            log.info("told the cashier: %s", text)
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)

    def selected_line_id(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        row = rows[0].row() if rows else self.model.rowCount() - 1
        return self.model.line_id_at(row)

    # -- input ------------------------------------------------------------------------------

    def cash_due(self, priced=None) -> Money:
        """What the customer hands over if cash pays it all (cash rounding applied)."""
        priced = priced or self.checkout.price()
        increment = self.checkout.checkout_settings.cash_increment_minor
        return Money(round_to_increment(priced.total_minor, increment), priced.currency)

    def on_scanner_scanned(self, code: str) -> None:
        """A scanner burst with no dialog open: it rings up here whichever widget has the
        focus (the main window routes scans to an open dialog first)."""
        if self.scan_target is not None:
            self.scan_target(code)
            return
        self.add_code(code)

    def on_entry_return_pressed(self) -> None:
        code = self.entry.text().strip()
        self.entry.clear()
        if code:
            self.add_code(code)

    def add_code(self, code: str) -> None:
        if self.busy_reason:
            self.show_message(
                _("{code} was NOT added: {busy_reason}. Scan it again afterwards.").format(
                    code=code, busy_reason=self.busy_reason
                ),
                error=True,
            )
            return
        if not self.before_scan():
            return
        self.forget_last_customer()
        result = self.checkout.scan(code)
        self.unknown_barcode = None
        if result.unknown_gtin is not None and self.departments is not None:
            self.unknown_barcode = result.unknown_gtin
            self.departments.record_unknown(result.unknown_gtin)
            self.show_message(
                _("{message} Or press Ctrl+D to sell it as a department item.").format(
                    message=result.message
                ),
                error=True,
            )
            return
        if result.ok:
            line = result.line
            text = f"{line.item.name}  {self._money(Money(line.amount_minor, line.item.currency))}"
            if result.warning:
                self.show_message(f"{result.warning} {text}", error=True)
            else:
                self.show_message(text)
            self.refresh(select_line_id=line.line_id)
        elif result.needs_weight is not None:
            self.weigh_and_add(result.needs_weight)
        else:
            self.show_message(result.message, error=True)

    # -- weighed items -------------------------------------------------------------------------

    def weigh_and_add(self, item) -> None:
        """Read the scale (when there is one) or ask for the weight, then add the item."""
        per_kg = self._money(Money(item.unit_price_minor, item.currency))
        if self.weighing is not None:
            self.busy_reason = f"{item.name} is being weighed"
            self.show_message(
                _("Weighing {name} ({per_kg}/kg): keep it still on the scale...").format(
                    name=item.name, per_kg=per_kg
                )
            )
            self.weighing.weigh(lambda kg, err: self._weigh_relay.weighed.emit(item, kg, err))
            return
        typed, ok = QInputDialog.getText(
            self,
            _("Weight"),
            _("{name} is sold by weight ({per_kg}/kg).\nWeight in kg (for example 0.345):").format(
                name=item.name, per_kg=per_kg
            ),
        )
        if ok and typed.strip():
            self._add_weighed(item, typed.strip())
        else:
            self.show_message(
                _("{name} was not added: no weight.").format(name=item.name), error=True
            )

    def on_scale_weighed(self, item, kg, error) -> None:
        self.busy_reason = None
        if error:
            self.show_message(
                _("{name} was not added: {error} Scan it again to retry.").format(
                    name=item.name, error=error
                ),
                error=True,
            )
            return
        self._add_weighed(item, kg)

    def _add_weighed(self, item, weight) -> None:
        try:
            line = self.checkout.add_weighed(item, weight)
        except DomainError as err:
            self.show_message(str(err), error=True)
            return
        amount = self._money(Money(line.amount_minor, item.currency))
        self.show_message(
            _("{name}  {quantity} kg  {amount}").format(
                name=item.name, quantity=line.quantity, amount=amount
            )
        )
        self.refresh(select_line_id=line.line_id)

    def on_quantity_clicked(self) -> None:
        line_id = self.selected_line_id()
        if line_id is None:
            return
        typed = self.entry.text().strip()
        if not typed:
            line = self.checkout.cart.line(line_id)
            typed, ok = QInputDialog.getText(
                self,
                _("Quantity"),
                _("New quantity for {name}:").format(name=line.item.name),
                text=str(line.quantity),
            )
            if not ok:
                return
        self.entry.clear()
        line = self.checkout.cart.line(line_id)
        name, before = line.item.name, line.quantity
        approval = None
        try:
            if self.checkout.lowers_quantity(line_id, typed):  # a partial void
                detail = f"{name}: {before} -> {typed.strip()}"
                approval, why = self._ask(Action.VOID_LINE, detail, object_id=line_id)
                if approval is None:
                    self.show_message(
                        _("{name} stays at {before}: lowering it was not approved.{why}").format(
                            name=name, before=before, why=why
                        ),
                        error=True,
                    )
                    return
            line = self.checkout.set_quantity(line_id, typed, approval)
        except DomainError as err:
            self.show_message(str(err), error=True)
            return
        self.show_message(
            _("{name}: quantity {quantity}").format(name=line.item.name, quantity=line.quantity)
        )
        self.refresh(select_line_id=line_id)

    def _ask(self, action: Action, detail: str, **kw):
        """The approver's token, and what it said on this screen when it refused (kept)."""
        before = self.message.text()
        approval = self.approver(action, detail, **kw)
        said = self.message.text()
        return approval, (f" {said}" if approval is None and said != before else "")

    def on_remove_clicked(self) -> None:
        line_id = self.selected_line_id()
        if line_id is None:
            return
        name = self.checkout.cart.line(line_id).item.name
        approval, why = self._ask(Action.VOID_LINE, f"Remove {name}", object_id=line_id)
        if approval is None:
            self.show_message(
                _("{name} was not removed: not approved.{why}").format(name=name, why=why),
                error=True,
            )
            return
        try:
            line = self.checkout.remove_line(line_id, approval)
        except DomainError as err:
            self.show_message(str(err), error=True)
            return
        self.show_message(_("Removed {name}.").format(name=line.item.name))
        self.refresh()

    def on_cancel_clicked(self) -> None:
        if self.checkout.cart.is_empty:
            return
        answer = QMessageBox.question(
            self, _("Cancel sale"), _("Cancel this sale and empty the cart?")
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        total = self._money(self.checkout.totals().total)
        approval, why = self._ask(Action.CANCEL_SALE, f"Cancel a sale of {total}")
        if approval is None:
            self.show_message(
                _("The sale was not cancelled: not approved.{why}").format(why=why), error=True
            )
            return
        try:
            self.checkout.cancel_sale(approval)
        except DomainError as err:
            self.show_message(str(err), error=True)
            return
        self.show_message(_("Sale cancelled."))
        self.refresh()

    def on_quick_cash(self, index: int) -> None:
        if self.checkout.cart.is_empty:
            return
        notes = quick_notes(self.cash_due())
        if index < len(notes):
            self.complete_cash(notes[index])

    def on_pay_clicked(self) -> None:
        if self.checkout.cart.is_empty:
            self.show_message(_("The cart is empty: scan an item first."), error=True)
            return
        dialog = PayCashDialog(self.cash_due(), self.locale, self)
        if dialog.exec() and dialog.tendered is not None:
            self.complete_cash(dialog.tendered)
        self.entry.setFocus()

    def on_card_clicked(self, split=None) -> None:
        """Card for the whole total, or (``split``) the last tender paying the rest."""
        if self.cards is None or self.checkout.cart.is_empty:
            return
        try:
            if split is not None:
                attempt = self.cards.begin(
                    None, split.payments(), rounding_minor=split.rounding_minor
                )
            else:
                attempt = self.cards.begin()
        except DomainError as err:
            self.show_message(str(err), error=True)
            return
        self.busy_reason = _("a card payment is in progress")
        try:
            dialog = CardPaymentDialog(self.cards, attempt, self.locale, self)
            dialog.exec()
        finally:
            self.busy_reason = None
        settlement = dialog.settlement
        self.entry.setFocus()
        sold = settlement is not None and settlement.sale is not None
        if split is not None and not sold and not self.cards.open_payments():
            # Declined or cancelled for certain: gift cards and points taken before the card
            # are given back (an unresolved payment keeps them: it may still be approved).
            for service in (self.gift_cards, self.loyalty):
                if service is not None:
                    service.release_open(split)
        if sold:
            self.sale_paid(settlement.sale, settlement.message)
        elif settlement is not None:
            self.show_message(
                _("{message} The cart is kept: take another tender.").format(
                    message=settlement.message
                ),
                error=True,
            )
            self.refresh()

    # -- engine actions (dialogs live in engine_actions to keep this file small) -------------

    def on_tender_clicked(self) -> None:
        engine_actions.take_tenders(self)

    def on_discount_clicked(self) -> None:
        engine_actions.discount(self)

    def on_park_clicked(self) -> None:
        engine_actions.park_or_recall(self)

    def on_returns_clicked(self) -> None:
        engine_actions.returns(self)

    def on_department_clicked(self) -> None:
        engine_actions.sell_by_department(self)

    def on_customer_clicked(self) -> None:
        if self.customers is None:
            return
        from .customer_dialog import CustomerDialog

        CustomerDialog(
            self.customers, self.locale, cashier=self.checkout.cashier, parent=self
        ).exec()
        self._ask_points()
        self.refresh()
        self.entry.setFocus()

    def on_email_receipt_clicked(self) -> None:
        engine_actions.email_receipt(self)

    def on_gift_card_clicked(self) -> None:
        engine_actions.gift_card(self)

    def on_quick_keys_clicked(self) -> None:
        if self.quick_keys is None:
            return
        from .quick_keys_dialog import QuickKeysDialog

        dialog = QuickKeysDialog(self, self.quick_keys)
        # takes the dialog's own message setter: a closure over the dialog would be a cycle
        dialog.approve_editing = lambda show: self.approve_screen(
            Action.EDIT_QUICK_KEYS,
            "Only a manager can change the keys: log in as one (Ctrl+L).",
            show,
        )
        dialog.exec()
        self.entry.setFocus()

    def on_stock_count_clicked(self) -> None:
        if self.stock_counts is None:
            return
        approval = self.approve_screen(
            Action.STOCK_COUNT, _("Stock counts are for a manager: log in as one (Ctrl+L).")
        )
        if approval is None:
            return
        from .stock_count_dialog import StockCountDialog

        dialog = StockCountDialog(self.stock_counts, approval.requester, self, approval=approval)
        if dialog.exec():
            self.show_message(dialog.message.text())
        self.entry.setFocus()

    def on_goods_receipt_clicked(self) -> None:
        if self.goods_receipts is None:
            return
        approval = self.approve_screen(
            Action.RECEIVE_GOODS, _("Receiving goods is for a manager: log in as one (Ctrl+L).")
        )
        if approval is None:
            return
        from .goods_receipt_dialog import GoodsReceiptDialog

        dialog = GoodsReceiptDialog(
            self.goods_receipts,
            approval.requester,
            self.checkout.settings.currency,
            self.locale,
            self,
            approval=approval,
        )
        if dialog.exec():
            self.show_message(dialog.message.text())
        self.entry.setFocus()

    def approve_screen(self, action: Action, refusal: str, show=None):
        """The store's policy on a manager's screen (``staff.MANAGER_SCREENS``), asked through
        the window's staff session: an ``Approval`` token, or None after showing ``refusal``."""
        staff = getattr(self.window(), "staff", None)
        if staff is None:
            (show or (lambda text: self.show_message(text, error=True)))(refusal)
            return None
        return staff.approve_screen(action, refusal, show)

    def on_price_check_clicked(self) -> None:
        if self.search_results is None:
            return
        from .price_check_dialog import PriceCheckDialog

        PriceCheckDialog(
            self.checkout,
            self.search_results.search,
            self.locale,
            self,
            print_label=getattr(self, "print_shelf_label", None),
        ).exec()
        self.entry.setFocus()

    def on_gift_clicked(self) -> None:
        if self.last_sale is not None:
            self.gift_receipt_requested.emit(self.last_sale)
            self.show_message(
                _("Gift receipt for sale {receipt_number} printing.").format(
                    receipt_number=self.last_sale.receipt_number
                )
            )

    def forget_last_customer(self) -> None:
        """Drop the last sale's or refund's big display (the next customer, a locked screen)."""
        self.last_change = None
        self.last_refund = None

    def refund_given(self, payout: Money, message: str) -> None:
        """A refund was saved: the big display says what to give back, until the next scan."""
        self.forget_last_customer()
        self.last_refund = payout
        self.show_message(message)
        self.refresh()

    def sale_paid(self, sale: Sale, message: str) -> None:
        self.last_sale = sale
        self.last_refund = None
        self.last_change = Money(sale.change_minor, sale.currency)
        self.show_message(
            _("Sale {receipt_number} saved. {message}").format(
                receipt_number=sale.receipt_number, message=message
            )
            + " "
            + _(PRINTING)
        )
        self.refresh()
        self.sale_completed.emit(sale)

    def complete_cash(self, tendered: Money) -> Sale | None:
        try:
            sale = self.checkout.pay_cash(tendered)
        except DomainError as err:
            self.show_message(str(err), error=True)
            return None
        except Exception as err:  # storage failure: the sale is NOT saved, the cart stays
            self.show_message(
                _(
                    "The sale could not be saved ({err}); nothing was charged. Try again or "
                    "call a manager."
                ).format(err=err),
                error=True,
            )
            return None
        self.sale_paid(sale, f"Change {self._money(Money(sale.change_minor, sale.currency))}.")
        return sale
