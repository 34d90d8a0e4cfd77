"""0012: digital receipts (a public link per sale) and receipts e-mailed by the cloud.

- ``receipt_link``: the SHA-256 of a sale's receipt token (made at the till, carried by
  ``sale.completed`` as ``receipt_token``); the public page ``/r/<token>`` finds the sale by
  it. Only the hash is kept: the database does not hold working links.
- ``receipt_mail``: receipts to e-mail (HTML and PDF) with their retries; ``mail_id`` is the
  till's id for the message, unique, so a till that hands the same receipt over twice still
  gets exactly one message sent;
- ``store`` gains ``address`` and ``vat_id`` (the seller on a digital receipt and invoice, when
  the till's sale does not carry them);
- ``customer`` gains ``address`` and ``vat_id``: a business customer with both gets an invoice.

Frozen once shipped: add a new migration instead of editing this one.
"""

from __future__ import annotations

import peewee as pw


def apply(database: pw.Database) -> None:
    """Create the two tables and add the store's and the customer's columns."""

    class Base(pw.Model):
        class Meta:
            database = None
            legacy_table_names = False

    Base._meta.set_database(database)

    class ReceiptLink(Base):
        token_hash = pw.CharField(64, primary_key=True)
        sale_id = pw.CharField(36, unique=True)
        store_id = pw.CharField(36)

        class Meta:
            table_name = "receipt_link"

    class ReceiptMail(Base):
        id = pw.BigAutoField()
        mail_id = pw.CharField(64, unique=True)
        store_id = pw.CharField(36)
        sale_id = pw.CharField(36)
        recipient = pw.CharField(254)
        receipt_token = pw.CharField(64, null=True)  # for the link; cleared once sent
        status = pw.CharField(16)  # pending | sent | failed
        attempts = pw.IntegerField(default=0)
        next_attempt_at = pw.DateTimeField()
        lease_until = pw.DateTimeField(null=True)
        last_error = pw.CharField(500, null=True)
        created_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "receipt_mail"
            indexes = ((("status", "next_attempt_at"), False),)

    database.create_tables([ReceiptLink, ReceiptMail])
    # Plain ALTERs: SQLite adds a NOT NULL column with a default in place (playhouse would
    # rebuild ``store``, which other tables reference).
    for table, column, kind in (
        ("store", "address", "TEXT"),
        ("store", "vat_id", "VARCHAR(64)"),
        ("customer", "address", "TEXT"),
        ("customer", "vat_id", "VARCHAR(64)"),
    ):
        database.execute_sql(
            f"ALTER TABLE {table} ADD COLUMN {column} {kind} NOT NULL DEFAULT ''"  # noqa: S608
        )
