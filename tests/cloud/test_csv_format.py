"""The cloud reads the same catalogue CSV as the till: real spreadsheet files, hostile cells."""

from pathlib import Path

import pytest

from pos_cloud import catalog, csv_import
from pos_cloud.db import connection
from pos_cloud.errors import BadInput
from pos_cloud.models import Product

FIXTURES = Path(__file__).parents[1] / "fixtures" / "catalog"


@pytest.fixture
def store(tmp_path):
    from pos_cloud.db import init_database
    from pos_cloud.migrations import migrate

    database = init_database(f"sqlite:///{tmp_path / 'cloud.db'}")
    with database.connection_context():
        migrate(database)
        yield catalog.create_store("Main St", "EUR").id
    database.close()


def test_german_excel_file_imports_with_decimal_commas(store):
    with connection():
        result = csv_import.import_catalogue(store, FIXTURES / "excel_de_semicolon_cp1252.csv")
        prices = {p.sku: (p.name, p.price_minor) for p in Product.select()}
    assert result.count == 4
    assert result.reading.startswith(
        "Read as Windows-1252 (not UTF-8), semicolon-separated, decimal commas. "
        "1 row(s) set sold_by_weight"
    )
    assert prices["CREME"] == ("Crème fraîche 200 g", 129) and prices["KAESE"][1] == 2490


def test_bom_utf8_file_imports(store):
    with connection():
        result = csv_import.import_catalogue(store, FIXTURES / "excel_bom_utf8.csv")
    assert (result.count, result.reading) == (2, "Read as UTF-8 with BOM, comma-separated.")


def test_hostile_cells_refuse_the_whole_file(store):
    with connection(), pytest.raises(BadInput) as caught:
        csv_import.import_products(store, FIXTURES / "hostile_cells.csv")
    message = str(caught.value)
    assert "8 bad row(s)" in message and "U+202E RIGHT-TO-LEFT OVERRIDE" in message
    assert "line 6: name '=HYPERLINK" in message
    with connection():
        assert Product.select().count() == 0
