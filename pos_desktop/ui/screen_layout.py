"""Where the till and the customer's window go on one screen (demo mode, or no second screen).

:func:`demo_layout` is the rule, on plain rectangles (x, y, width, height of each window's outer
frame): the customer's window stands beside the till, which gives up width down to the 1024 px it
is made to fit, never height; where even then there is no room for the customer's window
(1024x768, 1280x800), that window is not put over the till but starts minimised, a window of its
own the person brings up from the taskbar. :func:`place_demo_windows` applies it to the widgets.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect

Rect = tuple[int, int, int, int]  # x, y, width, height (the outer frame)

TILL_PREFERRED = (1280, 800)
TILL_MIN_WIDTH = 1024  # the till fits 1024x768 (tests/ui/test_screens_fit.py)
CUSTOMER_PREFERRED = (480, 800)
CUSTOMER_MIN_WIDTH = 320


@dataclass(frozen=True, slots=True)
class DemoLayout:
    till: Rect
    customer: Rect | None  # None: no room beside the till; the customer window starts minimised


def demo_layout(room: Rect, *, customer_min_width: int = CUSTOMER_MIN_WIDTH) -> DemoLayout:
    """Both windows on the screen area ``room`` (the screen less panels), never overlapping."""
    x, y, width, height = room
    till_height = min(TILL_PREFERRED[1], height)
    spare = width - TILL_MIN_WIDTH
    if spare < customer_min_width:
        till_width = min(TILL_PREFERRED[0], width)
        return DemoLayout((x + (width - till_width) // 2, y, till_width, till_height), None)
    customer_width = min(CUSTOMER_PREFERRED[0], spare)
    till_width = min(TILL_PREFERRED[0], width - customer_width)
    customer = (x + till_width, y, customer_width, till_height)  # a column beside the till
    return DemoLayout((x, y, till_width, till_height), customer)


def _put(window, rect: Rect) -> None:
    """Give ``window`` the outer frame ``rect`` (its title bar and borders included)."""
    x, y, width, height = rect
    frame = window.frameGeometry().size() - window.size()  # known once shown under a WM
    window.resize(width - frame.width(), height - frame.height())
    window.move(x, y)  # a top-level window's position is its frame's


def place_demo_windows(window, customer, room: QRect) -> DemoLayout:
    """Place the till ``window`` and the ``customer`` window on ``room`` by :func:`demo_layout`."""
    minimum = customer.minimumSizeHint().width()
    layout = demo_layout(
        (room.x(), room.y(), room.width(), room.height()),
        customer_min_width=max(CUSTOMER_MIN_WIDTH, minimum),
    )
    _put(window, layout.till)
    if layout.customer is None:
        customer.showMinimized()
    else:
        customer.showNormal()  # shown first: its frame is known only then
        _put(customer, layout.customer)
    return layout
