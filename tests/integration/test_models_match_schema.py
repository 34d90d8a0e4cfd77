"""The peewee models describe the tables the frozen migrations make; this keeps them in step
(the hot path uses plain SQL; the models are the typed map for queries and tools)."""

import pytest

from pos_desktop.storage.db import open_database
from pos_desktop.storage.models import ALL_MODELS


@pytest.fixture
def db(tmp_path):
    database = open_database(tmp_path / "till.sqlite")
    yield database
    database.close()


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m._meta.table_name)
def test_model_columns_equal_the_migrated_table(db, model):
    table = model._meta.table_name
    columns = {row[1] for row in db.execute_sql(f"PRAGMA table_info({table})").fetchall()}
    fields = {field.column_name for field in model._meta.sorted_fields}
    assert fields == columns, (
        f"{table}: model-only {fields - columns}, table-only {columns - fields}"
    )


def test_models_read_what_the_checkout_wrote(db, tmp_path):
    from pos_desktop.services.store_setup import DEMO_STORE, DEMO_TAX_RATES, init_store
    from pos_desktop.storage.models import StoreSettingsRow, TaxRateRow

    init_store(db, DEMO_STORE, DEMO_TAX_RATES)
    assert StoreSettingsRow.get().currency == "EUR"
    assert sorted(r.code for r in TaxRateRow.select()) == ["A", "B"]
