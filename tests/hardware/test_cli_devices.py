"""pos-hw pay / weigh / scan-listen / simulate, against the simulators."""

from __future__ import annotations

import argparse
import json
import os
import select
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hardware import cli_devices
from hardware.simulators.scale_toledo import SimulatedScale
from hardware.simulators.scanner_serial import SimulatedSerialScanner
from hardware.simulators.terminal_concert import SimulatedConcertTerminal

ROOT = Path(__file__).resolve().parents[2]


def test_pay_approved_prints_json_and_exits_0(capsys):
    with SimulatedConcertTerminal() as sim:
        code = cli_devices.main(
            ["pay", "--terminal", sim.uri, "--amount", "1250", "--currency", "eur",
             "--reference", "CLI-1"]
        )  # fmt: skip
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert code == 0 and result["outcome"] == "approved"
    assert (result["amount_minor"], result["currency"], result["reference"]) == (
        1250,
        "EUR",
        "CLI-1",
    )
    assert result["last4"] == "7892" and "waiting for customer" in err


def test_pay_declined_exits_1(capsys):
    with SimulatedConcertTerminal("decline") as sim:
        code = cli_devices.main(["pay", "--terminal", sim.uri, "--amount", "5"])
    assert code == 1 and json.loads(capsys.readouterr().out)["outcome"] == "declined"


def test_pay_rejects_decimal_amount(capsys):
    with pytest.raises(SystemExit) as info:
        cli_devices.main(["pay", "--terminal", "serial:///dev/null", "--amount", "12.50"])
    assert info.value.code == 2 and "minor units" in capsys.readouterr().err


def test_pay_bad_currency_is_a_clear_error(capsys):
    code = cli_devices.main(
        ["pay", "--terminal", "serial:///x", "--amount", "1", "--currency", "XYZ"]
    )
    assert code == 1 and "no ISO numeric code" in capsys.readouterr().err


def test_weigh(capsys):
    with SimulatedScale(weight_grams=1250) as sim:
        assert cli_devices.main(["weigh", "--scale", sim.uri]) == 0
        assert json.loads(capsys.readouterr().out) == {"grams": 1250, "kg": "1.250", "stable": True}
        sim.silent = True
        assert cli_devices.main(["weigh", "--scale", sim.uri, "--wait-stable", "0"]) == 1
        assert "did not answer" in capsys.readouterr().err


def test_scan_listen_stops_after_count(capsys):
    with SimulatedSerialScanner(aim_id="]E0") as sim:
        stop = threading.Event()

        def keep_scanning():
            # The listener flushes input when it opens the port; scan until it has heard one.
            while not stop.wait(0.05):
                sim.scan("4006381333931")

        thread = threading.Thread(target=keep_scanning)
        thread.start()
        try:
            assert cli_devices.main(["scan-listen", "--scanner", sim.uri, "--count", "1"]) == 0
        finally:
            stop.set()
            thread.join()
    first = json.loads(capsys.readouterr().out.splitlines()[0])
    assert first == {"code": "4006381333931", "symbology": "ean-upc", "aim_id": "]E0"}


def test_subcommands_join_an_existing_simulate_command():
    parser = argparse.ArgumentParser()
    subparsers = parser.add_subparsers(dest="command")
    simulate = subparsers.add_parser("simulate")
    kinds = simulate.add_subparsers(dest="kind")
    kinds.add_parser("printer")
    cli_devices.add_subcommands(subparsers)
    args = parser.parse_args(["simulate", "terminal", "--behaviour", "silent"])
    assert args.func is cli_devices.cmd_simulate_terminal and args.behaviour == "silent"
    assert parser.parse_args(["simulate", "printer"]).kind == "printer"


def test_pos_hw_cli_has_the_device_commands():
    from hardware import cli

    args = cli.build_parser().parse_args(["weigh", "--scale", "serial:///dev/ttyUSB1"])
    assert args.func is cli_devices.cmd_weigh


@pytest.fixture
def simulator_process():
    procs = []

    def start(*argv):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen(
            [sys.executable, "-m", "hardware.cli_devices", "simulate", *argv],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        procs.append(proc)
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "the simulator did not print its URI"
        return proc, proc.stdout.readline().strip()

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()


def test_simulate_terminal_process_runs_until_sigterm(simulator_process, capsys):
    proc, uri = simulator_process("terminal", "--behaviour", "abandon")
    assert uri.startswith("serial:///dev/") and uri.endswith("?baudrate=9600")
    assert cli_devices.main(["pay", "--terminal", uri, "--amount", "100"]) == 1
    assert json.loads(capsys.readouterr().out)["outcome"] == "cancelled"
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


def test_simulate_scale_process_takes_weights_from_stdin(simulator_process, capsys):
    proc, uri = simulator_process("scale", "--weight", "250")
    assert cli_devices.main(["weigh", "--scale", uri]) == 0
    assert json.loads(capsys.readouterr().out)["grams"] == 250
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0


def test_simulate_display_process_shows_what_the_till_sends(simulator_process):
    from hardware.displays.pole import PoleDisplay

    proc, uri = simulator_process("display")
    display = PoleDisplay(uri)
    try:
        display.show("Whole milk 1L   1.29", "TOTAL          €1.29")
    finally:
        display.close()
    err = ""
    while "|TOTAL" not in err:  # blocking reads: a display that never shows it times out
        err += proc.stderr.readline()
    assert "|Whole milk 1L   1.29|" in err and "|TOTAL          €1.29|" in err
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0
