"""Re-price a 200-line cart with 50 active promotions on every scan: p50/p99 (target p99 <= 5 ms).

Standalone: ``python benchmarks/bench_pricing.py [--scans 500]`` writes
benchmarks/results/pricing.json. Two figures:

* ``domain``: :func:`price_cart_for` alone (promotions already in memory);
* ``service``: ``CheckoutService.price()`` on a real till db, i.e. what the screen pays per
  scan (promotion cache check against the db + pricing).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pos_desktop.domain.cart import Cart  # noqa: E402
from pos_desktop.domain.catalog import CatalogItem  # noqa: E402
from pos_desktop.domain.pricing import price_cart_for  # noqa: E402
from pos_desktop.domain.promotions import (  # noqa: E402
    AmountOff,
    BuyXGetY,
    MixAndMatch,
    PercentOff,
    QuantityPrice,
)
from pos_desktop.domain.tax import TaxRate  # noqa: E402

LINES, PROMOTIONS, PRODUCTS = 200, 50, 400
RESULTS = Path(__file__).resolve().parent / "results" / "pricing.json"
RATES = (TaxRate("A", "Standard", Decimal(20)), TaxRate("B", "Reduced", Decimal("5.5")))


def items(rng: random.Random) -> list[CatalogItem]:
    return [
        CatalogItem(f"p{n:04d}", f"SKU{n:04d}", f"Item {n}", rng.randint(49, 2999), "EUR",
                    RATES[n % 2], sold_by_weight=n % 17 == 0)
        for n in range(PRODUCTS)
    ]  # fmt: skip


def promotions(rng: random.Random) -> list:
    kinds = []
    for i in range(PROMOTIONS):
        group = frozenset(f"p{rng.randrange(PRODUCTS):04d}" for _ in range(rng.randint(1, 12)))
        common = dict(promotion_id=f"promo{i:02d}", name=f"Promo {i}", product_ids=group,
                      priority=rng.randint(0, 5), exclusive=i % 7 == 0)  # fmt: skip
        kind = i % 5
        if kind == 0:
            kinds.append(QuantityPrice(quantity=3, price_minor=500, **common))
        elif kind == 1:
            kinds.append(MixAndMatch(quantity=2, price_minor=300, **common))
        elif kind == 2:
            kinds.append(BuyXGetY(buy=2, get=1, **common))
        elif kind == 3:
            kinds.append(PercentOff(percent=Decimal(15), **common))
        else:
            kinds.append(AmountOff(amount_minor=20, **common))
    return kinds


def fill(cart: Cart, catalogue: list[CatalogItem], rng: random.Random) -> None:
    while len(cart.lines) < LINES:
        item = rng.choice(catalogue)
        qty = Decimal(rng.randint(1, 1500)) / 1000 if item.sold_by_weight else rng.randint(1, 4)
        cart.restore_line(item, Decimal(qty), f"line{len(cart.lines)}")


def time_scans(price, cart: Cart, catalogue, rng, scans: int) -> list[float]:
    """Each 'scan' adds a line and re-prices the 200-line cart; the line is then dropped so
    the cart stays at 200 lines."""
    samples = []
    for i in range(scans):
        line = cart.restore_line(rng.choice(catalogue), Decimal(1), f"scan{i}")
        start = time.perf_counter_ns()
        price(cart)
        samples.append((time.perf_counter_ns() - start) / 1e6)
        cart.remove(line.line_id)
    return samples


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 3),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 3),
        "max_ms": round(ordered[-1], 3),
    }


def service_pricer(catalogue_promotions):
    """A CheckoutService on a temp till db holding the 50 promotions."""
    from pos_desktop.domain.store import StoreSettings
    from pos_desktop.services.checkout import CheckoutService
    from pos_desktop.storage.db import open_database
    from pos_desktop.storage.promotion_repo import PromotionRepository, save_promotion
    from pos_desktop.storage.sales_repo import SalesRepository

    class Clock:
        def now(self):
            return datetime(2026, 11, 26, 12, tzinfo=UTC)

    tmp = tempfile.TemporaryDirectory()
    db = open_database(Path(tmp.name) / "bench.db")
    with db.atomic():
        for promo in catalogue_promotions:
            save_promotion(db, promo, Clock().now())
    settings = StoreSettings("Bench", "EUR", True)
    service = CheckoutService(
        settings, None, SalesRepository(db), Clock(), promotions=PromotionRepository(db)
    )
    return service, db, tmp


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scans", type=int, default=500)
    args = parser.parse_args(argv)
    rng = random.Random(3)
    catalogue, promos = items(rng), promotions(rng)
    cart = Cart("EUR", prices_include_tax=True)
    fill(cart, catalogue, rng)
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    time_scans(lambda c: price_cart_for(c, promos, now), cart, catalogue, rng, 50)  # warm up
    domain = time_scans(lambda c: price_cart_for(c, promos, now), cart, catalogue, rng, args.scans)
    service, db, tmp = service_pricer(promos)
    try:
        time_scans(service.price, cart, catalogue, rng, 50)
        via_service = time_scans(service.price, cart, catalogue, rng, args.scans)
    finally:
        db.close()
        tmp.cleanup()
    result = {
        "benchmark": "pricing",
        "lines": LINES,
        "promotions": PROMOTIONS,
        "target_p99_ms": 5.0,
        "domain": summary(domain),
        "service": summary(via_service),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        # p99 on a shared, loaded box mostly measures the scheduler: keep the load with it.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "machine": platform.machine(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    result["ok"] = result["service"]["p99_ms"] <= 5.0
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    for name in ("domain", "service"):
        s = result[name]
        print(
            f"{name:8s} p50 {s['p50_ms']:.3f} ms  p99 {s['p99_ms']:.3f} ms  max {s['max_ms']:.3f}"
        )
    print(f"target p99 <= 5 ms: {'OK' if result['ok'] else 'MISSED'}  -> {RESULTS}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
