"""SKU and voucher codes are found whatever case the cashier types them in."""

from __future__ import annotations

from datetime import UTC, datetime

from pos_desktop.domain.money import Money
from pos_desktop.storage.catalog_repo import ProductRecord, upsert_products
from pos_desktop.storage.voucher_repo import VoucherRepository

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_sku_in_any_single_case_finds_the_product(till):
    upsert_products(till.db, [ProductRecord("cap-1", "CAP", "Cap", 900, "A")])
    upsert_products(till.db, [ProductRecord("mix-1", "Tee-s", "Tee", 900, "A")])
    catalog = till.catalog
    assert catalog.find_by_sku("cap").product_id == "cap-1"
    assert catalog.find_by_sku("Cap").product_id == "cap-1"
    assert catalog.find_by_sku("sku0000005").sku == "SKU0000005"
    assert catalog.find_by_sku("Tee-s").product_id == "mix-1"  # stored mixed case: as stored
    assert catalog.find_by_sku("nothing") is None


def test_exact_case_wins_when_two_skus_differ_only_in_case(till):
    upsert_products(
        till.db,
        [
            ProductRecord("up", "ABC", "Upper", 100, "A"),
            ProductRecord("lo", "abc", "Lower", 100, "A"),
        ],
    )
    assert till.catalog.find_by_sku("abc").product_id == "lo"
    assert till.catalog.find_by_sku("ABC").product_id == "up"
    assert till.catalog.find_by_sku("Abc").product_id == "up"


def test_voucher_codes_ignore_case_for_balance_redeem_and_refund(till):
    vouchers = VoucherRepository(till.db)
    vouchers.issue("GIFT-5000", Money(5000, "EUR"), NOW)
    assert vouchers.balance("gift-5000") == Money(5000, "EUR")
    assert vouchers.balance(" Gift-5000 ") == Money(5000, "EUR")
    vouchers.redeem("gift-5000", 1200, NOW)
    vouchers.refund_to("GIFT-5000", 200, NOW)
    assert vouchers.balance("GIFT-5000") == Money(4000, "EUR")
    assert vouchers.balance("GIFT-500") is None
