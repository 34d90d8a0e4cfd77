"""SerialScanner with real pyserial against the simulated scanner on a pty."""

from __future__ import annotations

import queue
import threading

import pytest

from hardware.base import DeviceState
from hardware.scanners.serial_scanner import ScannedCode, SerialScanner, parse_aim
from hardware.simulators.scanner_serial import SimulatedSerialScanner

WAIT = 5.0  # upper bound for a thread hand-off; tests never wait this long when passing


@pytest.fixture
def rig(tmp_path):
    """Yield a factory for (simulator, scanner, received-queue); stop both afterwards."""
    made = []

    def make(scanner_kwargs=None, **sim_kwargs):
        sim = SimulatedSerialScanner(link_path=str(tmp_path / "scanner"), **sim_kwargs).start()
        received: queue.Queue[ScannedCode] = queue.Queue()
        scanner = SerialScanner(
            sim.uri, on_scan=received.put, backoff_initial=0.02, **(scanner_kwargs or {})
        )
        made.append((sim, scanner))
        scanner.start()
        assert scanner.wait_connected(WAIT)
        return sim, scanner, received

    yield make
    for sim, scanner in made:
        scanner.stop()
        sim.stop()


def test_scan_with_cr(rig):
    sim, scanner, received = rig()
    sim.scan("4006381333931")
    assert received.get(timeout=WAIT) == ScannedCode("4006381333931")
    assert scanner.status.state is DeviceState.READY


def test_several_codes_and_crlf_with_cr_suffix(rig):
    sim, _, received = rig(suffix="\r\n")
    for code in ("96385074", "036000291452", "10614141000415"):
        sim.scan(code)
    assert [received.get(timeout=WAIT).code for _ in range(3)] == [
        "96385074",
        "036000291452",
        "10614141000415",
    ]


def test_crlf_suffix_configured(rig):
    sim, _, received = rig(scanner_kwargs={"suffix": "\r\n"}, suffix="\r\n")
    sim.scan("4006381333931")
    assert received.get(timeout=WAIT).code == "4006381333931"


def test_prefix_and_aim_id(rig):
    sim, _, received = rig(scanner_kwargs={"prefix": "\x02"}, prefix="\x02", aim_id="]E0")
    sim.scan("4006381333931")
    sim.scan("0107035876006187\x1d10ABC", aim_id="]C1")
    first, second = received.get(timeout=WAIT), received.get(timeout=WAIT)
    assert (first.code, first.symbology, first.aim_id) == ("4006381333931", "ean-upc", "]E0")
    assert (second.code, second.symbology) == ("0107035876006187\x1d10ABC", "code128")


def test_unplug_then_replug_reconnects(rig):
    statuses = []
    sim, scanner, received = rig(scanner_kwargs={"on_status": statuses.append})
    sim.unplug()
    received_nothing = received.empty()
    sim.replug()
    assert scanner.wait_connected(WAIT)
    # wait_connected may have returned before the reader saw the unplug; wait for a READY
    # that follows a DISCONNECTED before scanning.
    for _ in range(500):
        states = [s.state for s in statuses]
        if DeviceState.DISCONNECTED in states and states[-1] is DeviceState.READY:
            break
        threading.Event().wait(0.01)
    sim.scan("4006381333931")
    assert received.get(timeout=WAIT).code == "4006381333931"
    assert received_nothing
    assert DeviceState.DISCONNECTED in [s.state for s in statuses]
    assert any("offline" in s.reasons for s in statuses)


def test_callback_errors_do_not_stop_the_reader(rig):
    sim, scanner, received = rig()
    calls = []

    def flaky(code):
        calls.append(code)
        if len(calls) == 1:
            raise RuntimeError("consumer bug")
        received.put(code)

    scanner.on_scan = flaky
    sim.scan("11111111")
    sim.scan("22222222")
    assert received.get(timeout=WAIT).code == "22222222"


def test_missing_port_keeps_retrying_and_reports_disconnected(tmp_path):
    statuses = []
    scanner = SerialScanner(
        f"serial://{tmp_path}/none", on_status=statuses.append, backoff_initial=0.01
    )
    scanner.start()
    try:
        assert not scanner.wait_connected(0.2)
        assert scanner.status.state in (DeviceState.DISCONNECTED, DeviceState.CONNECTING)
        assert any("Cannot open serial port" in s.message for s in statuses)
    finally:
        scanner.stop()
    assert scanner.status.state is DeviceState.DISCONNECTED


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("]E04006381333931", ScannedCode("4006381333931", "ean-upc", "]E0")),
        ("]Q1hello", ScannedCode("hello", "qr", "]Q1")),
        ("]?1abc", ScannedCode("]?1abc")),
        ("]E", ScannedCode("]E")),
        ("", ScannedCode("")),
    ],
)
def test_parse_aim(text, expected):
    assert parse_aim(text) == expected


def test_empty_suffix_is_refused():
    with pytest.raises(ValueError, match="suffix"):
        SerialScanner("serial:///dev/null", suffix="")
