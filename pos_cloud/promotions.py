"""A store's promotions, made in the back office and fed down to its tills.

The kinds are the till's (pos_desktop/domain/promotions.py), named on the wire by the till's
class names, with the same parameters: whole numbers for quantities and minor units, decimal
strings for percentages (never floats). A promotion covers the products it names and/or every
product of one category (the till keeps the category membership from the products feed, so a
product moved to the category later is covered too). The tills get changes through the
``promotions`` feed; ending a promotion stops it on every till within seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from .db import database_proxy
from .errors import BadInput, NotFound
from .feeds import next_change_seqs
from .models import Product, Promotion, live, new_id, utcnow

# kind -> what a person reads; the order is the form's.
KINDS = {
    "QuantityPrice": "N for a price (per product)",
    "MixAndMatch": "Mix & match: any N of them for a price",
    "BuyXGetY": "Buy X, get Y free (or % off)",
    "PercentOff": "Percent off",
    "AmountOff": "Amount off",
    "BonusPoints": "Bonus points (loyalty; no price change)",
}
MAX_QUANTITY = 999
MAX_MULTIPLIER = Decimal(100)
MAX_EXTRA_POINTS = 100_000


@dataclass(frozen=True)
class PromotionInput:
    """A promotion as the owner typed it (amounts already in minor units, times naive UTC)."""

    name: str
    kind: str
    quantity: int | None = None
    price_minor: int | None = None
    buy: int | None = None
    get: int | None = None
    percent: str = ""
    amount_minor: int | None = None
    per_unit: bool = True
    multiplier: str = ""  # BonusPoints: "2" = double points
    extra_points: int | None = None  # BonusPoints: more points per piece sold
    skus: tuple[str, ...] = ()
    category: str = ""
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    params: dict = field(default_factory=dict)  # filled by validated()

    def validated(self) -> PromotionInput:
        name = " ".join((self.name or "").split())
        if not name or len(name) > 100:
            raise BadInput("A promotion needs a name of 1 to 100 characters.")
        if self.kind not in KINDS:
            raise BadInput("Choose what kind of promotion it is.")
        category = " ".join((self.category or "").split())
        if len(category) > 100:
            raise BadInput("A category name has at most 100 characters.")
        skus = tuple(dict.fromkeys(s for s in self.skus if s))
        if not skus and not category:
            raise BadInput("Name the products (SKUs) or choose a category the promotion is on.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise BadInput("The last day is before the first day; check the dates.")
        return PromotionInput(
            name=name,
            kind=self.kind,
            skus=skus,
            category=category,
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            params=_params(self),
        )


def _count(value: int | None, what: str, low: int = 1) -> int:
    if value is None or not low <= value <= MAX_QUANTITY:
        raise BadInput(f"{what} must be a whole number from {low} to {MAX_QUANTITY}.")
    return value


def _percent(text: str, what: str) -> str:
    try:
        value = Decimal((text or "").strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 < value <= 100 or value != round(value, 2):
        raise BadInput(f"{what} must be a percentage above 0 and at most 100, e.g. 10 or 12.5.")
    return format(value.normalize(), "f")  # "10", "12.5" (normalize alone gives "1E+1")


def _params(given: PromotionInput) -> dict:
    """The kind's parameters as the till's promotion class takes them."""
    kind = given.kind
    if kind in ("QuantityPrice", "MixAndMatch"):
        quantity = _count(given.quantity, "The number of pieces", low=2)
        if given.price_minor is None or given.price_minor < 0:
            raise BadInput(f"Give the price for {quantity} pieces, e.g. 5.00.")
        return {"quantity": quantity, "price_minor": given.price_minor}
    if kind == "BuyXGetY":
        buy = _count(given.buy, "Buy")
        get = _count(given.get, "Get")
        percent = _percent(given.percent or "100", "The reduction on the 'get' pieces")
        return {"buy": buy, "get": get, "percent_off": percent}
    if kind == "PercentOff":
        return {"percent": _percent(given.percent, "Percent off")}
    if kind == "BonusPoints":
        return _bonus(given)
    if given.amount_minor is None or given.amount_minor <= 0:
        raise BadInput("Give the amount off, above zero, e.g. 0.50.")
    return {"amount_minor": given.amount_minor, "per_unit": bool(given.per_unit)}


def _bonus(given: PromotionInput) -> dict:
    """A bonus-points promotion's multiplier (1 to 100, 2 decimals) and extra points per piece
    (0 to 100000), one of them above the neutral 1 and 0."""
    text = (given.multiplier or "").strip().lower().lstrip("x×").rstrip("x×").strip()
    try:
        multiplier = Decimal(text.replace(",", ".") or "1")
    except InvalidOperation:
        multiplier = Decimal(-1)
    if not multiplier.is_finite() or not 1 <= multiplier <= MAX_MULTIPLIER:
        raise BadInput(
            "The points multiplier must be a number from 1 to 100, e.g. 2 for double points."
        )
    if multiplier != round(multiplier, 2):
        raise BadInput("The points multiplier has at most 2 decimals, e.g. 1.5 or 2.25.")
    extra = given.extra_points or 0
    if not 0 <= extra <= MAX_EXTRA_POINTS:
        raise BadInput(
            f"The extra points per piece must be a whole number from 0 to {MAX_EXTRA_POINTS}."
        )
    if multiplier == 1 and extra == 0:
        raise BadInput(
            "A bonus-points promotion needs a multiplier above 1 (e.g. 2 = double points) "
            "or extra points per piece above 0."
        )
    return {"multiplier": format(multiplier.normalize(), "f"), "extra_points": extra}


def list_promotions(store_id: str) -> list[Promotion]:
    """The store's promotions, newest first."""
    return list(
        Promotion.select()
        .where((Promotion.store == store_id) & live(Promotion))
        .order_by(Promotion.updated_at.desc(), Promotion.id)
    )


def get_promotion(store_id: str, promotion_id: str) -> Promotion:
    found = Promotion.get_or_none(
        (Promotion.store == store_id) & (Promotion.id == promotion_id) & live(Promotion)
    )
    if found is None:
        raise NotFound("No such promotion in this store; it may have been removed.")
    return found


def product_ids_for(store_id: str, skus: tuple[str, ...]) -> list[str]:
    """The ids of the named live products; BadInput names every SKU the store lacks."""
    if not skus:
        return []
    found = dict(
        Product.select(Product.sku, Product.id)
        .where((Product.store == store_id) & (Product.sku.in_(skus)) & live(Product))
        .tuples()
    )
    missing = [s for s in skus if s not in found]
    if missing:
        raise BadInput(f"This store has no product with SKU {', '.join(missing)}; check them.")
    return [found[s] for s in skus]


def skus_of(promotion: Promotion) -> list[str]:
    """The SKUs of the promotion's products (for the pages), in its order."""
    ids = json.loads(promotion.product_ids)
    if not ids:
        return []
    by_id = dict(Product.select(Product.id, Product.sku).where(Product.id.in_(ids)).tuples())
    return [by_id[i] for i in ids if i in by_id]


def _check_category(store_id: str, category: str) -> None:
    if not category:
        return
    used = (
        Product.select(Product.id)
        .where((Product.store == store_id) & (Product.category == category) & live(Product))
        .exists()
    )
    if not used:
        raise BadInput(
            f"No product is in the category '{category}'; pick one of the catalogue's categories."
        )


def save(store_id: str, given: PromotionInput, promotion_id: str | None = None) -> Promotion:
    """Create (no ``promotion_id``) or change a promotion; BadInput says what is wrong."""
    item = given.validated()
    with database_proxy.atomic():
        if promotion_id is not None:
            get_promotion(store_id, promotion_id)  # NotFound for another store's id
        product_ids = product_ids_for(store_id, item.skus)
        _check_category(store_id, item.category)
        fields = {
            "name": item.name,
            "kind": item.kind,
            "params": json.dumps(item.params, sort_keys=True),
            "product_ids": json.dumps(product_ids),
            "category": item.category or None,
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "updated_at": utcnow(),
            "change_seq": next_change_seqs(store_id),
        }
        if promotion_id is None:
            promotion_id = new_id()
            Promotion.create(id=promotion_id, store=store_id, active=True, **fields)
        else:
            Promotion.update(**fields).where(Promotion.id == promotion_id).execute()
        return get_promotion(store_id, promotion_id)


def set_active(store_id: str, promotion_id: str, active: bool) -> Promotion:
    """End a promotion on every till now (``False``) or run it again."""
    with database_proxy.atomic():
        get_promotion(store_id, promotion_id)
        Promotion.update(
            active=active, updated_at=utcnow(), change_seq=next_change_seqs(store_id)
        ).where(Promotion.id == promotion_id).execute()
        return get_promotion(store_id, promotion_id)


def status(promotion: Promotion, now: dt.datetime | None = None) -> str:
    """``running``, ``scheduled``, ``over`` (its last day passed) or ``ended`` (stopped)."""
    now = now or utcnow()
    if not promotion.active:
        return "ended"
    if promotion.starts_at and now < promotion.starts_at:
        return "scheduled"
    if promotion.ends_at and now >= promotion.ends_at:
        return "over"
    return "running"


def snapshot(promotion: Promotion) -> dict:
    """What the audit keeps of a promotion."""
    return {
        "name": promotion.name,
        "kind": promotion.kind,
        "params": json.loads(promotion.params),
        "product_ids": json.loads(promotion.product_ids),
        "category": promotion.category,
        "starts_at": promotion.starts_at,
        "ends_at": promotion.ends_at,
        "active": promotion.active,
    }
