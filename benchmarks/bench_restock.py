"""Restock forecast: backtest over a generated sales history, and the cost of a forecast.

History: --products products (seeded random generator, reproducible), --days days each, with a
weekly pattern (quiet Monday, busy Friday/Saturday), a slow trend and Poisson noise
(``pos_cloud.forecast.demo_history``; base rates 0.5, 2, 5 or 12 units a day). The first
--train days only teach the forecast; from then on every day is replayed: each morning the
policy is refitted on all days so far and orders up to its level when stock plus on order is at
or below its reorder point; an order arrives --lead-time days later; unmet demand is lost.

Policies compared on the same demand:
- ours: exponential smoothing with weekday factors, safety stock from its own forecast error;
- naive: the last four weeks' mean times the lead time (a min/max set by hand), no safety;
- naive + safety: that mean plus the same safety rule computed from the spread of daily sales.

Also: mean absolute error of the units sold over the next lead time, forecast each day (ours vs
the four-week mean); and the time to fit one product's 56-day history and compute its reorder
point (p50/p99), beside the floor of the same loop computing only the plain mean.

Usage: bench_restock.py [--products 200 --days 168 --train 56 --lead-time 3 --seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import Stats, now_ns, save_result  # noqa: E402

from pos_cloud import forecast  # noqa: E402


def _ours(history, lead):
    return forecast.policy(forecast.fit(history), lead)


POLICIES = {
    "ours": _ours,
    "naive": forecast.naive_policy,
    "naive_safety": forecast.naive_safety_policy,
}


def backtest(products: list[list[float]], train: int, lead: int) -> dict:
    out = {}
    for name, make in POLICIES.items():
        stockouts = lost = held = orders = 0.0
        for demand in products:
            start = sum(demand[train - 7 : train])  # a week's stock at the start
            result = forecast.simulate(demand, train, lead, make, start)
            stockouts += result.stockout_days
            lost += result.lost_units
            held += result.mean_on_hand
            orders += result.orders
        out[name] = {
            "stockout_days": int(stockouts),
            "lost_units": round(lost, 1),
            "mean_on_hand_per_product": round(held / len(products), 2),
            "orders": int(orders),
        }
    return out


def timing(products: list[list[float]], lead: int, rounds: int = 5) -> dict:
    subject, floor = [], []
    histories = [p[:56] for p in products]
    for _ in range(rounds):
        for history in histories:
            t0 = now_ns()
            forecast.policy(forecast.fit(history), lead)
            t1 = now_ns()
            forecast.naive_policy(history, lead)
            t2 = now_ns()
            subject.append((t1 - t0) / 1000)
            floor.append((t2 - t1) / 1000)
    s, f = Stats.of(subject), Stats.of(floor)
    return {
        "unit": "microseconds per product",
        "p50": round(s.p50, 1),
        "p99": round(s.p99, 1),
        "floor_plain_mean_p50": round(f.p50, 1),
        "floor_plain_mean_p99": round(f.p99, 1),
        "ratio_p50": round(s.p50 / f.p50, 1) if f.p50 else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--days", type=int, default=168)
    parser.add_argument("--train", type=int, default=56)
    parser.add_argument("--lead-time", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if not 14 <= args.train < args.days:
        parser.error("--train must be at least 14 and below --days")
    rng = random.Random(args.seed)
    products = [
        forecast.demo_history(args.days, rng.choice([0.5, 2, 5, 12]), rng)
        for _ in range(args.products)
    ]
    results = backtest(products, args.train, args.lead_time)
    errors = [forecast.forecast_errors(p, args.train, args.lead_time) for p in products]
    mae_ours = sum(e[0] for e in errors) / len(errors)
    mae_naive = sum(e[1] for e in errors) / len(errors)
    product_days = args.products * (args.days - args.train)
    ours, naive = results["ours"], results["naive"]
    doc = {
        "name": "restock",
        "params": vars(args),
        "product_days_replayed": product_days,
        "policies": results,
        "stockout_days_avoided_vs_naive": naive["stockout_days"] - ours["stockout_days"],
        "stockout_days_avoided_vs_naive_safety": results["naive_safety"]["stockout_days"]
        - ours["stockout_days"],
        "forecast_mae_units_over_lead_time": {
            "ours": round(mae_ours, 3),
            "four_week_mean": round(mae_naive, 3),
        },
        "fit_time": timing(products, args.lead_time),
        "command": "benchmarks/bench_restock.py " + " ".join(argv or sys.argv[1:]),
    }
    save_result("restock", doc)
    print(json.dumps(doc, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
