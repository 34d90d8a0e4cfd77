"""pos-hw, run in-process against a running simulator (and once as a real process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from hardware.cli import main
from hardware.escpos_parse import BarcodePrinted, Cut, DrawerPulse, QRPrinted, parse_escpos

ROOT = Path(__file__).resolve().parents[2]


def test_print_test_prints_a_full_receipt(sim, capsys):
    assert main(["print-test", "--printer", sim.uri]) == 0
    receipt = parse_escpos(b"".join(sim.wait_for_jobs(1)))
    assert any("€ 12,50" in line for line in receipt.lines)
    assert receipt.of_type(BarcodePrinted) == [BarcodePrinted("EAN13", "4006381333931")]
    assert len(receipt.of_type(QRPrinted)) == 1
    assert receipt.of_type(Cut)
    assert "Test receipt sent" in capsys.readouterr().out


def test_print_test_uses_the_profile_width(sim):
    assert main(["print-test", "--printer", sim.uri, "--profile", "POS-5890"]) == 0
    receipt = parse_escpos(b"".join(sim.wait_for_jobs(1)))
    assert "12345678901234567890123456789012" in receipt.lines


def test_kick_drawer_pin_5(sim):
    assert main(["kick-drawer", "--printer", sim.uri, "--pin", "5"]) == 0
    receipt = parse_escpos(b"".join(sim.wait_for_jobs(1)))
    assert receipt.of_type(DrawerPulse) == [DrawerPulse(5, 50, 500)]


def test_status_exit_code_follows_the_printer(sim, capsys):
    assert main(["status", "--printer", sim.uri]) == 0
    sim.cover_open = True
    assert main(["status", "--printer", sim.uri]) == 1
    assert "cover_open" in capsys.readouterr().out


def test_printer_in_error_gives_one_line_and_exit_1(sim, capsys):
    sim.paper_out = True
    assert main(["print-test", "--printer", sim.uri]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "out of paper" in err


def test_bad_input_exits_2_with_one_line(capsys):
    for argv in (
        ["status", "--printer", "nope"],
        ["kick-drawer", "--printer", "tcp://h:1", "--pin", "3"],
        ["frobnicate"],
        [],
    ):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1, err
        assert "Traceback" not in err


def test_help_and_list(capsys):
    assert main(["--help"]) == 0
    assert "print-test" in capsys.readouterr().out
    assert main(["--data-dir", "/tmp/x", "list"]) == 0
    assert "Serial ports" in capsys.readouterr().out


def test_simulate_prints_uri_and_stops_on_sigterm():
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "simulate", "printer", "--paper-low"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        uri = proc.stdout.readline().strip()
        assert uri.startswith("tcp://127.0.0.1:")
        assert main(["status", "--printer", uri]) == 0  # paper low is a warning
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
