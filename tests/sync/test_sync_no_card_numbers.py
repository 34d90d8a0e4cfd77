"""A card sale whose terminal answer carries a full card number reaches the cloud: no 13-19
digit Luhn-valid number is stored on the till or in any cloud table (PCI DSS 3.3.1/3.4.1)."""

from __future__ import annotations

import re
import sqlite3
from argparse import Namespace

from sync_helpers import bulk_seed_catalog, cloud_fixture, creds

from hardware.simulators.terminal_concert import SimulatedConcertTerminal
from hardware.terminals.concert import ConcertTerminal
from pos_desktop.cli.admin_sync import run_enroll
from pos_desktop.config import TillConfig
from pos_desktop.container import Overrides, build_container
from pos_desktop.storage import outbox
from pos_desktop.sync.client import CloudClient
from pos_desktop.sync.pull import Puller
from pos_desktop.sync.push import Pusher
from tests.card_scan import card_like
from tests.conftest import FixedClock, open_test_shift

cards_cloud = cloud_fixture("sqlite")
FULL_PAN = "4970101234567892"  # Luhn-valid: what a badly configured terminal might send


GTIN_FIELD = re.compile(r'"gtin(14)?":\s*"\d+"')


def every_text(path: str) -> str:
    """All text in every column of every table of an SQLite file, product codes left out.

    GTINs are product numbers, not card data, but a GS1 check digit is Luhn-valid one time in
    ten, so the ``gtin`` columns and the ``"gtin"`` fields of stored JSON are not looked at.
    """
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        texts = []
        for table in tables:
            cursor = con.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names
            keep = [i for i, d in enumerate(cursor.description) if "gtin" not in d[0].lower()]
            for row in cursor:
                texts.extend(GTIN_FIELD.sub("", str(row[i])) for i in keep if row[i] is not None)
        return "\n".join(texts)
    finally:
        con.close()


def test_no_card_number_on_the_till_or_in_the_cloud(cards_cloud, tmp_path):
    server, cloud = cards_cloud
    store = cloud.store("EUR")
    gtins = bulk_seed_catalog(store, 20)
    with SimulatedConcertTerminal("approve", card_data=FULL_PAN) as terminal_sim:
        terminal = ConcertTerminal(terminal_sim.uri, result_timeout=10, ack_timeout=1)
        till = build_container(
            TillConfig(data_dir=tmp_path, demo=True),
            Overrides(clock=FixedClock(), terminal=terminal, sync=False),
        )
        try:
            args = Namespace(
                data_dir=tmp_path,
                cloud=server.url,
                code=cloud.code(store),
                name="Lane 1",
                force=False,
            )
            assert run_enroll(args) == 0
            c = creds(till)
            with CloudClient(c.cloud_url, c.token) as client:
                Puller(till.db, client).pull_all()
            till.catalog.forget_cached_rates()
            open_test_shift(till)
            assert till.checkout.scan(gtins[3]).ok
            attempt = till.cards.begin()
            result = till.cards.run(attempt).result(timeout=20)
            settled = till.cards.settle(attempt, result)
            assert settled.sale is not None and "7892" in settled.message
            with CloudClient(c.cloud_url, c.token) as client:
                Pusher(till.db, client).push_pending()
            assert outbox.pending(till.db) == []
        finally:
            till.close()
    till_text = every_text(str(tmp_path / "till.sqlite"))
    assert "7892" in till_text  # the last four are there: the scan really read the payments
    assert card_like(till_text) == []
    assert card_like(every_text(server.app.state.database.database)) == []
