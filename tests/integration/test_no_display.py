"""Started without any display, the till says so (not "install the X libraries")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_pos_desktop_without_a_display_says_no_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    env["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(
        [sys.executable, "-m", "pos_desktop", "--demo", "--data-dir", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no display" in done.stderr.lower()
    assert "DISPLAY" in done.stderr and "WAYLAND_DISPLAY" in done.stderr
    assert "apt-get install" not in done.stderr  # the libraries are not the problem
