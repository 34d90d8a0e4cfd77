"""The demo's first run on a fresh data dir sells with the store's cash rounding at once."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pos_desktop.app import prepare_demo
from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.services.ports import NoPrinter
from pos_desktop.services.store_setup import DEMO_STORE, DEMO_TAX_RATES, init_store
from pos_desktop.storage.db import open_database
from tests.conftest import FixedClock, open_test_shift


@pytest.mark.parametrize("currency", ["EUR", "CHF"])
def test_the_first_run_rounds_the_cash_due(tmp_path, currency):
    if currency != "EUR":  # a store set up in francs before the first demo run
        db = open_database(tmp_path / "till.sqlite")
        init_store(db, replace(DEMO_STORE, currency=currency), DEMO_TAX_RATES)
        db.close()
    till = build_container(
        TillConfig(data_dir=tmp_path, demo=True), Overrides(printer=NoPrinter(), clock=FixedClock())
    )
    try:
        prepare_demo(till, products=50)
        open_test_shift(till, {500: 2})
        till.checkout.scan(demo_ean13(1))  # 1.29
        split = till.checkout.new_tender()
        assert split.cash_due_minor == 130
        sale = till.checkout.pay_cash(Money(130, currency))
        assert (sale.total_minor, sale.rounding_minor) == (129, 1)
        voucher = till.checkout.voucher_balance("GIFT-1000")
        assert voucher.currency == currency  # the demo's vouchers are in the store's money
    finally:
        till.close()


def test_the_demo_has_customers_to_attach_once(tmp_path):
    till = build_container(
        TillConfig(data_dir=tmp_path, demo=True), Overrides(printer=NoPrinter(), clock=FixedClock())
    )
    try:
        prepare_demo(till, products=20)
        prepare_demo(till, products=20)  # a later start keeps them, no second copy
        assert [c.name for c in till.customers.search("a")] == ["Anna Schmidt"]
        assert [c.name for c in till.customers.search("0101")] == ["Ben Okafor"]
        assert till.db.execute_sql("SELECT count(*) FROM customer").fetchone()[0] == 2
    finally:
        till.close()
