"""0013: which offline limit a gift card spent offline used (the owner's report).

- ``ledger_offline_limit``: one row per ``offline`` ledger entry (``entry_id``) whose till sent
  its limits: the per-card limit, the till's total limit for all cards until it syncs
  (0: none), what the till had spent offline in all by then (``till_used``) and which limit
  the tender reached (``card``, ``till`` or NULL: the cashier typed less).

Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw


def apply(database: pw.Database) -> None:
    """Create the table."""

    class LedgerOfflineLimit(pw.Model):
        entry_id = pw.CharField(80, primary_key=True)
        card_limit = pw.BigIntegerField()
        till_limit = pw.BigIntegerField()
        till_used = pw.BigIntegerField()
        limit_reached = pw.CharField(8, null=True)

        class Meta:
            table_name = "ledger_offline_limit"

    LedgerOfflineLimit._meta.set_database(database)
    database.create_tables([LedgerOfflineLimit], safe=True)
