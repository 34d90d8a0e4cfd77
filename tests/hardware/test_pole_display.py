"""The pole display driver speaking Epson display commands to a simulated display over a pty."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from hardware.displays.pole import PoleDisplay
from hardware.displays.pole_codec import PoleScreen, fit, frame_bytes, init_bytes
from hardware.simulators.pole_display import SimulatedPoleDisplay


def wait_for(predicate, timeout=3.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def test_a_frame_is_the_documented_bytes():
    assert init_bytes() == b"\x1b@\x1bt\x13\x1fC\x00"
    data = frame_bytes("Milk", "1.29")
    assert data == b"\x1f$\x01\x01" + b"Milk".ljust(20) + b"\x1f$\x01\x02" + b"1.29".ljust(20)


def test_the_euro_sign_goes_out_in_cp858_and_comes_back():
    screen = PoleScreen()
    screen.feed(init_bytes() + frame_bytes("TOTAL", fit("€ 12.50", align="right")))
    assert screen.lines == ("TOTAL".ljust(20), "€ 12.50".rjust(20))


def test_the_driver_shows_each_frame_on_the_simulated_display():
    with SimulatedPoleDisplay() as sim:
        display = PoleDisplay(sim.uri)
        try:
            display.show("Whole milk 1L", fit("1.29", align="right"))
            assert wait_for(lambda: sim.lines[0].startswith("Whole milk 1L"))
            display.show("TOTAL", fit("EUR 3.87", align="right"))
            assert wait_for(lambda: sim.lines == ("TOTAL".ljust(20), "EUR 3.87".rjust(20)))
        finally:
            display.close()


def test_an_unplugged_display_never_raises_into_the_till_and_recovers():
    with SimulatedPoleDisplay() as sim:
        display = PoleDisplay("serial:///dev/nonexistent-pole")
        try:
            display.show("A", "B")  # must not raise
            assert wait_for(lambda: display.status().state.value == "error")
        finally:
            display.close()
        display = PoleDisplay(sim.uri)
        try:
            display.show("Back", "again")
            assert wait_for(lambda: sim.lines[0].startswith("Back"))
        finally:
            display.close()


@given(st.binary(max_size=200))
def test_any_bytes_leave_the_screen_model_two_rows_of_twenty(data):
    screen = PoleScreen()
    screen.feed(data)
    assert [len(row) for row in screen.lines] == [20, 20]


@given(st.text(max_size=60), st.text(max_size=60))
def test_any_text_round_trips_to_what_fits(top, bottom):
    screen = PoleScreen()
    screen.feed(init_bytes() + frame_bytes(top, bottom))
    expected = tuple(
        "".join(c if c.isprintable() else " " for c in t)[:20]
        .ljust(20)
        .encode("cp858", errors="replace")
        .decode("cp858")
        for t in (top, bottom)
    )
    assert screen.lines == expected
