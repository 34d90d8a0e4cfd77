"""Bonus-points promotions on the web (issue 18): the owner makes one with a points multiplier
and/or extra points per piece, bad values are refused with a clear message, and the feed
carries what the till runs.

Runs against the real app under uvicorn on loopback, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from pos_desktop.domain.promotions import BonusPoints
from pos_desktop.storage.promotion_repo import promotion_from_feed
from tests.cloud.backoffice_helpers import set_up_and_sign_in
from tests.cloud.test_backoffice_promotions import _feed, _post, _store_with_coffee


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def test_owner_makes_a_bonus_points_promotion_the_till_runs(owner, cloud):
    till, base = _store_with_coffee(cloud)
    assert 'value="BonusPoints"' in owner.get(base).text
    r = _post(
        owner,
        base,
        name="Double points on coffee",
        kind="BonusPoints",
        multiplier="x2",
        extra_points="50",
        skus="ESP",
        category="Bakery",
    )
    assert r.status_code == 303, r.text[-500:]
    page = owner.get(r.headers["location"]).text
    row = re.search(r'data-testid="promotion-Double points on coffee">(.*?)</tr>', page, re.S)
    assert "x2 points, +50 points each" in row.group(1)
    (item,) = _feed(till, "promotions").values()
    assert item["data"]["kind"] == "BonusPoints"
    assert item["data"]["params"] == {"multiplier": "2", "extra_points": 50}
    promo = promotion_from_feed(item["id"], item["data"])  # what the till makes of it
    assert isinstance(promo, BonusPoints)
    assert promo.multiplier == Decimal(2) and promo.extra_points == 50
    edit = owner.get(f"{base}/{item['id']}").text
    assert 'name="multiplier" inputmode="decimal" size="5" value="2"' in edit
    assert 'name="extra_points" inputmode="numeric" size="7" value="50"' in edit

    cursor = till.client.get("/v1/feed/promotions").json()["cursor"]
    r = _post(
        owner,
        f"{base}/{item['id']}",
        name="Triple points",
        kind="BonusPoints",
        multiplier="2,5",
        extra_points="",
        skus="ESP",
    )
    assert r.status_code == 303, r.text[-500:]
    (changed,) = till.client.get(f"/v1/feed/promotions?after={cursor}").json()["items"]
    assert changed["data"]["params"] == {"multiplier": "2.5", "extra_points": 0}


BONUS = {"name": "X", "kind": "BonusPoints", "skus": "ESP"}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "needs a multiplier above 1"),
        ({"multiplier": "1", "extra_points": "0"}, "needs a multiplier above 1"),
        ({"multiplier": "0.5"}, "from 1 to 100"),
        ({"multiplier": "101"}, "from 1 to 100"),
        ({"multiplier": "lots"}, "from 1 to 100"),
        ({"multiplier": "1.255"}, "at most 2 decimals"),
        ({"extra_points": "100001"}, "from 0 to 100000"),
        ({"extra_points": "-5"}, "not a whole number"),
        ({"extra_points": "2.5"}, "extra points per piece"),
    ],
)
def test_bad_bonus_values_say_what_is_wrong_and_write_nothing(owner, cloud, fields, message):
    till, base = _store_with_coffee(cloud)
    r = _post(owner, base, **BONUS, **fields)
    assert r.status_code == 422 and message in r.text, r.text[-800:]
    assert 'data-testid="promotion-error"' in r.text
    assert _feed(till, "promotions") == {}
