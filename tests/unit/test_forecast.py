"""The restock forecast (pos_cloud/forecast.py): weekdays are learnt, safety grows with the
lead time and the noise, and on a generated history the policy beats the plain average."""

from __future__ import annotations

import random

import pytest

from pos_cloud import forecast


def test_a_weekly_pattern_is_learnt():
    week = [2, 4, 4, 4, 8, 10, 2]
    fitted = forecast.fit([float(x) for x in week * 8])
    assert [round(fitted.day(i), 6) for i in range(1, 8)] == pytest.approx(week, rel=1e-6)
    assert fitted.error_sd == pytest.approx(0.0, abs=1e-9)


def test_no_history_orders_nothing():
    rule = forecast.policy(forecast.fit([]), 3)
    assert (rule.reorder_point, rule.order_up_to) == (0.0, 0.0)


def test_safety_stock_grows_with_lead_time_and_noise():
    rng = random.Random(3)
    calm = forecast.fit([5.0] * 56)
    noisy = forecast.fit([float(rng.choice([0, 10])) for _ in range(56)])
    assert forecast.policy(calm, 3).reorder_point == pytest.approx(15.0)
    assert forecast.policy(noisy, 3).reorder_point > forecast.policy(calm, 3).reorder_point
    assert forecast.policy(noisy, 7).reorder_point > forecast.policy(noisy, 3).reorder_point


def _ours(history, lead_time_days):
    return forecast.policy(forecast.fit(history), lead_time_days)


def test_backtest_on_a_generated_history_avoids_most_stock_outs():
    rng = random.Random(7)
    products = [forecast.demo_history(112, rng.choice([1, 3, 8]), rng) for _ in range(12)]
    ours = naive = 0
    for demand in products:
        start = sum(demand[49:56])
        ours += forecast.simulate(demand, 56, 3, _ours, start).stockout_days
        naive += forecast.simulate(demand, 56, 3, forecast.naive_policy, start).stockout_days
    assert ours < naive / 2
    mae_ours, mae_naive = forecast.forecast_errors(products[0], 56, 3)
    assert mae_ours < mae_naive
