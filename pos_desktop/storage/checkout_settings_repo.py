"""Checkout settings (cash rounding, other tenders, discount limit) as key/value rows."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.loyalty_rules import (
    group_rates_text,
    parse_group_rates,
    parse_tiers,
    tiers_text,
)
from pos_desktop.domain.payment import CheckoutSettings


def load_checkout_settings(db: SqliteDatabase) -> CheckoutSettings:
    """The stored settings; missing keys take their defaults."""
    rows = dict(db.execute_sql("SELECT key, value FROM checkout_setting").fetchall())
    values: dict = {}
    if "cash_increment_minor" in rows:
        values["cash_increment_minor"] = int(rows["cash_increment_minor"])
    if "other_tenders" in rows:
        values["other_tenders"] = tuple(json.loads(rows["other_tenders"]))
    if "max_discount_percent" in rows:
        values["max_discount_percent"] = Decimal(rows["max_discount_percent"])
    if "override_reasons" in rows:
        values["override_reasons"] = tuple(json.loads(rows["override_reasons"]))
    if "drawer_tenders" in rows:
        values["drawer_tenders"] = tuple(json.loads(rows["drawer_tenders"]))
    for key in (
        "loyalty_points_per_unit",
        "loyalty_point_value_minor",
        "gift_card_offline_limit_minor",
        "gift_card_offline_till_limit_minor",
    ):
        if key in rows:
            values[key] = int(rows[key])
    if "loyalty_group_rates" in rows:
        values["loyalty_group_rates"] = parse_group_rates(rows["loyalty_group_rates"])
    if "loyalty_tiers" in rows:
        values["loyalty_tiers"] = parse_tiers(rows["loyalty_tiers"])
    return CheckoutSettings(**values)


def save_checkout_settings(db: SqliteDatabase, settings: CheckoutSettings) -> None:
    values = asdict(settings)
    with db.atomic():
        for key, value in values.items():
            if key == "loyalty_group_rates":
                text = group_rates_text(value)
            elif key == "loyalty_tiers":
                text = tiers_text(value)
            else:
                text = json.dumps(list(value)) if isinstance(value, tuple) else str(value)
            db.execute_sql(
                "INSERT INTO checkout_setting (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )
