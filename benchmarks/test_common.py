"""Tests of the benchmark helpers (run: ``.venv/bin/python -m pytest benchmarks/test_common.py``).

Not under tests/ on purpose: the benchmarks are tools, not the product; these check the
statistics the published figures rest on.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
from common import Figure, Stats, format_table, judge, percentile  # noqa: E402

samples = st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=300)


def test_percentile_nearest_rank_on_known_data():
    data = list(range(1, 101))  # 1..100
    assert percentile(data, 50) == 50
    assert percentile(data, 99) == 99
    assert percentile(data, 100) == 100
    assert percentile([7, 1, 3], 99) == 7  # p99 of a few runs is their maximum


@given(samples)
def test_percentiles_are_samples_and_ordered(values):
    p50, p99 = percentile(values, 50), percentile(values, 99)
    assert p50 in values and p99 in values
    assert min(values) <= p50 <= p99 <= max(values)


@given(samples)
def test_at_least_pct_of_samples_are_at_or_below_the_percentile(values):
    p99 = percentile(values, 99)
    assert sum(v <= p99 for v in values) >= 0.99 * len(values)


def test_percentile_of_nothing_says_what_is_wrong():
    with pytest.raises(ValueError, match="at least one sample"):
        percentile([], 50)


def test_judge_needs_both_the_limit_and_the_floor_ratio():
    assert judge(0.9, 1.0)
    assert not judge(1.1, 1.0)
    assert judge(0.9, 1.0, ratio=2.9, max_ratio=3.0)
    assert not judge(0.9, 1.0, ratio=3.1, max_ratio=3.0)
    assert not judge(0.9, 1.0, ratio=None, max_ratio=3.0)  # a missing floor is not a pass


def test_figure_ratio_table_and_json(tmp_path, monkeypatch):
    fig = Figure(
        "lookup",
        "barcode lookup",
        "ms",
        Stats.of([1.0, 2.0, 4.0]),
        "p99 <= 5 ms",
        True,
        floor=Stats.of([1.0, 1.0, 2.0]),
        note="why",
    )
    assert fig.ratio_p99 == 2.0 and fig.ratio_p50 == 2.0
    text = format_table([fig])
    assert "barcode lookup" in text and "PASS (why)" in text and "2.00" in text
    assert format_table([fig], markdown=True).startswith("| figure |")
    monkeypatch.setattr(common, "RESULTS_DIR", tmp_path)
    doc = json.loads(common.write_json("x", [fig], {"quick": True}).read_text())
    assert doc["machine"]["cpu_count"] >= 1 and doc["machine"]["sqlite"]
    assert doc["figures"][0]["ratio_p99"] == 2.0 and doc["params"] == {"quick": True}
    assert (tmp_path / "x-quick.json").exists() and not (tmp_path / "x.json").exists()


def test_evaluate_blames_the_floor_only_when_the_floor_itself_misses():
    slow_disk = Figure("c", "commit", "ms", Stats.of([6.0]), floor=Stats.of([5.5]))
    assert slow_disk.evaluate(5.0, 2.0, "disk floor").passed is False
    assert slow_disk.note == "disk floor p99 > 5 ms"
    slow_code = Figure("c", "commit", "ms", Stats.of([6.0]), floor=Stats.of([1.0]))
    assert slow_code.evaluate(5.0, 2.0).passed is False and slow_code.note == ""
    fine = Figure("c", "commit", "ms", Stats.of([2.0]), floor=Stats.of([1.5]))
    assert fine.evaluate(5.0, 2.0).passed is True and fine.note == ""
