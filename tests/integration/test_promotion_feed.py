"""The till's side of the cloud's promotions feed and of the products' categories."""

from __future__ import annotations

from datetime import UTC, datetime

from pos_desktop.domain.promotions import BuyXGetY, PercentOff
from pos_desktop.storage import promotion_repo
from pos_desktop.storage.migrations import m0032_category_groups
from pos_desktop.storage.promotion_repo import PromotionRepository

NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


def _item(pid: str, op: str = "upsert", **data) -> dict:
    base = {
        "name": "Snacks 10 %",
        "kind": "PercentOff",
        "params": {"percent": "10"},
        "product_ids": [],
        "category": "Snacks",
        "starts_at": None,
        "ends_at": None,
        "active": True,
    }
    return {"op": op, "id": pid, "data": {**base, **data}}


def _product(pid: str, category: str | None, op: str = "upsert") -> dict:
    data = {"id": pid, "sku": pid, "name": pid, "price_minor": 100, "tax_code": "A"}
    return {"op": op, "id": pid, "data": {**data, "active": True, "category": category}}


def _by_id(repo: PromotionRepository) -> dict:
    return {p.promotion_id: p for p in repo.promotions()}


def _loaded(db) -> dict:
    return _by_id(PromotionRepository(db, recheck_after_s=0))


def test_a_category_promotion_covers_the_products_in_that_category(till):
    db = till.db
    promotion_repo.apply_categories(db, [_product("p1", "Snacks"), _product("p2", None)], NOW)
    assert promotion_repo.apply_feed(db, [_item("c1")], NOW) == 1
    promo = _loaded(db)["c1"]
    assert isinstance(promo, PercentOff) and promo.product_ids == {"p1"}
    repo = PromotionRepository(db, recheck_after_s=0)
    assert _by_id(repo)["c1"].product_ids == {"p1"}
    # p2 moves into Snacks, p1 out of it: the cached promotion reloads (same member count).
    promotion_repo.apply_categories(db, [_product("p1", "Drinks"), _product("p2", "Snacks")], NOW)
    assert _by_id(repo)["c1"].product_ids == {"p2"}
    # A product removed in the cloud leaves the group; an older cloud (no category) keeps it.
    promotion_repo.apply_categories(db, [_product("p2", "Snacks", op="delete")], NOW)
    assert _loaded(db)["c1"].product_ids == frozenset()
    old = _product("p1", None)
    del old["data"]["category"]
    assert promotion_repo.apply_categories(db, [old], NOW) == 0
    members = db.execute_sql("SELECT group_code FROM product_group_member WHERE product_id='p1'")
    assert [c for (c,) in members] == ["category:Drinks"]


def test_fed_promotions_keep_their_rule_window_and_end(till):
    db = till.db
    item = _item(
        "b1",
        kind="BuyXGetY",
        params={"buy": 2, "get": 1, "percent_off": "50"},
        product_ids=["x", "y"],
        category=None,
        starts_at="2026-12-01T00:00:00+00:00",
        ends_at="2026-12-25T00:00:00+00:00",
    )
    promotion_repo.apply_feed(db, [item], NOW)
    promo = _loaded(db)["b1"]
    assert isinstance(promo, BuyXGetY) and promo.percent_off == 50 and promo.buy == 2
    assert promo.product_ids == {"x", "y"}
    assert promo.is_active(NOW) and not promo.is_active(datetime(2026, 12, 25, tzinfo=UTC))
    promotion_repo.apply_feed(db, [{**item, "data": {**item["data"], "active": False}}], NOW)
    assert "b1" not in _loaded(db)
    promotion_repo.apply_feed(db, [item], NOW)
    promotion_repo.apply_feed(db, [_item("b1", op="delete")], NOW)
    assert "b1" not in _loaded(db)


def test_a_promotion_this_till_cannot_run_is_switched_off_not_fatal(till):
    db = till.db
    promotion_repo.apply_feed(db, [_item("k1")], NOW)
    bad = [
        _item("k1", kind="Lottery"),  # a kind of a newer cloud
        _item("k2", params={"percent": "150"}),
        _item("k3", params={"percent": "ten"}),
        _item("k4", params={"percent": "10", "colour": "red"}),
    ]
    assert promotion_repo.apply_feed(db, bad, NOW) == 0
    loaded = _loaded(db)  # pricing still loads the others
    assert not {"k1", "k2", "k3", "k4"} & set(loaded)


def test_migration_0032_is_re_runnable(till):
    m0032_category_groups.upgrade(till.db)
    m0032_category_groups.upgrade(till.db)
    indexes = till.db.execute_sql("PRAGMA index_list(product_group_member)").fetchall()
    assert any(row[1] == "product_group_member_product" for row in indexes)
