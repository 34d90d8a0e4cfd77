"""The ``print_job`` table: every document sent to the receipt printer, with what became of it.

A job is recorded (``pending``, or ``held`` with no printer) before a byte goes to the printer,
then finished as ``printed``, ``failed`` (nothing was sent) or ``unknown`` (paper may have come
out). ``decided`` keeps the cashier's answer for a failed job: ``reprinted``, ``printed_ok`` or
``printed_later`` (a held receipt printed once a printer was set up).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import SqliteDatabase

from .codec import utc_text

CUSTOMER_RECEIPT = "receipt"


@dataclass(frozen=True, slots=True)
class StoredPrintJob:
    job_id: str
    sale_id: str | None
    status: str
    document: str  # the job as JSON (services.print_documents)


class PrintJobRepository:
    """Owns the ``print_job`` table."""

    def __init__(self, db: SqliteDatabase) -> None:
        self.db = db

    def add(
        self,
        job_id: str,
        kind: str,
        sale_id: str | None,
        status: str,
        document: str,
        now: datetime,
        copy_of: str | None = None,
    ) -> None:
        """Record a job before it is printed (``pending``) or kept for later (``held``)."""
        with self.db.atomic():
            self.db.execute_sql(
                "INSERT INTO print_job (id, kind, sale_id, status, created_at, document, copy_of) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (job_id, kind, sale_id, status, utc_text(now), document, copy_of),
            )

    def finish(self, job_id: str, status: str, error: str | None, now: datetime) -> None:
        """What became of the job at the printer (``printed``, ``failed``, ``unknown``)."""
        self.db.execute_sql(
            "UPDATE print_job SET status = ?, error = ?, finished_at = ? WHERE id = ?",
            (status, error, utc_text(now), job_id),
        )

    def find(self, job_id: str | None = None) -> StoredPrintJob | None:
        """The job ``job_id``, or (None) the last customer receipt; None when there is none."""
        row = self.db.execute_sql(
            "SELECT id, sale_id, status, document FROM print_job WHERE document IS NOT NULL AND "
            + ("id = ?" if job_id else "kind = ? ORDER BY created_at DESC LIMIT 1"),
            (job_id,) if job_id else (CUSTOMER_RECEIPT,),
        ).fetchone()
        return None if row is None else StoredPrintJob(*row)

    def decide(self, job_id: str, decision: str, *, only_if_failed: bool = False) -> None:
        """Keep the cashier's answer for a job (``reprinted``, ``printed_ok``, ...);
        ``only_if_failed``: only when the job failed or its outcome is unknown."""
        with self.db.atomic():
            self.db.execute_sql(
                "UPDATE print_job SET decided = ? WHERE id = ?"
                + (" AND status IN ('unknown', 'failed')" if only_if_failed else ""),
                (decision, job_id),
            )

    def undecided(self) -> list[tuple[str, str | None, str | None]]:
        """Customer receipts whose paper state is unknown and nobody answered for yet
        (id, sale, error), oldest first."""
        return self.db.execute_sql(
            "SELECT id, sale_id, error FROM print_job WHERE status IN ('unknown', 'failed') "
            "AND decided IS NULL "
            "AND kind IN ('receipt', 'reprint') ORDER BY created_at"
        ).fetchall()
