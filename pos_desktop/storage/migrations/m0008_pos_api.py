"""0008: the till's POS API: registered apps, payment requests, pushed orders, callbacks.

``api_app.signing_key`` keeps the app's raw API key next to its SHA-256 hash. The hash is what
authenticates requests; the raw key is needed because the till signs every callback with it
(HMAC-SHA256), and HMAC needs the shared secret itself. The db file is already the till's own
secret store (it holds the cloud token and the sales), and revoking an app deletes the key.
"""

VERSION = 8

STATEMENTS = [
    """CREATE TABLE api_app (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, callback_url_prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE, signing_key TEXT,
        created_at TEXT NOT NULL, revoked_at TEXT)""",
    """CREATE TABLE payment_request (
        id TEXT PRIMARY KEY, app_id TEXT NOT NULL REFERENCES api_app (id),
        amount_minor INTEGER NOT NULL CHECK (amount_minor > 0), currency TEXT NOT NULL,
        payment_types TEXT NOT NULL, callback_url TEXT NOT NULL, reference TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '', api_version TEXT NOT NULL,
        idempotency_key TEXT, body_hash TEXT NOT NULL, status TEXT NOT NULL,
        tender TEXT, card_brand TEXT, last4 TEXT, auth_code TEXT, receipt_number INTEGER,
        sale_id TEXT, message TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        UNIQUE (app_id, idempotency_key))""",
    "CREATE INDEX payment_request_status ON payment_request (status)",
    """CREATE TABLE api_order (
        id TEXT PRIMARY KEY, app_id TEXT NOT NULL REFERENCES api_app (id),
        reference TEXT NOT NULL, idempotency_key TEXT, body_hash TEXT NOT NULL,
        parked_id TEXT, created_at TEXT NOT NULL,
        UNIQUE (app_id, idempotency_key))""",
    """CREATE TABLE api_callback (
        id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL UNIQUE,
        request_id TEXT NOT NULL, app_id TEXT NOT NULL, url TEXT NOT NULL, body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at REAL NOT NULL, last_error TEXT,
        created_at TEXT NOT NULL, delivered_at TEXT)""",
    "CREATE INDEX api_callback_due ON api_callback (status, next_attempt_at)",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
