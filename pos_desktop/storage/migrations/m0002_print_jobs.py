"""0002: persisted print jobs and drawer openings (printing is never repeated by itself)."""

VERSION = 2

STATEMENTS = [
    """CREATE TABLE print_job (
        id TEXT PRIMARY KEY, kind TEXT NOT NULL, sale_id TEXT REFERENCES sale (id),
        status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL, finished_at TEXT)""",
    "CREATE INDEX print_job_created ON print_job (created_at)",
    """CREATE TABLE drawer_event (
        id TEXT PRIMARY KEY, reason TEXT NOT NULL, sale_id TEXT REFERENCES sale (id),
        status TEXT NOT NULL, error TEXT, created_at TEXT NOT NULL)""",
]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
