"""0012: void records: voided lines, cancelled sales and dropped parked sales, append-only.

Written in the same transaction as the audit record of the cart change; X/Z reports count them
per shift (``void_record_shift``).
"""

VERSION = 12

STATEMENTS = [
    """CREATE TABLE IF NOT EXISTS void_record (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('line', 'sale', 'parked_sale')),
        terminal_id TEXT NOT NULL,
        shift_id TEXT,
        object_id TEXT,
        description TEXT NOT NULL,
        quantity TEXT,
        amount_minor INTEGER NOT NULL,
        currency TEXT NOT NULL,
        requester TEXT NOT NULL,
        approver TEXT NOT NULL,
        reason TEXT,
        approval_seq INTEGER,
        audit_seq INTEGER NOT NULL,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS void_record_shift ON void_record (shift_id, kind)",
    """CREATE TRIGGER IF NOT EXISTS void_record_no_update BEFORE UPDATE ON void_record
        BEGIN SELECT RAISE(ABORT, 'void records are append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS void_record_no_delete BEFORE DELETE ON void_record
        BEGIN SELECT RAISE(ABORT, 'void records are append-only'); END""",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
