"""The feed page query uses the (store, change_seq) index on both databases (no sort step),
migrations 0002/0003 removed only indexes and foreign keys another key covers, and 0004 only
indexes no query reads."""

from __future__ import annotations

import pytest

from pos_cloud.db import connection, database_proxy, is_postgres
from pos_cloud.feeds import STREAMS, page_query


def _plan(sql: str, params) -> str:
    prefix = "EXPLAIN " if is_postgres() else "EXPLAIN QUERY PLAN "
    rows = database_proxy.execute_sql(prefix + sql, params).fetchall()
    return "\n".join(" ".join(str(c) for c in row) for row in rows)


@pytest.mark.parametrize("stream", sorted(STREAMS))
def test_page_query_walks_the_feed_index(server, stream):
    spec = STREAMS[stream]
    table = spec.model._meta.table_name
    store_column = spec.model._meta.fields[spec.store_field].column_name
    with connection():
        if is_postgres():
            database_proxy.execute_sql("SET enable_seqscan = off")  # tiny tables: force a choice
        try:
            plan = _plan(*page_query("some-store", stream, 10, 5000).sql())
        finally:
            if is_postgres():
                database_proxy.execute_sql("RESET enable_seqscan")
    assert f"{table}_{store_column}_change_seq" in plan, plan
    assert "TEMP B-TREE" not in plan and "Sort" not in plan, plan


def _index_names() -> set[str]:
    if is_postgres():
        sql = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'index'"
    return {row[0] for row in database_proxy.execute_sql(sql).fetchall()}


def test_covered_single_column_indexes_are_gone(server):
    from importlib import import_module

    covered = import_module("pos_cloud.migrations.0002_drop_prefix_indexes").COVERED
    unused = import_module("pos_cloud.migrations.0004_drop_unused_indexes").UNUSED
    with connection():
        names = _index_names()
    assert not names & set(covered)
    assert set(covered.values()) - set(unused) <= names  # the covering ones stay


def test_unused_indexes_are_gone_and_the_ones_deletes_need_stay(server):
    from importlib import import_module

    migration = import_module("pos_cloud.migrations.0004_drop_unused_indexes")
    with connection():
        names = _index_names()
        postgres = is_postgres()
    assert not names & set(migration.UNUSED)
    # a deleted sale (or, on SQLite, event) must find its movements through an index
    assert "stock_movement_sale_id" in names
    assert ("stock_movement_event_id" in names) is not postgres
    # the report and the exactly-once keys stay
    assert {"sale_store_id_business_day", "event_terminal_id_seq", "sale_event_id"} <= names


def test_implied_foreign_keys_are_gone_on_postgres_only_those(server):
    from importlib import import_module

    implied = import_module("pos_cloud.migrations.0003_drop_implied_foreign_keys").IMPLIED
    with connection():
        if not is_postgres():
            pytest.skip("SQLite keeps every foreign key (migration 0003 is PostgreSQL only)")
        rows = database_proxy.execute_sql(
            "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) "
            "JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.contype = 'f' AND n.nspname = current_schema()"
        ).fetchall()
    keys = {(table.strip('"'), column) for table, column in rows}
    assert not keys & set(implied)
    # the keys that imply the dropped ones stay
    assert {("event", "terminal_id"), ("sale", "event_id"), ("stock_movement", "sale_id")} <= keys
    assert ("sale_payment", "sale_id") in keys
