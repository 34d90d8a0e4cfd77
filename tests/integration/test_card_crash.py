"""kill -9 the till while the card terminal waits for the customer: on restart the payment is
put to the cashier, nothing is marked paid, nothing is sent to the terminal again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.services.ports import NoPrinter

ROOT = Path(__file__).resolve().parents[2]
PAYER = ROOT / "tests" / "fixtures" / "card_payer.py"


def test_kill_9_mid_payment_then_the_cashier_resolves_it(tmp_path):
    with SimulatedConcertTerminal("silent") as terminal:
        child = subprocess.Popen(
            [sys.executable, str(PAYER), str(tmp_path), terminal.uri],
            stdout=subprocess.PIPE,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        try:
            line = child.stdout.readline()
            assert line.startswith("BEGUN"), line
            payment_id = line.split()[1]
            deadline = time.monotonic() + 10
            while not terminal.requests and time.monotonic() < deadline:
                time.sleep(0.02)  # the request reached the terminal: now the customer "pays"
            assert len(terminal.requests) == 1
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=10)

        till = build_container(
            TillConfig(data_dir=tmp_path, demo=True), Overrides(printer=NoPrinter())
        )
        try:
            open_payments = till.cards.open_payments()
            assert [p.id for p in open_payments] == [payment_id]
            assert open_payments[0].status == "pending"
            assert till.sales.count() == 0  # never marked paid without an answer
            settlement = till.cards.resolve(payment_id, approved=True, resolved_by="Manager")
            assert settlement.sale is not None and till.sales.count() == 1
            lines = till.db.execute_sql("SELECT COUNT(*) FROM sale_line").fetchone()[0]
            assert lines == 2  # the sale restored exactly from the saved cart
            assert till.cards.open_payments() == []
        finally:
            till.close()
        assert len(terminal.requests) == 1  # nothing was sent again by itself
