"""0003: every sale belongs to the shift (and cashier session) it was rung up in."""

VERSION = 3

STATEMENTS = [
    "ALTER TABLE sale ADD COLUMN shift_id TEXT",
    "CREATE INDEX sale_shift ON sale (shift_id, receipt_number)",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
