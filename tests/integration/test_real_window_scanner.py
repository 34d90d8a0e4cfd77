"""One real window: ``pos-desktop --demo`` on a virtual X screen (Xvfb), scanned with xdotool.

xdotool types through the X server exactly as a USB HID scanner does (Shift pressed for
capitals, 3 ms a key, Return last), so this checks the whole path the journey tests simulate:
X11 key events, Qt's xcb plugin, the wedge filter, the scan routing and the database.
"""

from __future__ import annotations

import ctypes.util
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSING = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]
pytestmark = [
    pytest.mark.skipif(
        bool(MISSING), reason=f"needs {' and '.join(MISSING)} (apt-get install xvfb xdotool)"
    ),
    pytest.mark.skipif(
        sys.platform != "linux" or ctypes.util.find_library("xcb-cursor") is None,
        reason="needs Qt's X libraries (apt-get install libxcb-cursor0 libxkbcommon-x11-0)",
    ),
]


@pytest.fixture
def display():
    """A private virtual screen; its number comes from Xvfb itself (no collisions)."""
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1366x768x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    yield f":{number}"
    xvfb.terminate()
    xvfb.wait(10)


@pytest.fixture
def till(display, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "WAYLAND_DISPLAY")}
    env.update(DISPLAY=display, PYTHONPATH=str(ROOT))
    log = open(tmp_path / "till.log", "w+")  # noqa: SIM115 (closed below)
    app = subprocess.Popen(
        [sys.executable, "-m", "pos_desktop", "--demo", "--no-api", "--print-ready"]
        + ["--data-dir", str(tmp_path / "data")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    try:
        assert app.stdout.readline().strip() == "READY", log.seek(0) or log.read()
        yield Till(display, tmp_path / "data", log)
    finally:
        app.terminate()
        app.wait(10)
        log.close()


class Till:
    def __init__(self, display: str, data_dir: Path, log) -> None:
        self.display, self.data_dir, self.log = display, data_dir, log

    def xdotool(self, *args: str, script: str | None = None) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            input=script,
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
        )
        return done.stdout.strip()

    def focused_window(self) -> str:
        return self.xdotool("getwindowfocus", "getwindowname")

    def scan(self, code: str) -> None:
        """A HID scanner: 3 ms a key, then the Return key. One xdotool script, so no process
        start-up lies between the code and its Return ("\\n" in the text would be Linefeed)."""
        self.xdotool("-", script=f"type --delay 3 {code}\nkey --delay 3 Return\n")

    def key(self, *names: str) -> None:
        self.xdotool("key", "--delay", "150", *names)

    def one(self, sql: str):
        with sqlite3.connect(self.data_dir / "till.sqlite") as db:
            return db.execute(sql).fetchone()

    def log_text(self) -> str:
        self.log.flush()
        return (self.log.name and Path(self.log.name).read_text()) or ""

    def until(self, probe, what: str, timeout_s: float = 10):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            try:
                value = probe()
            except sqlite3.Error:
                value = None
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out: {what}\n--- till log ---\n{self.log_text()}")


def test_scans_with_capitals_reach_checkout_returns_and_the_voucher_field(till):
    till.until(lambda: "[DEMO]" in till.focused_window(), "the till window has the keyboard")
    time.sleep(1)  # the demo logs the cashier in and opens the shift just after the window shows
    till.scan("SKU0000005")
    till.until(lambda: "scan 'SKU0000005' went to the checkout" in till.log_text(), "SKU scan")
    till.key("F5")  # exact cash: sale 1 holds SKU0000005
    till.until(
        lambda: till.one("SELECT sku FROM sale_line WHERE sku = 'SKU0000005'"), "sale 1 saved"
    )

    till.key("ctrl+r")
    till.until(lambda: "Return" == till.focused_window(), "the returns screen has the keyboard")
    till.scan("RT01-00000001")
    till.until(
        lambda: "scan 'RT01-00000001' went to the ReturnsDialog" in till.log_text(),
        "the receipt barcode reached the returns screen",
    )
    till.key("Escape")
    till.until(lambda: "[DEMO]" in till.focused_window(), "back at the checkout")

    till.scan("SKU0000005")
    till.until(lambda: till.log_text().count("'SKU0000005' went to the checkout") == 2, "item")
    till.key("F1")  # split payment
    till.until(lambda: "Payment" == till.focused_window(), "the payment dialog has the keyboard")
    till.scan("GIFT-5000")
    till.until(
        lambda: till.one(
            "SELECT 1 FROM gift_voucher WHERE code = 'GIFT-5000' AND balance_minor < 5000"
        ),
        "the voucher paid sale 2",
    )
    assert till.one("SELECT count(*) FROM sale")[0] == 2
    assert "refused" not in till.log_text()


def test_the_tills_ctrl_keys_work_while_the_scan_field_has_the_keyboard(till):
    """On X11 Qt's line edit claims Ctrl+U (delete the line) and Ctrl+E (end of line) for
    itself; the till's Ctrl+U (customer) and Ctrl+E (e-mail the receipt) must still work
    with the cursor in the scan field, where it always is."""
    till.until(lambda: "[DEMO]" in till.focused_window(), "the till window has the keyboard")
    time.sleep(1)
    till.key("ctrl+u")
    till.until(lambda: till.focused_window() == "Customer", "Ctrl+U opened the customers")
    till.key("Escape")
    till.until(lambda: "[DEMO]" in till.focused_window(), "back at the checkout")
    till.key("ctrl+e")  # no sale yet: the till says how Ctrl+E works
    till.until(lambda: "Ctrl+E e-mails the last receipt" in till.log_text(), "Ctrl+E answered")
