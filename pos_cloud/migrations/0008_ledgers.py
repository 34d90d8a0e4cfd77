"""0008: balances with an append-only ledger (gift cards, loyalty points), and customers.

- ``ledger_account``: one balance per (organisation, kind, key, unit); ``kind`` is
  ``gift_card`` (key: the card's code, unit: its currency) or ``loyalty`` (key: the customer's
  id, unit ``PTS``). ``balance`` never goes below zero (a CHECK, and every debit is a
  conditional UPDATE).
- ``ledger_entry``: every change, never updated or deleted; ``entry_id`` is the till's
  idempotency key (a retried request finds its entry); ``reverses`` names the entry a release
  gives back (unique: an entry is given back at most once); ``asked``: what a till took
  offline, where ``amount`` is what the card still held (the difference is the loss the
  owner's offline limit allowed).

- ``customer`` gains what a till records (consent with its time and source, receipts by
  e-mail), ``created_at``, ``merged_into`` (a duplicate merged into another customer) and
  ``erased_at`` (personal data removed; the sales stay, under the pseudonymous id);
- ``sale_customer``: which customer made a sale (from ``sale.completed``'s ``customer_id``).

Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate


def apply(database: pw.Database) -> None:
    """Create the two tables."""

    class Base(pw.Model):
        class Meta:
            database = None
            legacy_table_names = False

    Base._meta.set_database(database)

    class LedgerAccount(Base):
        id = pw.CharField(36, primary_key=True)
        organisation_id = pw.CharField(36)
        kind = pw.CharField(16)
        key = pw.CharField(64)
        unit = pw.CharField(8)
        balance = pw.BigIntegerField(constraints=[pw.Check("balance >= 0")])
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "ledger_account"
            indexes = ((("organisation_id", "kind", "key", "unit"), True),)

    class LedgerEntry(Base):
        id = pw.BigAutoField()
        account_id = pw.CharField(36)
        entry_id = pw.CharField(80, unique=True)
        kind = pw.CharField(16)
        amount = pw.BigIntegerField()  # signed: credits positive, debits negative
        balance_after = pw.BigIntegerField()
        store_id = pw.CharField(36)
        terminal_id = pw.CharField(36, null=True)
        sale_id = pw.CharField(64, null=True)
        reverses = pw.CharField(80, null=True, unique=True)
        asked = pw.BigIntegerField(null=True)  # an offline redemption: what the till took
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "ledger_entry"
            indexes = ((("account_id", "id"), False),)

    class SaleCustomer(Base):
        sale_id = pw.CharField(36, primary_key=True)
        customer_id = pw.CharField(36, index=True)
        store_id = pw.CharField(36)

        class Meta:
            table_name = "sale_customer"

    database.create_tables([LedgerAccount, LedgerEntry, SaleCustomer])
    if isinstance(database, pw.PostgresqlDatabase):
        migrator = PostgresqlMigrator(database)
    else:
        migrator = SqliteMigrator(database)
    migrate(
        migrator.add_column("customer", "marketing_consent", pw.BooleanField(default=False)),
        migrator.add_column("customer", "consent_at", pw.CharField(40, null=True)),
        migrator.add_column("customer", "consent_source", pw.CharField(200, null=True)),
        migrator.add_column("customer", "email_receipts", pw.BooleanField(default=False)),
        migrator.add_column("customer", "created_at", pw.DateTimeField(null=True)),
        migrator.add_column("customer", "merged_into", pw.CharField(36, null=True)),
        migrator.add_column("customer", "erased_at", pw.DateTimeField(null=True)),
    )
