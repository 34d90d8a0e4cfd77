"""Restock arithmetic: a daily sales forecast with weekly seasonality, reorder points, and the
backtest that measures them. Pure Python, no database (restock.py feeds it the history).

The forecast is exponential smoothing of the de-seasonalised daily sales (a level, smoothed
with ``ALPHA``) times a weekday factor (each weekday's mean over the overall mean, so a shop that
sells twice as much on Saturdays orders for it). The safety stock comes from how wrong the
forecast of a whole lead time was over the history (replayed: the level as it stood on each day
against the sales of the days that followed; errors of neighbouring days do not cancel):

    reorder point = forecast over the lead time + Z * SD of those lead-time errors
    order up to   = forecast over the lead time and the review period + the same safety stock

Quantities here are estimates, so they are floats; what is shown and ordered is rounded up to
whole units (restock.py).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

ALPHA = 0.15  # smoothing of the level: about the last two weeks carry the weight
Z = 1.65  # safety factor: enough for ~95 % of lead times without a stock-out
WEEK = 7


@dataclass(frozen=True, slots=True)
class Forecast:
    level: float  # de-seasonalised daily sales now
    weekday_factor: tuple[float, ...]  # index 0 = the weekday of history[0]
    error_sd: float  # of the one-day-ahead forecasts over the history
    days: int  # of history
    history: tuple[float, ...] = ()
    levels: tuple[float, ...] = ()  # the level before each day of history

    def lead_time_error_sd(self, lead: int) -> float:
        """SD of (forecast - actual) of the sales over ``lead`` days, replayed on the history
        from its second week on; few days of history: the one-day SD scaled up."""
        errors = []
        for start in range(WEEK, self.days - lead + 1):
            expected = sum(
                self.levels[start] * self.weekday_factor[(start + k) % WEEK] for k in range(lead)
            )
            errors.append(sum(self.history[start : start + lead]) - expected)
        if len(errors) < WEEK:
            return self.error_sd * math.sqrt(lead)
        return math.sqrt(sum(e * e for e in errors) / len(errors))

    def day(self, ahead: int) -> float:
        """Expected sales ``ahead`` days after the last day of history (1 = tomorrow)."""
        return self.level * self.weekday_factor[(self.days - 1 + ahead) % WEEK]

    def over(self, first: int, count: int) -> float:
        return sum(self.day(first + i) for i in range(count))


def fit(history: Sequence[float]) -> Forecast:
    """The forecast after ``history`` (units sold per day, oldest first, no gaps)."""
    days = len(history)
    if days == 0:
        return Forecast(0.0, (1.0,) * WEEK, 0.0, 0)
    mean = sum(history) / days
    factors = []
    for weekday in range(WEEK):
        same = history[weekday::WEEK]
        factors.append((sum(same) / len(same) / mean) if same and mean > 0 else 1.0)
    level = sum(history[: min(WEEK, days)]) / min(WEEK, days) / 1.0
    level = level / (sum(factors[: min(WEEK, days)]) / min(WEEK, days) or 1.0)
    squared, counted, levels = 0.0, 0, []
    for i, sold in enumerate(history):
        levels.append(level)
        factor = factors[i % WEEK] or 1.0
        if i >= WEEK:  # the first week only sets the level
            squared += (sold - level * factor) ** 2
            counted += 1
        level = ALPHA * (sold / factor) + (1 - ALPHA) * level
    sd = math.sqrt(squared / counted) if counted else math.sqrt(max(mean, 0.0))
    return Forecast(level, tuple(factors), sd, days, tuple(history), tuple(levels))


@dataclass(frozen=True, slots=True)
class Policy:
    reorder_point: float
    order_up_to: float
    daily: float  # average forecast per day over the lead time


def policy(forecast: Forecast, lead_time_days: int, review_days: int = WEEK) -> Policy:
    """Reorder point and order-up-to level for the next ``lead_time_days``."""
    lead = max(1, lead_time_days)
    safety = Z * forecast.lead_time_error_sd(lead)
    during_lead = forecast.over(1, lead)
    return Policy(
        during_lead + safety,
        forecast.over(1, lead + review_days) + safety,
        during_lead / lead,
    )


def naive_policy(history: Sequence[float], lead_time_days: int, review_days: int = WEEK):
    """The baseline: the last four weeks' mean times the lead time, no safety stock, no
    weekdays (a min/max many shops set once by hand)."""
    recent = history[-28:] or [0.0]
    mean = sum(recent) / len(recent)
    lead = max(1, lead_time_days)
    return Policy(mean * lead, mean * (lead + review_days), mean)


def naive_safety_policy(history: Sequence[float], lead_time_days: int, review_days: int = WEEK):
    """The second baseline: the last four weeks' mean with the same safety rule as ours but
    computed from the spread of daily sales (no weekdays): isolates what the weekdays add."""
    recent = history[-28:] or [0.0]
    mean = sum(recent) / len(recent)
    sd = math.sqrt(sum((x - mean) ** 2 for x in recent) / len(recent))
    lead = max(1, lead_time_days)
    safety = Z * sd * math.sqrt(lead)
    return Policy(mean * lead + safety, mean * (lead + review_days) + safety, mean)


# --- backtest -------------------------------------------------------------------------------


def demo_history(days: int, base: float, rng: random.Random) -> list[float]:
    """Daily sales of one product: a weekly pattern (quiet Monday, busy Friday/Saturday), a slow
    trend and Poisson noise; what a small shop's demo history looks like."""
    pattern = (0.6, 0.8, 0.9, 1.0, 1.4, 1.7, 0.6)
    trend = rng.uniform(-0.3, 0.5) / days
    out = []
    for d in range(days):
        mean = max(0.05, base * pattern[d % WEEK] * (1 + trend * d))
        out.append(float(_poisson(mean, rng)))
    return out


def _poisson(mean: float, rng: random.Random) -> int:
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass(frozen=True, slots=True)
class Outcome:
    stockout_days: int  # days on which demand was not fully met
    lost_units: float
    mean_on_hand: float
    orders: int


def simulate(
    demand: Sequence[float],
    train_days: int,
    lead_time_days: int,
    make_policy,
    start_on_hand: float,
) -> Outcome:
    """Replay ``demand`` from ``train_days`` on: each morning the policy (refitted on all days
    so far) orders up to its level when stock + on order is at or below its reorder point; an
    order arrives ``lead_time_days`` later; unmet demand is lost."""
    on_hand, pipeline = start_on_hand, {}  # arrival day -> units
    stockouts, lost, held, orders = 0, 0.0, 0.0, 0
    for day in range(train_days, len(demand)):
        on_hand += pipeline.pop(day, 0.0)
        rule = make_policy(demand[:day], lead_time_days)
        on_order = sum(pipeline.values())
        if on_hand + on_order <= rule.reorder_point:
            quantity = math.ceil(rule.order_up_to - on_hand - on_order)
            if quantity > 0:
                pipeline[day + lead_time_days] = pipeline.get(day + lead_time_days, 0) + quantity
                orders += 1
        sold = min(on_hand, demand[day])
        if sold < demand[day]:
            stockouts += 1
            lost += demand[day] - sold
        on_hand -= sold
        held += on_hand
    days = max(1, len(demand) - train_days)
    return Outcome(stockouts, lost, held / days, orders)


def forecast_errors(demand: Sequence[float], train_days: int, horizon: int) -> tuple[float, float]:
    """Mean absolute error of the sales over the next ``horizon`` days, forecast each day from
    ``train_days`` on: (smoothing with weekdays, the last four weeks' mean)."""
    ours, naive, n = 0.0, 0.0, 0
    for day in range(train_days, len(demand) - horizon + 1):
        actual = sum(demand[day : day + horizon])
        ours += abs(fit(demand[:day]).over(1, horizon) - actual)
        naive += abs(naive_policy(demand[:day], horizon, 0).reorder_point - actual)
        n += 1
    return ours / max(1, n), naive / max(1, n)
