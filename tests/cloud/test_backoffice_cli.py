"""pos-cloud create-owner / create-manager / reset-password (no server; a SQLite file)."""

from __future__ import annotations

from pos_cloud.cli import main
from pos_cloud.db import connection, init_database
from pos_cloud.web import accounts
from pos_cloud.web.models import WebUser


def test_create_owner_prints_a_one_time_setup_link(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cloud.db'}"
    argv = ["create-owner", "--email", " Owner@Example.com ", "--base-url", "https://pos.example"]
    assert main([*argv, "--database", url]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert out[0].startswith("One-time setup link for owner owner@example.com (valid 72 h")
    assert out[1].startswith("https://pos.example/app/setup/")
    code = out[2].removeprefix("Setup code: ")
    assert out[1].endswith(code)
    init_database(url)
    with connection():
        user = accounts.complete_setup(code, "long enough password")
        assert user.role == "owner" and user.password_hash.startswith("$argon2id$")
    assert main([*argv, "--database", url]) == 2  # the address is taken
    assert "already an account" in capsys.readouterr().err


def test_create_manager_needs_a_store_and_reset_password_issues_a_new_link(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cloud.db'}"
    bad = ["create-manager", "--email", "m@example.com", "--store", "nope", "--database", url]
    assert main(bad) == 2 and "needs an existing store" in capsys.readouterr().err
    assert main(["create-store", "--name", "Main St", "--database", url]) == 0
    store = capsys.readouterr().out.strip().splitlines()[-1]
    ok = ["create-manager", "--email", "m@example.com", "--store", store, "--database", url]
    assert main(ok) == 0
    capsys.readouterr()
    assert main(["reset-password", "--email", "m@example.com", "--database", url]) == 0
    link = capsys.readouterr().out.strip().splitlines()[1]
    assert "/app/setup/" in link
    init_database(url)
    with connection():
        user = WebUser.get(WebUser.email == "m@example.com")
        assert user.role == "manager" and user.store_id == store
    assert main(["reset-password", "--email", "x@example.com", "--database", url]) == 2


def test_prune_removes_expired_sessions_and_old_attempts(tmp_path):
    import datetime as dt

    from pos_cloud.db import database_proxy
    from pos_cloud.migrations import migrate
    from pos_cloud.models import utcnow
    from pos_cloud.web.models import WebLoginAttempt, WebSession

    init_database(f"sqlite:///{tmp_path / 'cloud.db'}")
    with connection():
        migrate(database_proxy.obj)
        user, _code = accounts.create_user("p@example.com", "owner")
        live = accounts.open_session(user)
        old = accounts.open_session(user)
        WebSession.update(expires_at=utcnow() - dt.timedelta(seconds=1)).where(
            WebSession.id_hash == accounts.hash_secret(old)
        ).execute()
        WebLoginAttempt.create(key="ip:1", at=utcnow() - dt.timedelta(hours=1))
        WebLoginAttempt.create(key="ip:1")
        assert accounts.prune() == 2
        assert accounts.viewer_for(live) is not None and accounts.viewer_for(old) is None
        assert WebLoginAttempt.select().count() == 1
