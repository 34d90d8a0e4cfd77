"""What the customer sees: a second window and/or a 2x20 pole display, fed by the checkout screen.

The checkout view announces every change once (``display_changed``) with what it shows the cashier:
the big caption and amount, the savings and the line just added. The customer window shows the
same cart table model (no second formatting of the lines), and the pole display gets two rows:
the last item with its price, then the total; after payment the change, then "Thank you".
"""

from __future__ import annotations

from dataclasses import dataclass

from hardware.displays.pole_codec import COLUMNS, fit


@dataclass(frozen=True, slots=True)
class ShownTotals:
    """What the checkout screen shows, as the customer should see it."""

    caption: str  # "Total  (3 items)", "Change due", "Paid"
    amount: str  # with the currency symbol
    savings: str  # "" when nothing was saved
    last_item: str | None  # the name of the line just added or selected
    last_amount: str | None
    cart_empty: bool
    customer: str | None = None  # the attached customer as the status bar names them


def pole_rows(shown: ShownTotals, store_name: str) -> tuple[str, str]:
    """The two rows of a 2x20 pole display for ``shown``."""
    if shown.cart_empty and shown.caption.startswith("Change"):
        return fit("Change"), _label_amount("CHANGE", shown.amount)
    if shown.cart_empty and shown.caption == "Paid":
        return fit("Thank you!"), _label_amount("PAID", shown.amount)
    if shown.cart_empty:
        return fit(store_name), fit("Welcome")
    top = fit(shown.last_item or "")
    if shown.last_amount:
        price = shown.last_amount
        top = fit(shown.last_item or "", COLUMNS - len(price) - 1) + " " + price
    return top, _label_amount("TOTAL", shown.amount)


def _label_amount(label: str, amount: str) -> str:
    room = COLUMNS - len(label)
    return label + amount[-room:].rjust(room)


class CustomerFacing:
    """Feeds the customer window and the pole display from the checkout view's changes."""

    def __init__(self, view, store_name: str, *, window=None, pole=None) -> None:
        self.view, self.store_name, self.window, self.pole = view, store_name, window, pole
        self._last_rows: tuple[str, str] | None = None
        view.display_changed.connect(self.on_checkout_display_changed)

    def on_checkout_display_changed(self, shown: ShownTotals) -> None:
        if self.window is not None:
            self.window.show_totals(shown)
        if self.pole is not None:
            rows = pole_rows(shown, self.store_name)
            if rows != self._last_rows:  # the serial line carries changes only
                self._last_rows = rows
                self.pole.show(*rows)
