"""0001: store, taxes, catalogue, sales, payments, outbox, hash-chained journal."""

VERSION = 1

STATEMENTS = [
    """CREATE TABLE store_settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL, address TEXT NOT NULL DEFAULT '',
        currency TEXT NOT NULL, prices_include_tax INTEGER NOT NULL,
        receipt_header TEXT NOT NULL DEFAULT '', receipt_footer TEXT NOT NULL DEFAULT '',
        terminal_id TEXT NOT NULL, locale TEXT NOT NULL DEFAULT 'en_GB',
        barcode_region TEXT NOT NULL DEFAULT 'SE')""",
    """CREATE TABLE tax_rate (
        code TEXT PRIMARY KEY, name TEXT NOT NULL, percent TEXT NOT NULL)""",
    """CREATE TABLE product (
        id TEXT PRIMARY KEY, sku TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        price_minor INTEGER NOT NULL CHECK (price_minor >= 0),
        tax_code TEXT NOT NULL REFERENCES tax_rate (code),
        active INTEGER NOT NULL DEFAULT 1, sold_by_weight INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE barcode (
        gtin TEXT PRIMARY KEY, product_id TEXT NOT NULL REFERENCES product (id) ON DELETE CASCADE
    ) WITHOUT ROWID""",
    "CREATE INDEX barcode_product ON barcode (product_id)",
    """CREATE TABLE receipt_counter (
        terminal_id TEXT PRIMARY KEY, last_number INTEGER NOT NULL)""",
    """CREATE TABLE sale (
        id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, receipt_number INTEGER NOT NULL,
        currency TEXT NOT NULL, subtotal_minor INTEGER NOT NULL, tax_minor INTEGER NOT NULL,
        total_minor INTEGER NOT NULL, prices_include_tax INTEGER NOT NULL,
        status TEXT NOT NULL, cashier TEXT, completed_at TEXT NOT NULL,
        UNIQUE (terminal_id, receipt_number))""",
    "CREATE INDEX sale_completed_at ON sale (completed_at)",
    """CREATE TABLE sale_line (
        id TEXT PRIMARY KEY, sale_id TEXT NOT NULL REFERENCES sale (id),
        position INTEGER NOT NULL, product_id TEXT NOT NULL, sku TEXT NOT NULL, gtin TEXT,
        name TEXT NOT NULL, quantity TEXT NOT NULL, unit_price_minor INTEGER NOT NULL,
        amount_minor INTEGER NOT NULL, net_minor INTEGER NOT NULL, tax_minor INTEGER NOT NULL,
        tax_code TEXT NOT NULL, tax_percent TEXT NOT NULL)""",
    "CREATE INDEX sale_line_sale ON sale_line (sale_id)",
    """CREATE TABLE payment (
        id TEXT PRIMARY KEY, sale_id TEXT NOT NULL REFERENCES sale (id),
        tender TEXT NOT NULL, currency TEXT NOT NULL, amount_minor INTEGER NOT NULL,
        tendered_minor INTEGER NOT NULL, change_minor INTEGER NOT NULL, reference TEXT,
        created_at TEXT NOT NULL)""",
    "CREATE INDEX payment_sale ON payment (sale_id)",
    """CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, event_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, sent_at TEXT)""",
    "CREATE INDEX outbox_pending ON outbox (status, seq)",
    """CREATE TABLE journal (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL, object_id TEXT, created_at TEXT NOT NULL, body TEXT NOT NULL,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
    # Append-only: the journal refuses updates and deletes (tampering must bypass SQLite's own
    # triggers, and the hash chain still exposes it).
    """CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
    """CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'the journal is append-only'); END""",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
