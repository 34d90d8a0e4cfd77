"""Where PostgreSQL is expected (CI, .ci/run) its absence fails the run instead of skipping."""

import pytest

from tests.cloud import conftest


@pytest.fixture
def no_server(monkeypatch):
    monkeypatch.setattr(conftest, "PG_DSN", "postgresql://postgres@127.0.0.1:9/test")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("POS_REQUIRE_POSTGRES", raising=False)


def test_a_developer_without_postgres_skips(no_server):
    with pytest.raises(pytest.skip.Exception, match="unreachable"):
        conftest.skip_without_postgres()


@pytest.mark.parametrize(("name", "value"), [("CI", "true"), ("POS_REQUIRE_POSTGRES", "1")])
def test_ci_without_postgres_fails(no_server, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(pytest.fail.Exception, match="it is required here"):
        conftest.skip_without_postgres()
