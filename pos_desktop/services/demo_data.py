"""A demo catalogue with valid, unique EAN-13s (up to millions of products, streamed)."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import islice

from peewee import SqliteDatabase

from pos_desktop.domain.barcodes import gs1_check_digit
from pos_desktop.storage.catalog_repo import ProductRecord, tax_rate_rows, upsert_products

# "name:price in cents" items; food takes the reduced rate "B", the rest the standard rate "A".
_FOOD = """
Whole milk 1L:129;Semi-skimmed milk 1L:119;Oat drink 1L:199;Butter 250g:289;Greek yoghurt 500g:249;
Cheddar 400g:459;Mozzarella 125g:139;Eggs free range x6:279;Cream 200ml:119;Skyr vanilla 450g:229;
Feta 200g:249;Brie 200g:319;Sourdough loaf:349;Wholemeal bread:189;Croissant:99;Bagels x4:249;
Baguette:129;Cinnamon bun:179;Rye crispbread:219;Pitta x6:119;Tortilla wraps x8:199;Muffin:149;
Bananas 1kg:149;Apples Gala x6:259;Oranges x4:229;Lemons x3:129;Avocado:119;Tomatoes 500g:199;
Cucumber:79;Carrots 1kg:99;Potatoes 2.5kg:249;Onions 1kg:109;Garlic x3:89;Broccoli:119;
Spinach 200g:179;Blueberries 150g:269;Grapes 500g:299;Spaghetti 500g:119;Penne 500g:119;
Basmati rice 1kg:239;Chopped tomatoes 400g:69;Baked beans 415g:89;Chickpeas 400g:79;
Tuna in oil 160g:189;Olive oil 500ml:599;Sunflower oil 1L:249;Plain flour 1kg:99;Sugar 1kg:129;
Sea salt 250g:99;Black pepper 50g:189;Porridge oats 1kg:179;Granola 500g:329;Honey 340g:349;
Strawberry jam 340g:219;Peanut butter 340g:259;Ketchup 500ml:199;Mayonnaise 400ml:249;
Coffee beans 500g:749;Ground coffee 250g:399;Tea bags x80:289;Green tea x20:199;
Hot chocolate 250g:299
"""
_NON_FOOD = """
Dark chocolate 100g:149;Milk chocolate 100g:129;Crisps sea salt 150g:179;Salted peanuts 200g:169;
Digestive biscuits 400g:139;Oat cookies 200g:189;Gummy bears 200g:119;Popcorn 100g:149;
Sparkling water 1.5L:69;Still water 1.5L:59;Cola 1.5L:189;Orange juice 1L:229;Apple juice 1L:199;
Lemonade 1L:169;Energy drink 250ml:139;Iced tea 500ml:149;Lager 6x330ml:699;Red wine 75cl:899;
White wine 75cl:849;Toothpaste 75ml:199;Toothbrush:249;Shampoo 250ml:349;Shower gel 250ml:229;
Hand soap 300ml:179;Deodorant 150ml:259;Toilet paper x9:449;Kitchen roll x2:249;
Washing-up liquid 500ml:149;Laundry liquid 1.5L:799;Bin bags x20:199;Sponges x5:129;
Batteries AA x4:499;LED light bulb:399;Matches:49;Candles x6:299;Newspaper:250;Magazine:450;
Greeting card:299;Gift wrap:199;Notebook A5:249;Ballpoint pens x4:199;Sticky tape:149;
Phone charger USB-C:1299;Dog food 400g:149;Cat food pouch x4:269;Cat litter 5kg:499;
Bird seed 1kg:299
"""
_ADJECTIVES = (
    "Organic",
    "Classic",
    "Family",
    "Mini",
    "Fresh",
    "Premium",
    "Local",
    "Value",
    "Crunchy",
    "Smooth",
    "Spicy",
    "Light",
    "Golden",
    "Wild",
    "Rustic",
    "Sweet",
)
_NOUNS = (
    "crackers",
    "soup",
    "pasta sauce",
    "muesli",
    "sparkling drink",
    "cookies",
    "noodles",
    "rice cakes",
    "pesto",
    "salsa",
    "olives",
    "hummus",
    "tea",
    "cereal bar",
    "jam",
    "dumplings",
    "pickles",
    "mustard",
    "syrup",
    "lentils",
)
# GS1 prefix 400-440 is Germany; avoid 02 and 20-29 (in-store variable-measure codes).
_GTIN_PREFIX = "400"


def named_products() -> list[tuple[str, int, str]]:
    """The hand-written demo products as (name, price_minor, tax_code)."""
    products = []
    for text, tax in ((_FOOD, "B"), (_NON_FOOD, "A")):
        for item in text.replace("\n", "").split(";"):
            name, _, price = item.strip().rpartition(":")
            products.append((name, int(price), tax))
    return products


def demo_ean13(n: int) -> str:
    """The n-th demo EAN-13 (n < 10**9): prefix 400, a running number, a valid check digit."""
    payload = f"{_GTIN_PREFIX}{n:09d}"
    return payload + str(gs1_check_digit(payload))


def demo_products(
    count: int, seed: int = 7, tax_codes: dict[str, str] | None = None
) -> Iterator[ProductRecord]:
    """``count`` products: the named ones first, then generated ones; GTINs unique, valid.

    ``tax_codes`` maps the demo codes ("A" standard, "B" reduced) to the store's own codes.
    """
    codes = tax_codes or {"A": "A", "B": "B"}
    rng = random.Random(seed)
    named = named_products()
    for n in range(1, count + 1):
        if n <= len(named):
            name, price, tax = named[n - 1]
        else:
            name = f"{rng.choice(_ADJECTIVES)} {rng.choice(_NOUNS)} {n:07d}"
            price = rng.randrange(49, 2999, 10)
            tax = "B" if rng.random() < 0.6 else "A"
        gtin = demo_ean13(n)
        yield ProductRecord(
            product_id=f"demo-{n:08d}",
            sku=f"SKU{n:07d}",
            name=name,
            price_minor=price,
            tax_code=codes[tax],
            gtins=(gtin.zfill(14),),
        )


def _store_tax_codes(db: SqliteDatabase) -> dict[str, str]:
    """The demo's standard/reduced codes mapped onto the rates this store has."""
    rows = [(code, percent) for code, _name, percent in tax_rate_rows(db)]
    if not rows:
        raise ValueError(
            "The store has no tax rate yet: add one with 'pos-admin init "
            "--tax-rate A:Standard:20' before creating demo products."
        )
    codes = {code for code, _ in rows}
    if {"A", "B"} <= codes:
        return {"A": "A", "B": "B"}
    by_rate = sorted(rows, key=lambda r: Decimal(r[1]))
    return {"A": by_rate[-1][0], "B": by_rate[0][0]}  # highest rate standard, lowest reduced


def write_demo_catalog(
    db: SqliteDatabase,
    count: int,
    *,
    batch: int = 20_000,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write ``count`` demo products in batches (memory stays flat); returns how many.

    Raises:
        ValueError: when the store has no tax rate to price them with.
    """
    stream = demo_products(count, tax_codes=_store_tax_codes(db))
    written = 0
    while chunk := list(islice(stream, batch)):
        with db.atomic():
            written += upsert_products(db, chunk)
        if progress:
            progress(written, count)
    return written


# Loose goods priced per kg: (sku, name, price per kg in cents, scale-label item reference)
WEIGHED_PRODUCTS = (
    ("LOOSE-TOMATO", "Tomatoes, loose (per kg)", 299, "10001"),
    ("LOOSE-BANANA", "Bananas, loose (per kg)", 169, "10002"),
    ("DELI-GOUDA", "Gouda from the counter (per kg)", 1490, "10003"),
)


def weighed_shelf_code(index: int) -> str:
    """The shelf EAN-13 of the index-th weighed demo product (prefix 401: not a label)."""
    payload = f"401{index:09d}"
    return payload + str(gs1_check_digit(payload))


def write_demo_weighed(db: SqliteDatabase, region: str = "SE") -> int:
    """The loose-goods demo products: found by their shelf code (then weighed) and by the
    store's scale labels (prefix 23, weight in the code)."""
    from pos_desktop.domain.barcodes import parse_scan
    from pos_desktop.domain.variable_measure import encode_variable_measure

    codes = _store_tax_codes(db)
    records = []
    for index, (sku, name, price, reference) in enumerate(WEIGHED_PRODUCTS, start=1):
        label_key = parse_scan(encode_variable_measure("23", reference, 0, region), region=region)
        assert label_key.gtin14 is not None  # a variable-measure label always has its key
        records.append(
            ProductRecord(
                product_id=f"demo-weighed-{index}",
                sku=sku,
                name=name,
                price_minor=price,
                tax_code=codes["B"],
                gtins=(weighed_shelf_code(index).zfill(14), label_key.gtin14),
                sold_by_weight=True,
            )
        )
    with db.atomic():
        return upsert_products(db, records)
