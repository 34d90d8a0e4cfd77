"""0007: checkout engine: priced sale lines, cash rounding, promotions, vouchers, parked sales,
refunds and checkout settings. Frozen plain SQL (never import the live models here)."""

VERSION = 7

STATEMENTS = [
    # What each line was priced at; discount_minor = line + order discount (reports read it).
    "ALTER TABLE sale ADD COLUMN rounding_minor INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sale ADD COLUMN savings_minor INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sale_line ADD COLUMN regular_minor INTEGER",
    "ALTER TABLE sale_line ADD COLUMN promotion_minor INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sale_line ADD COLUMN discount_minor INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sale_line ADD COLUMN order_discount_minor INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sale_line ADD COLUMN promotions TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE sale_line ADD COLUMN override_reason TEXT",
    """CREATE TABLE product_group_member (
        group_code TEXT NOT NULL, product_id TEXT NOT NULL,
        PRIMARY KEY (group_code, product_id)) WITHOUT ROWID""",
    """CREATE TABLE promotion (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, params TEXT NOT NULL,
        product_ids TEXT NOT NULL DEFAULT '[]', group_code TEXT,
        starts_at TEXT, ends_at TEXT, weekdays TEXT, daily_start TEXT, daily_end TEXT,
        exclusive INTEGER NOT NULL DEFAULT 0, priority INTEGER NOT NULL DEFAULT 0,
        active INTEGER NOT NULL DEFAULT 1, updated_at TEXT NOT NULL)""",
    """CREATE TABLE gift_voucher (
        code TEXT PRIMARY KEY, currency TEXT NOT NULL,
        balance_minor INTEGER NOT NULL CHECK (balance_minor >= 0),
        status TEXT NOT NULL DEFAULT 'active', created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE checkout_setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE parked_sale (
        id TEXT PRIMARY KEY, label TEXT NOT NULL, source TEXT NOT NULL, reference TEXT,
        status TEXT NOT NULL CHECK (status IN ('parked', 'recalled', 'cancelled')),
        cart_snapshot TEXT NOT NULL, total_minor INTEGER NOT NULL, currency TEXT NOT NULL,
        line_count INTEGER NOT NULL, cashier TEXT, created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    "CREATE INDEX parked_sale_status ON parked_sale (status, created_at)",
    """CREATE TABLE refund (
        id TEXT PRIMARY KEY, sale_id TEXT REFERENCES sale (id), terminal_id TEXT NOT NULL,
        receipt_number INTEGER NOT NULL, kind TEXT NOT NULL, currency TEXT NOT NULL,
        goods_minor INTEGER NOT NULL, tax_minor INTEGER NOT NULL,
        rounding_minor INTEGER NOT NULL, total_minor INTEGER NOT NULL, detail TEXT NOT NULL,
        cashier TEXT, shift_id TEXT, completed_at TEXT NOT NULL,
        UNIQUE (terminal_id, receipt_number))""",
    "CREATE INDEX refund_sale ON refund (sale_id)",
    "CREATE INDEX refund_shift ON refund (shift_id)",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
