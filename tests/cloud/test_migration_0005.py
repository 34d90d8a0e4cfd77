"""Migration 0005 on a database made before it: old admin tokens keep working as global
read-write tokens, and old gaps are found through the new index."""

from __future__ import annotations

import pytest

from pos_cloud import admin_tokens, auth, migrations, seq_tracking
from pos_cloud.db import close_database, connection, init_database, throwaway_schema

from .conftest import PG_DSN, skip_without_postgres


def _upgrade(url: str, monkeypatch) -> None:
    database = init_database(url)
    before = [m for m in migrations.available() if m[0] < 5]
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "available", lambda: before)
        with database.connection_context():
            assert migrations.migrate(database) == [1, 2, 3, 4]
    with connection():
        database.execute_sql(
            "INSERT INTO admin_token (token_hash, label, revoked, created_at) "
            "VALUES (%s, 'old', %s, '2024-01-01 00:00:00')".replace("%s", database.param),
            (auth.hash_secret("pca_old"), False),
        )
        database.execute_sql(
            "INSERT INTO organisation (id, name, created_at) VALUES ('o', 'O', '2024-01-01')"
        )
        database.execute_sql(
            "INSERT INTO store (id, organisation_id, name, currency, timezone, change_seq, "
            "created_at) VALUES ('s', 'o', 'S', 'EUR', 'UTC', 0, '2024-01-01')"
        )
        database.execute_sql(
            "INSERT INTO terminal (id, store_id, name, token_hash, revoked, last_seq, created_at)"
            " VALUES ('t', 's', 'T', 'h', %s, 10, '2024-01-01')".replace("%s", database.param),
            (False,),
        )
        database.execute_sql(
            "INSERT INTO seq_gap (terminal_id, first_seq, last_seq) VALUES ('t', 3, 5)"
        )
        assert migrations.migrate(database)[0] == 5  # later migrations (0006...) follow
        scope = admin_tokens.authenticate("pca_old")
        assert scope.store_id is None and scope.read_only is False
        assert [row["label"] for row in admin_tokens.listing()] == ["old"]
        book = seq_tracking.load("t", 10, [4])
        assert list(book.loaded) == [(3, 5)] and book.count == 1
    close_database(database)


def test_upgrade_on_sqlite(tmp_path, monkeypatch):
    _upgrade(f"sqlite:///{tmp_path / 'old.db'}", monkeypatch)


@pytest.mark.postgres
def test_upgrade_on_postgres(monkeypatch):
    skip_without_postgres()
    with throwaway_schema(PG_DSN, "pos_migrate_test") as url:
        _upgrade(url, monkeypatch)
