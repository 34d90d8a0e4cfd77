"""0006: cloud sync: credentials, feed cursors, the push lease, customers and stock levels.

The terminal token is kept in this db file: it is the till's own secret, exactly as sensitive as
the sales in the same file, and the cloud can revoke it (``POST /v1/admin/terminals/{id}/revoke``).
"""

VERSION = 6

STATEMENTS = [
    """CREATE TABLE sync_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        cloud_url TEXT NOT NULL, terminal_id TEXT NOT NULL, store_id TEXT NOT NULL,
        token TEXT NOT NULL, currency TEXT NOT NULL, terminal_name TEXT NOT NULL,
        enrolled_at TEXT NOT NULL, last_success_at TEXT, last_error TEXT, last_error_at TEXT)""",
    """CREATE TABLE feed_cursor (
        stream TEXT PRIMARY KEY, cursor TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE sync_lease (
        name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at REAL NOT NULL)""",
    """CREATE TABLE customer (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE stock_level (
        sku TEXT PRIMARY KEY, quantity TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    # The pusher sends each event's journal chain hash, found by the record's object id.
    "CREATE INDEX journal_object ON journal (object_id)",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
