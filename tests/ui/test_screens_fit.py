"""Every main screen and dialog (the Devices screen and the X/Z report viewer too) fits 1024x768,
1280x800 and 1366x768 with nothing clipped.

A layout check, not a journey: it sets the state each screen shows directly.

Rendered with the till's stylesheet. A screen fails when the window cannot be as small as the
screen, a widget lies outside its window, a label's text is wider than the label (or taller,
when it wraps), a button's text does not fit the button, or a control a finger presses
(button, drop-down, field, spin box, radio or check box) is less than 44 px high.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableView,
    QWidget,
)

from pos_desktop.domain.money import Money
from pos_desktop.domain.staff import Action
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.ui.theme import stylesheet
from pos_desktop.ui.widgets.fit_label import FitLabel
from tests.journeys.conftest import journey  # noqa: F401, F811 (the fixture: the till as it starts)

SCREENS = [(1024, 768), (1280, 800), (1366, 768)]
MIN_TOUCH_PX = 44
TOUCH_CONTROLS = (QAbstractButton, QComboBox, QLineEdit, QAbstractSpinBox)


def problems(top: QWidget, screen: tuple[int, int]) -> list[str]:
    """What is clipped on ``top`` (a window or dialog shown at most ``screen`` big)."""
    found = []
    frame = top.frameGeometry()
    if frame.width() > screen[0] or frame.height() > screen[1]:
        found.append(f"{type(top).__name__} is {frame.width()}x{frame.height()}, screen {screen}")
    inside = top.rect()
    for widget in top.findChildren(QWidget):
        if not widget.isVisibleTo(top) or widget.window() is not top:
            continue
        name = f"{type(widget).__name__} {_text(widget)!r}"
        area = _scroll_area_of(widget, top)
        if area is not None:  # scrolled content: up and down is fine, sideways is clipped
            page = area.widget()
            if widget is page and page.width() > area.viewport().width() + 1:
                found.append(f"{name} is wider than its scroll area: {page.width()} px")
            box = widget.rect().translated(widget.mapTo(page, widget.rect().topLeft()))
            room = page.rect()
        else:
            box = widget.rect().translated(widget.mapTo(top, widget.rect().topLeft()))
            room = inside
        if not room.contains(box):
            found.append(f"{name} lies outside the window: {box.getRect()} not in {room.size()}")
        found += _clipped_text(widget, name)
        is_list = isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView)
        if is_list and widget.model() and widget.model().rowCount():
            row = (
                widget.rowHeight(0)  # the cell's rect leaves out the grid line
                if isinstance(widget, QTableView)
                else widget.visualRect(widget.model().index(0, 0)).height()
            )
            if row < MIN_TOUCH_PX:
                found.append(f"{name} rows are {row} px high: a finger needs {MIN_TOUCH_PX}")
        corner = isinstance(widget.parent(), QTableView) and type(widget) is QAbstractButton
        if isinstance(widget, TOUCH_CONTROLS) and not corner and widget.height() < MIN_TOUCH_PX:
            found.append(f"{name} is {widget.height()} px high: a finger needs {MIN_TOUCH_PX}")
    return found


def _scroll_area_of(widget: QWidget, top: QWidget) -> QScrollArea | None:
    """The scroll area whose page holds ``widget`` (or is it), if any below ``top``."""
    parent = widget
    while parent is not None and parent is not top:
        area = parent.parent().parent() if parent.parent() is not None else None
        if isinstance(area, QScrollArea) and area.widget() is parent:
            return area
        parent = parent.parent()
    return None


def _text(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return text() if callable(text) else ""


def _clipped_text(widget: QWidget, name: str) -> list[str]:
    if isinstance(widget, FitLabel):
        return [] if widget.text_fits() else [f"{name} does not fit even at the smallest size"]
    if isinstance(widget, QLabel) and widget.text() and not widget.textFormat() == 1:
        room = widget.contentsRect()
        if widget.wordWrap():
            need = widget.heightForWidth(widget.width())
            return (
                [f"{name} needs {need} px height, has {widget.height()}"]
                if need > widget.height() + 1
                else []
            )
        metrics = widget.fontMetrics()
        need = max(metrics.horizontalAdvance(line) for line in widget.text().split("\n"))
        return [f"{name} needs {need} px, has {room.width()}"] if need > room.width() + 1 else []
    if (
        isinstance(widget, QAbstractButton | QComboBox)
        and widget.sizeHint().width() > widget.width() + 1
    ):
        return [f"{name} needs {widget.sizeHint().width()} px, has {widget.width()}"]
    return []


def render(widget: QWidget, screen: tuple[int, int] | None = None) -> None:
    """Show ``widget``; a window is sized to fill ``screen`` (frame included), as maximised."""
    widget.show()
    QApplication.processEvents()
    if screen is not None:
        frame = widget.frameGeometry().size() - widget.size()
        widget.resize(screen[0] - frame.width(), screen[1] - frame.height())
    QTest.qWait(50)  # pending layouts (a status chip that just changed its text) settle


@pytest.fixture
def styled(qapp):
    qapp.setStyleSheet(stylesheet())
    yield qapp
    qapp.setStyleSheet("")


@pytest.fixture
def demo_window(styled, journey):  # noqa: F811 (the imported fixture)
    """The main window as ``pos-desktop --demo`` shows it (receipt preview included)."""
    return journey.window


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_window_fits_and_a_big_total_does_not_grow_it(demo_window, screen):
    window = demo_window
    view = window.checkout_view
    render(window, screen)
    assert problems(window, screen) == []
    assert view.table.columnWidth(0) >= 180  # the item's name has room
    view.add_code(demo_ean13(1))
    view.checkout.set_quantity(view.selected_line_id(), "9999")  # a five-digit total
    view.refresh()
    assert view.table.rowHeight(0) >= MIN_TOUCH_PX
    render(window, screen)
    assert window.width() <= screen[0] and problems(window, screen) == []


@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_attached_customer_shows_whole_on_the_status_bar(demo_window, screen):
    window = demo_window
    customers = window.container.customers
    customer = customers.create("Annabelle Schmidt-Okafor", phone="0171 555 0123")
    window.checkout_view.add_code(demo_ean13(1))
    customers.attach(customer.customer_id)
    window.checkout_view.customer_points[customer.customer_id] = "12345 points"  # as answered
    window.checkout_view.refresh()
    render(window, screen)
    assert window.customer_chip.isVisible()
    assert "Annabelle Schmi… · 12345" in window.customer_chip.text()  # a long name shortened
    assert window.customer_chip.toolTip() == "Annabelle Schmidt-Okafor"
    assert problems(window, screen) == []


def _dialogs(window) -> dict[str, Callable[[], QWidget]]:
    from pos_desktop.ui.views.approval_dialog import ApprovalDialog
    from pos_desktop.ui.views.devices_dialog import DevicesDialog
    from pos_desktop.ui.views.discount_dialog import DiscountDialog
    from pos_desktop.ui.views.login_dialog import LoginDialog
    from pos_desktop.ui.views.parked_sales_dialog import ParkedSalesDialog
    from pos_desktop.ui.views.pay_cash_dialog import PayCashDialog
    from pos_desktop.ui.views.shift_dialogs import (
        CashMovementDialog,
        CloseShiftDialog,
        OpenShiftDialog,
    )
    from pos_desktop.ui.views.store_settings_dialog import StoreSettingsDialog
    from pos_desktop.ui.views.tender_dialog import TenderDialog

    c, view, staff = window.container, window.checkout_view, window.staff
    locale = c.settings.locale
    return {
        "pay cash": lambda: PayCashDialog(Money(123456, "EUR"), locale, window),
        "payment": lambda: TenderDialog(c.checkout, locale, window, card_available=True),
        "returns": lambda: _returns_with_a_receipt(window),
        "discount": lambda: DiscountDialog(
            "Whole milk 1L", "EUR", c.checkout.checkout_settings.override_reasons, window
        ),
        "approval": lambda: ApprovalDialog(
            c.auth, Action.VOID_LINE, staff.user, "Remove Whole milk 1L", parent=window
        ),
        "login": lambda: LoginDialog(c.auth, parent=window),
        "parked": lambda: (
            view.parking.park(label="Mrs Smith") and ParkedSalesDialog(view.parking, locale, window)
        ),
        "open shift": lambda: OpenShiftDialog(c.shifts, staff.user, locale, window),
        "close shift": lambda: CloseShiftDialog(c.shifts, c.auth, staff.user, locale, window),
        "paid in": lambda: CashMovementDialog(
            c.shifts, c.auth, staff.user, "paid_in", locale, window
        ),
        "devices": lambda: DevicesDialog(c, window.tasks, window),
        "x report": lambda: _x_report_with_a_sale(window),
        "store settings": lambda: StoreSettingsDialog(c, window),
        "write off": lambda: _stock_dialog(window, "waste"),
        "receive transfer": lambda: _stock_dialog(window, "transfer_in"),
        "receive goods": lambda: _stock_dialog(window, "receipt"),
        "stock count": lambda: _stock_dialog(window, "count"),
    }


def _x_report_with_a_sale(window):
    """The report viewer as F9 shows it, over a shift with a sale (every section filled)."""
    from pos_desktop.ui.views.shift_dialogs import ReportViewerDialog

    c = window.container
    c.checkout.pay_cash(c.checkout.totals().total)
    return ReportViewerDialog(
        c.shifts.x_report(), c.settings.locale, print_report=lambda _r: None, parent=window
    )


def _stock_dialog(window, kind: str):
    """A stock dialog with a few lines, the product names long enough to matter."""
    import datetime as dt

    from pos_desktop.storage import sync_repo
    from pos_desktop.ui.views.goods_receipt_dialog import GoodsReceiptDialog
    from pos_desktop.ui.views.stock_count_dialog import StockCountDialog
    from pos_desktop.ui.views.stock_move_dialog import StockMoveDialog
    from tests.approvals import approval

    c, name = window.container, window.staff.user.name
    lines = [{"sku": f"SKU000000{n}", "quantity": "6"} for n in range(1, 6)]
    with c.db.atomic():
        sync_repo.apply_transfers(c.db, [{"op": "upsert", "id": "t-1", "data": {
            "from_store": "Harbour Street", "sent_at": None, "lines": lines}}],
            dt.datetime(2026, 12, 1, tzinfo=dt.UTC))  # fmt: skip
    if kind == "receipt":
        dialog = GoodsReceiptDialog(
            c.goods_receipts, name, "EUR", "en_GB", window,
            approval=approval(c.auth, Action.RECEIVE_GOODS),
        )  # fmt: skip
    elif kind == "count":
        dialog = StockCountDialog(
            c.stock_counts, name, window, approval=approval(c.auth, Action.STOCK_COUNT)
        )
    else:
        dialog = StockMoveDialog(c.stock_moves, kind, name, lambda *a, **k: None, window)
    for n in range(1, 6):
        if kind != "transfer_in":
            dialog.on_scanner_scanned(demo_ean13(n))
    return dialog


def _returns_with_a_receipt(window):
    from pos_desktop.ui.views.returns_view import ReturnsDialog
    from pos_desktop.ui.views.tender_dialog import TenderDialog

    view, checkout = window.checkout_view, window.container.checkout
    sale = checkout.pay_cash(checkout.totals().total)  # the cart's item becomes sale 1
    view.add_code(demo_ean13(1))  # and the next customer's cart has one again
    dialog = ReturnsDialog(
        view.returns, checkout, view.locale, view.approver, window, tender_dialog=TenderDialog
    )
    dialog.load_sale(sale)
    return dialog


DIALOGS = [
    "pay cash",
    "payment",
    "returns",
    "discount",
    "approval",
    "login",
    "parked",
    "open shift",
    "close shift",
    "paid in",
    "devices",
    "x report",
    "store settings",
    "write off",
    "receive transfer",
    "receive goods",
    "stock count",
]


@pytest.mark.parametrize("screen", [SCREENS[0], SCREENS[2]], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_fits_the_screen(demo_window, name, screen):
    window = demo_window
    window.checkout_view.add_code(demo_ean13(1))  # dialogs about a sale need one
    render(window, screen)
    dialog = _dialogs(window)[name]()
    try:
        render(dialog)
        assert problems(dialog, screen) == []
        table = getattr(dialog, "table", None)
        if name in ("write off", "receive transfer", "receive goods", "stock count"):
            shown = table.viewport().height() // table.rowHeight(0)
            assert table.rowCount() == 5 and shown >= 5, f"{shown} of 5 rows in view"
    finally:
        dialog.close()
        dialog.deleteLater()


@pytest.fixture(params=["de", "fr"])
def translated_window(styled, till, request):
    """The demo window built for a store whose language is German or French (the longest
    words: "Einstellungen des Geschäfts", "Terminal de paiement")."""
    from dataclasses import replace

    till.settings = replace(till.settings, language=request.param)
    window = request.getfixturevalue("journey").window
    assert window.menuBar().actions()[0].text() in ("&Kasse", "&Caisse")  # it speaks it
    return window


def test_main_window_fits_1024x768_in_german_and_french(translated_window):
    screen = SCREENS[0]
    view = translated_window.checkout_view
    render(translated_window, screen)
    assert problems(translated_window, screen) == [], problems(translated_window, screen)
    view.add_code(demo_ean13(1))
    view.refresh()
    render(translated_window, screen)
    assert problems(translated_window, screen) == [], problems(translated_window, screen)


@pytest.mark.parametrize("name", DIALOGS)
def test_dialog_fits_1024x768_in_german_and_french(translated_window, name):
    screen = SCREENS[0]
    translated_window.checkout_view.add_code(demo_ean13(1))
    render(translated_window, screen)
    dialog = _dialogs(translated_window)[name]()
    try:
        render(dialog)
        assert problems(dialog, screen) == []
    finally:
        dialog.close()
        dialog.deleteLater()
