"""0004: staff users, hash-chained audit log, shifts, cash movements, Z reports, report indexes."""

VERSION = 4

STATEMENTS = [
    """CREATE TABLE staff_user (
        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('cashier', 'supervisor', 'manager', 'admin')),
        pin_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
        failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until TEXT,
        created_at TEXT NOT NULL, updated_at TEXT NOT NULL)""",
    """CREATE TABLE audit_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL UNIQUE,
        event TEXT NOT NULL, object_id TEXT, created_at TEXT NOT NULL,
        user_name TEXT, outcome TEXT NOT NULL, body TEXT NOT NULL,
        prev_hash TEXT NOT NULL, hash TEXT NOT NULL)""",
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TABLE shift (
        id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, number INTEGER NOT NULL,
        currency TEXT NOT NULL, status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        opened_by TEXT NOT NULL, opened_at TEXT NOT NULL,
        float_counts TEXT NOT NULL, float_minor INTEGER NOT NULL,
        count_attempts INTEGER NOT NULL DEFAULT 0,
        closed_by TEXT, closed_at TEXT, counted TEXT,
        UNIQUE (terminal_id, number))""",
    # One open shift per till, enforced by the database itself.
    "CREATE UNIQUE INDEX shift_one_open ON shift (terminal_id) WHERE status = 'open'",
    """CREATE TABLE cash_movement (
        id TEXT PRIMARY KEY, shift_id TEXT NOT NULL REFERENCES shift (id),
        kind TEXT NOT NULL CHECK (kind IN ('paid_in', 'paid_out', 'drop', 'no_sale')),
        currency TEXT NOT NULL, amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),
        reason_code TEXT NOT NULL, note TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL, approved_by TEXT, created_at TEXT NOT NULL)""",
    "CREATE INDEX cash_movement_shift ON cash_movement (shift_id, kind)",
    """CREATE TABLE z_report (
        id TEXT PRIMARY KEY, terminal_id TEXT NOT NULL, number INTEGER NOT NULL,
        shift_id TEXT NOT NULL UNIQUE REFERENCES shift (id), body TEXT NOT NULL,
        body_hash TEXT NOT NULL, grand_total_minor INTEGER NOT NULL,
        journal_seq INTEGER NOT NULL, journal_hash TEXT NOT NULL, created_at TEXT NOT NULL,
        UNIQUE (terminal_id, number))""",
    """CREATE TRIGGER z_report_no_update BEFORE UPDATE ON z_report
        BEGIN SELECT RAISE(ABORT, 'a Z report is immutable'); END""",
    """CREATE TRIGGER z_report_no_delete BEFORE DELETE ON z_report
        BEGIN SELECT RAISE(ABORT, 'a Z report is immutable'); END""",
    # Covering indexes: X/Z aggregates over a 1M-line shift read only these b-trees.
    """CREATE INDEX sale_shift_report ON sale (shift_id, status, id, total_minor, tax_minor,
        receipt_number, cashier, completed_at)""",
    """CREATE INDEX sale_line_report ON sale_line (sale_id, tax_code, tax_percent,
        amount_minor, net_minor, tax_minor)""",
    "CREATE INDEX payment_report ON payment (sale_id, tender, amount_minor)",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
