"""After a restart: accepted requests are settled from what the till stored; CLI apps."""

from __future__ import annotations

import json

from test_pos_api_support import request_body

from pos_desktop.cli.admin_apps import run_add, run_list, run_revoke
from pos_desktop.domain.money import Money
from pos_desktop.services.pos_api import PosApiService


def make(till):
    service = PosApiService(till.db, till.settings, till.clock)
    app = service.register_app("Kiosk", "http://127.0.0.1:9/cb/")
    row = service.repo.app(app.app_id)
    return service, row


def test_accepted_without_a_sale_becomes_unknown(till):
    service, app = make(till)
    rid = service.create_request(app, request_body(app.id, app.callback_url_prefix)).request.id
    service.accept(rid)
    (settled,) = PosApiService(till.db, till.settings, till.clock).recover()
    assert settled.status == "unknown" and "check with the shop" in settled.message
    body = json.loads(till.db.execute_sql("SELECT body FROM api_callback").fetchone()[0])
    assert body["status"] == "unknown"


def test_accepted_with_a_stored_sale_becomes_approved(till):
    service, app = make(till)
    rid = service.create_request(app, request_body(app.id, app.callback_url_prefix)).request.id
    row = service.accept(rid)
    till.checkout.cart.add(service.request_item(row))
    till.checkout.pay_cash(Money(2000, "EUR"))  # the till stops before the bridge reports it
    (settled,) = service.recover()
    assert settled.status == "approved" and settled.tender == "cash"
    assert settled.receipt_number == 1
    assert service.recover() == []  # nothing left, nothing sent twice
    assert till.db.execute_sql("SELECT COUNT(*) FROM api_callback").fetchone()[0] == 1


def test_cli_add_list_revoke(till, capsys, tmp_path):
    from argparse import Namespace

    args = Namespace(
        data_dir=till.config.data_dir, name="Web shop", callback_url_prefix="https://x.example/"
    )
    assert run_add(args) == 0
    out = capsys.readouterr().out.strip().splitlines()
    key, app_id = out[-1], out[0].split(": ")[1]
    assert key.startswith("posk_") and len(key) > 40
    service = PosApiService(till.db, till.settings, till.clock)
    assert service.authenticate(f"Bearer {key}").id == app_id
    assert run_list(Namespace(data_dir=till.config.data_dir)) == 0
    assert app_id in capsys.readouterr().out
    assert run_revoke(Namespace(data_dir=till.config.data_dir, app_id=app_id)) == 0
    assert run_revoke(Namespace(data_dir=till.config.data_dir, app_id=app_id)) == 1
    assert "apps list" in capsys.readouterr().err
    bad = Namespace(data_dir=till.config.data_dir, name="X", callback_url_prefix="ftp://x")
    assert run_add(bad) == 1
    assert "http or https" in capsys.readouterr().err
