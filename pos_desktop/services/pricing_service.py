"""Promotions admin for the till: demo promotions, gift vouchers and checkout settings.

``seed_demo_promotions(db)`` is what ``--demo`` should call after writing the demo catalogue
(the products ``demo-00000001``... come from :mod:`pos_desktop.services.demo_data`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from peewee import SqliteDatabase

from pos_desktop.domain.money import Money
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.promotions import (
    AmountOff,
    BuyXGetY,
    MixAndMatch,
    PercentOff,
    Promotion,
    QuantityPrice,
)
from pos_desktop.storage.checkout_settings_repo import save_checkout_settings
from pos_desktop.storage.promotion_repo import save_promotion, set_group
from pos_desktop.storage.voucher_repo import VoucherRepository


def _demo(n: int) -> str:
    return f"demo-{n:08d}"


DEMO_GROUPS = {
    "dairy": [_demo(n) for n in (5, 6, 7, 10, 11, 12)],
    "bakery": [_demo(n) for n in range(13, 23)],
}


def demo_promotions() -> list[tuple[Promotion, str | None]]:
    """(promotion, product group) pairs shown in the demo and the docs."""
    return [
        (QuantityPrice(promotion_id="demo-milk-2-for-2", name="Milk 2 for 2.00",
                       product_ids=frozenset({_demo(1)}), quantity=2, price_minor=200,
                       priority=10), None),
        (MixAndMatch(promotion_id="demo-dairy-3-for-5", name="Any 3 cheese/yoghurt for 5.00",
                     product_ids=frozenset(), quantity=3, price_minor=500, priority=5), "dairy"),
        (BuyXGetY(promotion_id="demo-bakery-2-plus-1", name="Bakery: buy 2 get 1 free",
                  product_ids=frozenset(), buy=2, get=1, exclusive=True, priority=5), "bakery"),
        (PercentOff(promotion_id="demo-oat-10", name="Oat drink 10% off",
                    product_ids=frozenset({_demo(3)}), percent=Decimal(10)), None),
        (AmountOff(promotion_id="demo-butter-30", name="Butter 0.30 off",
                   product_ids=frozenset({_demo(4)}), amount_minor=30), None),
    ]  # fmt: skip


def seed_demo_promotions(
    db: SqliteDatabase, *, now: datetime | None = None, currency: str = "EUR"
) -> int:
    """Create the demo promotions, groups, two gift vouchers and default checkout settings
    (cash rounded to 0.05). Idempotent. Returns the number of promotions."""
    now = now or datetime.now(UTC)
    promos = demo_promotions()
    with db.atomic():
        for code, members in DEMO_GROUPS.items():
            set_group(db, code, members)
        for promo, group in promos:
            save_promotion(db, promo, now, group_code=group)
        vouchers = VoucherRepository(db)
        vouchers.issue("GIFT-1000", Money(1000, currency), now)
        vouchers.issue("GIFT-5000", Money(5000, currency), now)
        save_checkout_settings(db, CheckoutSettings(cash_increment_minor=5))
    return len(promos)
