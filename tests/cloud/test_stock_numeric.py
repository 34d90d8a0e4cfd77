"""PostgreSQL adds stock deltas in SQL (NUMERIC on the stored text); the SQLite path in Python
(Decimal). Both must store the same text for the same quantities, or the stock feed would
print a level differently depending on the database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pos_cloud.db import connection, database_proxy, is_postgres

# Levels and deltas as ingestion makes them: plain decimal notation, up to 3 decimals, signed,
# never "-0" (a delta is 0 - quantity, and Decimal's 0 - x is never negative zero).
_QUANTITY = st.decimals(
    min_value=Decimal("-100000"), max_value=Decimal("100000"), places=3, allow_nan=False
).map(lambda d: format(d + 0, "f")) | st.sampled_from(
    ["0", "1", "-1", "0.750", "-0.750", "2.5", "1.000", "-3.0", "0.000"]
)


@settings(max_examples=200, deadline=None)
@given(level=_QUANTITY, delta=_QUANTITY)
def test_sql_sum_prints_like_python_decimal(server, level, delta):
    with connection():
        if not is_postgres():
            pytest.skip("the SQL sum is the PostgreSQL path; SQLite sums in Python")
        row = database_proxy.execute_sql(
            "SELECT (%s::numeric + %s::numeric)::text", (level, delta)
        ).fetchone()
    assert row[0] == str(Decimal(level) + Decimal(delta))
