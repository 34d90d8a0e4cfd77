"""Fuzz (hypothesis) every cloud parser and amount field this module bounds: each input is
accepted or refused with the documented error, never another exception."""

from __future__ import annotations

import datetime as dt
import json
import math
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from pos_cloud import ingest
from pos_cloud.errors import BadInput
from pos_cloud.feeds import parse_cursor
from pos_cloud.guards import MAX_JSON_DEPTH, parse_json
from pos_cloud.models import Store
from pos_cloud.schemas import MAX_AMOUNT, EventIn, SaleCompletedIn

from .conftest import sale_payload

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_parse_json_accepts_json_or_raises_a_decode_error(body):
    try:
        parse_json(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        pass


def _all_finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(_all_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    return True


@FUZZ
@given(json_values)
def test_parse_json_round_trips_finite_values_and_refuses_the_rest(value):
    text = json.dumps(value)
    finite = _all_finite(value)  # not a text search: a string may well say "NaN"
    try:
        parsed = parse_json(text.encode())
    except json.JSONDecodeError as exc:
        assert not finite, exc
        return
    assert finite and parsed == value


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 5000])
def test_parse_json_depth_limit(depth):
    text = "[" * depth + "]" * depth
    if depth <= MAX_JSON_DEPTH:
        assert parse_json(text.encode()) is not None
    else:
        with pytest.raises(json.JSONDecodeError, match="nested deeper"):
            parse_json(text.encode())


@FUZZ
@given(st.text(max_size=40) | st.integers(min_value=-(2**70), max_value=2**70).map(str))
def test_parse_cursor_gives_a_bigint_or_bad_input(text):
    try:
        value = parse_cursor(text)
    except BadInput:
        return
    assert 0 <= value < 2**63


def _sale(**change) -> dict:
    return {**sale_payload(), **change}


@FUZZ
@given(
    st.sampled_from(["total_minor", "tax_minor", "subtotal_minor"]),
    st.integers(min_value=-(2**80), max_value=2**80) | st.floats() | st.text(max_size=5),
)
def test_sale_amounts_are_bounded_integers(field, value):
    try:
        sale = SaleCompletedIn.model_validate(_sale(**{field: value}))
    except ValidationError:
        assert not (type(value) is int and abs(value) <= MAX_AMOUNT)
        return
    assert type(value) is int and abs(getattr(sale, field)) <= MAX_AMOUNT


@FUZZ
@given(
    st.sampled_from(["unit_price_minor", "line_total_minor", "tax_minor"]),
    st.integers(min_value=-(2**80), max_value=2**80),
)
def test_line_and_payment_amounts_are_bounded(field, value):
    line = {**sale_payload()["lines"][0], field: value}
    payment = {**sale_payload()["payments"][0], "amount_minor": value}
    ok = abs(value) <= MAX_AMOUNT
    for change in ({"lines": [line]}, {"payments": [payment]}):
        try:
            SaleCompletedIn.model_validate(_sale(**change))
            assert ok
        except ValidationError:
            assert not ok


@FUZZ
@given(
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)),
    st.integers(min_value=-23 * 60, max_value=23 * 60),
)
def test_event_times_are_in_range_or_refused(moment, offset_minutes):
    aware = moment.replace(tzinfo=dt.timezone(dt.timedelta(minutes=offset_minutes)))
    event = {
        "event_id": str(uuid.uuid4()),
        "seq": 1,
        "type": "note",
        "occurred_at": aware.isoformat(),
        "payload": {},
    }
    try:
        parsed = EventIn.model_validate(event)
    except ValidationError as exc:
        assert "between 1970 and 9000" in str(exc)
        return
    # What was accepted converts to UTC and to a store's business day without overflow.
    utc = parsed.occurred_at.astimezone(dt.UTC).replace(tzinfo=None)
    ingest.business_day(utc, "Pacific/Kiritimati")
    ingest.business_day(utc, "Etc/GMT+12")


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["event_id", "seq", "type", "occurred_at", "payload", "journal_hash"]),
        json_values,
    ),
    st.booleans(),
)
def test_prepare_rejects_any_malformed_event_without_raising(raw, as_sale):
    if as_sale:
        raw = {**raw, "type": "sale.completed", "payload": {**sale_payload(), **raw}}
    store = Store(id="s", currency="EUR", timezone="UTC")
    item = ingest._prepare(raw, store)
    assert (item.problem is None) == (item.event is not None and bool(item.body_hash))


@FUZZ
@given(
    st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats()
    | st.text(max_size=5)
    | st.booleans()
)
def test_admin_amounts_are_bounded_integers(value):
    from pos_cloud.schemas import PriceIn, ProductIn, TaxRateIn

    checks = [
        (lambda v: PriceIn.model_validate({"price_minor": v}), 0, MAX_AMOUNT),
        (
            lambda v: ProductIn.model_validate({"name": "n", "price_minor": v, "tax_code": "A"}),
            0,
            MAX_AMOUNT,
        ),
        (lambda v: TaxRateIn.model_validate({"name": "n", "rate_bp": v}), 0, 10_000),
    ]
    for build, low, high in checks:
        ok = type(value) is int and low <= value <= high
        try:
            build(value)
            assert ok
        except ValidationError:
            assert not ok
