"""0015: the store's tax id, country, language and receipt logo; first-run setup progress.

``setup_progress`` holds the answers of an unfinished setup wizard (one JSON value per page), so
a wizard that was closed half-way resumes where it was left.
"""

VERSION = 15

STATEMENTS = [
    "ALTER TABLE store_settings ADD COLUMN tax_id TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE store_settings ADD COLUMN country TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE store_settings ADD COLUMN language TEXT NOT NULL DEFAULT 'en'",
    "ALTER TABLE store_settings ADD COLUMN receipt_logo TEXT NOT NULL DEFAULT ''",
    """CREATE TABLE setup_progress (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
