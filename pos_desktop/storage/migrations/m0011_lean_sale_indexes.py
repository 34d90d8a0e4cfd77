"""0011: drop the wide sale index of 0004; reports read running totals (0010) since.

Every sale paid for that index in its commit; the voids query uses ``sale_shift`` (0003).
"""

VERSION = 11

STATEMENTS = ["DROP INDEX IF EXISTS sale_shift_report"]


def upgrade(db) -> None:
    for sql in STATEMENTS:
        db.execute_sql(sql)
