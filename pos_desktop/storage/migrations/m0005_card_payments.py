"""0005: card payments, saved before the first byte goes to the terminal."""

VERSION = 5

STATEMENTS = [
    """CREATE TABLE card_payment (
        id TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
        amount_minor INTEGER NOT NULL CHECK (amount_minor > 0), currency TEXT NOT NULL,
        status TEXT NOT NULL, sale_id TEXT REFERENCES sale (id), cart_snapshot TEXT NOT NULL,
        card_brand TEXT, last4 TEXT, auth_code TEXT, terminal_reference TEXT,
        receipt_text TEXT, message TEXT, cashier TEXT, resolved_by TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    "CREATE INDEX card_payment_status ON card_payment (status)",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
