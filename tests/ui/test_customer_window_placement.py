"""Demo mode on one screen (issue 16): the customer's window stands beside the till and never
covers it; on a screen too small for both it is a separate, minimised window."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtCore import QRect

from pos_desktop.ui.screen_layout import demo_layout, place_demo_windows
from tests.journeys.conftest import journey  # noqa: F401 (the fixture: the till as it starts)


def overlap(a, b) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    return ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah


def inside(rect, room) -> bool:
    x, y, w, h = rect
    rx, ry, rw, rh = room
    return rx <= x and ry <= y and x + w <= rx + rw and y + h <= ry + rh


@pytest.mark.parametrize(
    ("room", "till_width", "customer_width"),
    [
        ((0, 0, 1366, 768), 1024, 342),  # a 1366 laptop: the till gives up width, not its fit
        ((0, 0, 1920, 1040), 1280, 480),
        ((0, 28, 1600, 872), 1120, 480),  # a panel at the top
    ],
)
def test_the_customer_window_stands_beside_the_till(room, till_width, customer_width):
    layout = demo_layout(room)
    assert layout.customer is not None
    assert layout.till[2] == till_width and layout.customer[2] == customer_width
    assert layout.till[2] >= 1024 and layout.till[3] >= min(768, room[3])  # the till still fits
    assert not overlap(layout.till, layout.customer)
    assert inside(layout.till, room) and inside(layout.customer, room)


@pytest.mark.parametrize("room", [(0, 0, 1024, 768), (0, 0, 1280, 800), (0, 0, 1280, 1024)])
def test_no_room_beside_the_till_means_no_window_over_it(room):
    layout = demo_layout(room)
    assert layout.customer is None  # shown minimised: a window of its own, in the taskbar
    assert inside(layout.till, room) and layout.till[2] == min(1280, room[2])


def test_the_real_windows_are_placed_apart_on_a_1366_screen(journey):  # noqa: F811
    window = journey.window
    customer = window.customer_window
    place_demo_windows(window, customer, QRect(0, 0, 1366, 768))
    till, shown = window.frameGeometry(), customer.frameGeometry()
    assert customer.isVisible() and not customer.isMinimized()
    assert not till.intersects(shown), (till, shown)
    assert QRect(0, 0, 1366, 768).contains(till) and QRect(0, 0, 1366, 768).contains(shown)
    assert customer.width() >= customer.minimumSizeHint().width()
    assert customer.table.isColumnHidden(2)  # narrow: the unit price gives way to the name


def test_on_a_1024_screen_the_customer_window_starts_minimised(journey):  # noqa: F811
    window = journey.window
    customer = window.customer_window
    place_demo_windows(window, customer, QRect(0, 0, 1024, 768))
    assert customer.isMinimized()
    assert window.frameGeometry().width() <= 1024


@given(
    x=st.integers(-2000, 4000),
    y=st.integers(0, 100),
    width=st.integers(800, 4000),
    height=st.integers(600, 2400),
)
def test_any_screen_the_windows_never_overlap(x, y, width, height):
    room = (x, y, width, height)
    layout = demo_layout(room)
    assert inside(layout.till, room)
    if layout.customer is not None:
        assert inside(layout.customer, room) and not overlap(layout.till, layout.customer)
        assert layout.till[2] >= 1024 and layout.customer[2] >= 320
    else:
        assert width - 1024 < 320  # only when there really is no room beside the till
