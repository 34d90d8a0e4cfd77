"""Toledo 8217 scale driver: parser unit tests, fuzzing, and real pyserial on a pty."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.base import DeviceError, DeviceState
from hardware.scales.toledo8217 import (
    MOTION,
    OVER_CAPACITY,
    ScaleError,
    Toledo8217Scale,
    WeightReading,
    parse_reply,
    parse_status_byte,
)
from hardware.simulators.scale_toledo import SimulatedScale


@pytest.mark.parametrize(
    ("reply", "grams"),
    [
        (b"\x02 1.250\r", 1250),
        (b"\x0200.005\r", 5),
        (b"\x02 0.000\r", 0),
        (b"\x0212.3456\r", 12346),  # a fourth decimal rounds half up
        (b"junk\x02 2.000\r", 2000),  # stale bytes before the last STX are ignored
    ],
)
def test_parse_weight(reply, grams):
    assert parse_reply(reply) == WeightReading(grams=grams, stable=True)


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (b"\x02?" + bytes([0x20 | MOTION]) + b"\r", "unstable"),
        (b"\x02?" + bytes([0x20 | OVER_CAPACITY]) + b"\r", "over_capacity"),
        (b"\x02?\x24\r", "under_zero"),
        (b"\x02-0.010\r", "under_zero"),
        (b"\x02?\x20\r", "bad_reply"),
        (b"\x02 1.2x0\r", "bad_reply"),
        (b" 1.250\r", "bad_reply"),
        (b"\x02 1.250", "bad_reply"),
        (b"\x02\r", "bad_reply"),
    ],
)
def test_parse_errors_have_reasons_and_messages(reply, reason):
    with pytest.raises(ScaleError) as info:
        parse_reply(reply)
    assert info.value.reason == reason and len(str(info.value)) > 20
    assert isinstance(info.value, DeviceError)


def test_status_byte_bits():
    assert [r for r, _ in parse_status_byte(0x20 | MOTION | OVER_CAPACITY)] == [
        "unstable",
        "over_capacity",
    ]
    assert parse_status_byte(0x30) == []


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=40))
def test_parse_reply_fuzz(data):
    try:
        reading = parse_reply(data)
    except ScaleError as exc:
        assert exc.reason and str(exc)
    else:
        assert isinstance(reading.grams, int) and reading.grams >= 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 99_999))
def test_parse_round_trips_simulator_format(grams):
    text = f"{grams // 1000}.{grams % 1000:03d}".rjust(6)
    assert parse_reply(b"\x02" + text.encode() + b"\r").grams == grams


@pytest.fixture
def scale_pair():
    with SimulatedScale(weight_grams=1250) as sim:
        scale = Toledo8217Scale(sim.uri, reply_timeout=0.3)
        yield sim, scale
        scale.close()


def test_read_weight_over_pty(scale_pair):
    sim, scale = scale_pair
    assert scale.read_weight() == WeightReading(1250, True)
    assert scale.read_weight().kilograms == pytest.approx(1.25)
    sim.weight_grams = 7
    assert scale.read_weight().grams == 7
    assert sim.commands == ["W", "W", "W"]


def test_unstable_then_over_capacity(scale_pair):
    sim, scale = scale_pair
    sim.unstable = True
    with pytest.raises(ScaleError, match="not stable") as info:
        scale.read_weight()
    assert info.value.reason == "unstable"
    sim.unstable = False
    sim.weight_grams = 20_000
    with pytest.raises(ScaleError) as info:
        scale.read_weight()
    assert info.value.reason == "over_capacity"


def test_zero_and_its_refusal(scale_pair):
    sim, scale = scale_pair
    sim.weight_grams = 120
    scale.zero()
    assert scale.read_weight().grams == 0
    sim.weight_grams = 5_000
    assert scale.read_weight().grams == 4_880
    with pytest.raises(ScaleError) as info:
        scale.zero()
    assert info.value.reason == "outside_zero_range"


def test_status(scale_pair):
    sim, scale = scale_pair
    assert scale.status().state is DeviceState.WARNING  # 1.25 kg: outside zero range
    sim.weight_grams = 0
    assert scale.status().state is DeviceState.READY
    sim.silent = True
    status = scale.status()
    assert status.state is DeviceState.UNKNOWN and status.reasons == {"no_reply"}


def test_silent_and_garbage(scale_pair):
    sim, scale = scale_pair
    sim.silent = True
    with pytest.raises(ScaleError, match="did not answer") as info:
        scale.read_weight()
    assert info.value.reason == "no_reply"
    sim.silent, sim.garbage = False, True
    with pytest.raises(ScaleError) as info:
        scale.read_weight()
    assert info.value.reason == "bad_reply"


def test_unplug_is_disconnected_and_replug_recovers(tmp_path):
    with SimulatedScale(weight_grams=500, link_path=str(tmp_path / "scale")) as sim:
        scale = Toledo8217Scale(sim.uri, reply_timeout=0.3)
        try:
            assert scale.read_weight().grams == 500
            sim.unplug()
            with pytest.raises(ScaleError) as info:
                scale.read_weight()
            assert info.value.reason == "disconnected"
            assert scale.status().state is DeviceState.DISCONNECTED
            sim.replug()
            assert scale.read_weight().grams == 500
        finally:
            scale.close()


@pytest.mark.parametrize(
    ("reply", "reason", "named"),
    [
        (b"\x02?\x02\r", "over_capacity", "over capacity"),  # the status byte is 0x02 (= STX)
        (b"junk\x02?\x02\r", "over_capacity", "over capacity"),
        (b"\x02?\x01\r", "unstable", "not stable"),
        (b"\x02?\x0d\r", "unstable", "below zero"),  # 0x0D (= CR): motion, under zero, range
        (b"\x02?\x06\r", "over_capacity", "below zero"),  # every problem is named
    ],
)
def test_status_reply_is_read_by_position(reply, reason, named):
    with pytest.raises(ScaleError) as info:
        parse_reply(reply)
    assert info.value.reason == reason and named in str(info.value)


@pytest.mark.parametrize("reply", [b"\x02?\x02\x02\r", b"\x02?\r", b"\x02??\x02\r"])
def test_status_reply_of_the_wrong_length_is_a_bad_reply(reply):
    with pytest.raises(ScaleError) as info:
        parse_reply(reply)
    assert info.value.reason == "bad_reply"


@pytest.mark.parametrize(
    ("grams", "unstable", "reason"),
    [(20_000, False, "over_capacity"), (0, True, "unstable")],
)
def test_raw_status_bytes_over_the_pty(grams, unstable, reason):
    """A scale that does not set bit 5: its status byte can be 0x02 (STX) or 0x0D (CR)."""
    with SimulatedScale(weight_grams=grams, status_base=0) as sim:
        sim.unstable = unstable
        sim.zero_offset = 400 if unstable else 0  # 0x0D: motion, under zero, outside range
        scale = Toledo8217Scale(sim.uri, reply_timeout=0.3)
        try:
            with pytest.raises(ScaleError) as info:
                scale.read_weight()
            assert info.value.reason == reason
            status = scale.status()
            assert status.state is DeviceState.WARNING and reason in status.reasons
        finally:
            scale.close()
