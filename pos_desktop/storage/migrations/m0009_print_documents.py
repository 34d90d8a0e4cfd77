"""0009: keep each print job's document, so a reprint is the same receipt marked COPY."""

VERSION = 9

STATEMENTS = [
    "ALTER TABLE print_job ADD COLUMN document TEXT",
    "ALTER TABLE print_job ADD COLUMN copy_of TEXT",
    "ALTER TABLE print_job ADD COLUMN decided TEXT",  # reprinted | printed_ok (cashier's answer)
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
