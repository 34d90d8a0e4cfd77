"""Timing helpers shared by the benchmarks: clocks, statistics, a table and a JSON writer.

Every bench script puts the repository root on ``sys.path`` by importing this module first, so
``python benchmarks/bench_lookup.py`` works from anywhere without installing the package.
"""

from __future__ import annotations

import json
import math
import os
import platform
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
CACHE_DIR = BENCH_DIR / ".cache"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NS_PER_MS = 1_000_000


def now_ns() -> int:
    """A monotonic, high-resolution timestamp in nanoseconds."""
    return time.perf_counter_ns()


def percentile(samples: Sequence[float], pct: float) -> float:
    """The nearest-rank percentile (``pct`` in 0..100) of ``samples``; p99 of 7 runs is the max."""
    if not samples:
        raise ValueError("percentile() needs at least one sample.")
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Stats:
    """Summary of one series of timings, in milliseconds (or the unit the caller says)."""

    n: int
    p50: float
    p99: float
    min: float
    max: float
    mean: float

    @classmethod
    def of(cls, samples: Sequence[float]) -> Stats:
        return cls(
            n=len(samples),
            p50=percentile(samples, 50),
            p99=percentile(samples, 99),
            min=min(samples),
            max=max(samples),
            mean=sum(samples) / len(samples),
        )


def ns_to_ms(samples_ns: Iterable[int]) -> list[float]:
    return [s / NS_PER_MS for s in samples_ns]


def time_each(fn: Callable[[Any], Any], args: Iterable[Any]) -> list[float]:
    """Call ``fn(arg)`` once per arg and return each call's wall time in ms."""
    out = []
    for arg in args:
        t0 = time.perf_counter_ns()
        fn(arg)
        out.append((time.perf_counter_ns() - t0) / NS_PER_MS)
    return out


@dataclass
class Figure:
    """One reported figure: its statistics, its target, the floor and whether it passed.

    ``passed`` is None when there is no target to judge (a figure reported for information).
    """

    bench: str
    name: str
    unit: str
    stats: Stats
    target: str = ""
    passed: bool | None = None
    floor: Stats | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # shown next to the verdict, e.g. why a miss is the hardware's

    @property
    def ratio_p50(self) -> float | None:
        return self.stats.p50 / self.floor.p50 if self.floor and self.floor.p50 else None

    @property
    def ratio_p99(self) -> float | None:
        return self.stats.p99 / self.floor.p99 if self.floor and self.floor.p99 else None

    def evaluate(self, limit: float, max_ratio: float | None = None, floor_name: str = "floor"):
        """Set ``passed`` from the p99 limit and the p99 ratio to the floor; explain a miss the
        floor itself causes (when the floor's own p99 is over the limit, no code can meet it)."""
        self.passed = judge(self.stats.p99, limit, self.ratio_p99, max_ratio)
        ratio_ok = max_ratio is None or (self.ratio_p99 is not None and self.ratio_p99 <= max_ratio)
        if not self.passed and ratio_ok and self.floor and self.floor.p99 > limit:
            self.note = f"{floor_name} p99 > {limit:g} {self.unit}"
        return self

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio_p50"] = self.ratio_p50
        data["ratio_p99"] = self.ratio_p99
        return data


def judge(p99: float, limit: float, ratio: float | None = None, max_ratio: float | None = None):
    """Pass when p99 is within ``limit`` and (if a floor exists) the p99 ratio within bounds."""
    ok = p99 <= limit
    if max_ratio is not None:
        ok = ok and ratio is not None and ratio <= max_ratio
    return ok


def machine_info() -> dict[str, Any]:
    """What the figures depend on: CPU count, Python, SQLite, OS."""
    info: dict[str, Any] = {
        "cpu_count": os.cpu_count(),
        "python": sys.version.split()[0],
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "machine": platform.machine(),
    }
    if hasattr(os, "getloadavg"):
        # other work on a shared machine shows up in the tails; record how busy it was
        info["load_avg_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from PySide6 import __version__ as pyside_version

        info["pyside6"] = pyside_version
    except ImportError:
        pass
    return info


def _fmt(value: float | None, digits: int = 3) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.{digits}f}"


TABLE_HEADERS = (
    "figure",
    "unit",
    "n",
    "p50",
    "p99",
    "min",
    "floor p50",
    "floor p99",
    "x floor p99",
    "target",
    "result",
)


def table_rows(figures: Iterable[Figure]) -> list[tuple[str, ...]]:
    rows = []
    for f in figures:
        verdict = "-" if f.passed is None else ("PASS" if f.passed else "FAIL")
        if f.note:
            verdict += f" ({f.note})"
        rows.append(
            (
                f.name,
                f.unit,
                str(f.stats.n),
                _fmt(f.stats.p50),
                _fmt(f.stats.p99),
                _fmt(f.stats.min),
                _fmt(f.floor.p50 if f.floor else None),
                _fmt(f.floor.p99 if f.floor else None),
                _fmt(f.ratio_p99, 2),
                f.target or "-",
                verdict,
            )
        )
    return rows


def format_table(figures: Iterable[Figure], *, markdown: bool = False) -> str:
    """A plain-text (or Markdown) table of figures, one row each."""
    rows = table_rows(figures)
    if markdown:
        lines = ["| " + " | ".join(TABLE_HEADERS) + " |", "|" + "---|" * len(TABLE_HEADERS)]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(TABLE_HEADERS)]
    line = "  ".join(h.ljust(w) for h, w in zip(TABLE_HEADERS, widths, strict=True))
    out = [line, "-" * len(line)]
    for r in rows:
        out.append("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(out)


def print_table(figures: Iterable[Figure]) -> None:
    print(format_table(figures), flush=True)


def wait_until_healthy(client: Any, attempts: int = 300) -> None:
    """Poll ``GET /v1/health`` on an httpx client until the cloud server answers (~30 s max)."""
    import httpx  # only the cloud benchmarks need it

    for _ in range(attempts):
        try:
            client.get("/v1/health")
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError("the cloud server did not answer /v1/health in time")


def save_result(name: str, doc: dict[str, Any]) -> Path:
    """Write ``doc`` to ``benchmarks/results/<name>.json`` (the folder is made on a fresh clone)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def write_json(name: str, figures: Sequence[Figure], params: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>.json`` with the figures, parameters and machine info.

    A ``--quick`` run writes ``<name>-quick.json`` so it never overwrites the real figures.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    if params.get("quick"):
        name += "-quick"
    path = RESULTS_DIR / f"{name}.json"
    doc = {
        "name": name,
        "when_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine_info(),
        "params": params,
        "figures": [f.to_json() for f in figures],
    }
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return path


def standard_args(description: str, argv: list[str] | None = None):
    """Parse the options every bench accepts alone: ``--quick`` and ``--products N``."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--quick", action="store_true", help="100,000 products and fewer iterations (a fast check)"
    )
    parser.add_argument("--products", type=int, default=None, help="catalogue size to use")
    return parser.parse_args(argv)


def log(message: str) -> None:
    """Progress goes to stderr so the tables on stdout stay clean."""
    print(message, file=sys.stderr, flush=True)


def standard_main(
    name: str,
    doc: str,
    run: Callable[[bool, int | None], Sequence[Figure]],
    argv: list[str] | None = None,
) -> int:
    """A bench's whole command line: options, run, table, JSON; exit 1 when a target is missed."""
    args = standard_args(doc.splitlines()[0], argv)
    figures = run(args.quick, args.products)
    print_table(figures)
    write_json(name, figures, {"quick": args.quick, "products": args.products})
    return 0 if all(f.passed is not False for f in figures) else 1
