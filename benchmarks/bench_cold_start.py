"""Start-up: ``python -m pos_desktop`` on the 1M-product data dir until it prints READY.

The till is started as a subprocess (offscreen Qt) with ``--print-ready --quit-after 0.5``; the
clock runs from ``Popen`` to the READY line, which the app prints from the running event loop once
the main window is shown. The floor is ``python -c "import PySide6.QtWidgets"`` (interpreter plus
Qt's libraries, to exit), interleaved in the same run. The till's resident memory is read from
/proc right after READY (target <= 250 MB with 1M products).

The OS file cache is warm (one untimed run of each first): dropping it needs root and would slow
every other process on this shared machine, so these are warm starts, as after a till's first
start of the day.

Run alone: ``.venv/bin/python benchmarks/bench_cold_start.py [--quick]``.
"""

from __future__ import annotations

import os
import selectors
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, Figure, Stats, log, standard_main
from fixtures import products_for, till_data_dir

NAME = "cold_start"
LIMIT_S = 2.0
RSS_LIMIT_MB = 250.0
READY_TIMEOUT_S = 60.0


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def start_till(data_dir: Path) -> tuple[float, float | None]:
    """Seconds from Popen to READY, and the RSS in MB at that moment."""
    cmd = [sys.executable, "-m", "pos_desktop", "--data-dir", str(data_dir)]
    cmd += ["--print-ready", "--quit-after", "0.5"]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=err, text=True
        )
        try:
            elapsed, rss = _wait_ready(proc, t0)
        finally:
            if proc.poll() is None:
                try:
                    proc.wait(timeout=READY_TIMEOUT_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            proc.stdout.close()
        if elapsed is None:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"The till never printed READY (exit {proc.returncode}):\n{tail}")
    return elapsed, rss


def _wait_ready(proc: subprocess.Popen, t0: float) -> tuple[float | None, float | None]:
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.perf_counter() - t0 < READY_TIMEOUT_S:
            if not sel.select(timeout=1.0):
                continue
            line = proc.stdout.readline()
            if not line:
                return None, None  # EOF: the process ended without READY
            if line.strip() == "READY":
                elapsed = time.perf_counter() - t0
                return elapsed, _rss_mb(proc.pid)
    proc.kill()
    return None, None


def import_qt_floor() -> float:
    """Seconds for a bare interpreter to import QtWidgets and exit."""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "import PySide6.QtWidgets"], env=_env(), check=True, cwd=ROOT
    )
    return time.perf_counter() - t0


def run(quick: bool = False, products: int | None = None) -> list[Figure]:
    products = products_for(quick, products)
    runs = 3 if quick else 7
    data_dir = till_data_dir(products)
    log(f"cold_start: {runs} starts of the till at {products:,} products ...")
    start_till(data_dir)  # warm the OS cache; not counted
    import_qt_floor()
    starts, floors, rss = [], [], []
    for _ in range(runs):
        seconds, mb = start_till(data_dir)
        starts.append(seconds)
        if mb is not None:
            rss.append(mb)
        floors.append(import_qt_floor())
    start = Figure(
        bench=NAME,
        name=f"start -> READY ({products // 1000}k products)",
        unit="s",
        stats=Stats.of(starts),
        floor=Stats.of(floors),
        target=f"p99 <= {LIMIT_S:g} s",
        extra={"floor": "python -c 'import PySide6.QtWidgets'", "warm_os_cache": True},
    )
    start.passed = start.stats.p99 <= LIMIT_S
    figures = [start]
    if rss:
        mem = Figure(
            bench=NAME,
            name=f"till RSS at READY ({products // 1000}k products)",
            unit="MB",
            stats=Stats.of(rss),
            target=f"<= {RSS_LIMIT_MB:g} MB",
            passed=max(rss) <= RSS_LIMIT_MB,
        )
        figures.append(mem)
    return figures


def main(argv: list[str] | None = None) -> int:
    return standard_main(NAME, __doc__, run, argv)


if __name__ == "__main__":
    sys.exit(main())
