"""Large CSV imports run in the background and report their progress to the page.

A file of more than :data:`BACKGROUND_FROM_LINES` lines is imported by a thread of the server
process that received it; the page polls ``.../products/import/<job>`` (htmx, twice a second)
and shows the rows checked, then the rows written, then the outcome: the count, or every bad
row. The outcome is kept in ``web_import_job``, so any server process can show it; the live
row counts are known to the process doing the import (another ``--workers`` process shows
"importing" without them until the outcome is stored). Smaller files are imported within the
request, as before.
"""

from __future__ import annotations

import json
import logging
import threading

from ..db import connection
from ..errors import BadInput, NotFound
from ..models import new_id, utcnow
from . import catalogue
from .accounts import Viewer
from .models import WebImportJob

BACKGROUND_FROM_LINES = 2_000
_log = logging.getLogger(__name__)
_lock = threading.Lock()
_live: dict[str, tuple[str, int]] = {}  # job id -> (phase, rows) while this process runs it


def line_count(data: bytes) -> int:
    """Data rows in the upload (lines after the header), to size the progress bar."""
    return max(data.count(b"\n") - (1 if data.endswith(b"\n") else 0), 0)


def start(viewer: Viewer, store_id: str, data: bytes) -> WebImportJob:
    """Record the job and start its thread; the page polls :func:`state`."""
    with connection():
        job = WebImportJob.create(
            id=new_id(),
            store_id=store_id,
            user_id=viewer.user_id,
            total_rows=line_count(data),
            status="checking",
            created_at=utcnow(),
        )
    with _lock:
        _live[job.id] = ("checking", 0)
    threading.Thread(
        target=_run, args=(job.id, viewer, store_id, data), name="csv-import", daemon=True
    ).start()
    return job


def _run(job_id: str, viewer: Viewer, store_id: str, data: bytes) -> None:
    def progress(phase: str, rows: int) -> None:
        with _lock:
            _live[job_id] = (phase, rows)

    outcome: dict = {"status": "failed", "finished_at": None}
    try:
        with connection():
            result = catalogue.import_csv(viewer, store_id, data, progress)
        if result.problems:
            outcome["errors"] = json.dumps(result.problems)
        else:
            outcome |= {"status": "done", "done_rows": result.imported}
    except BadInput as exc:
        outcome["message"] = str(exc)
    except Exception:  # the page must learn that it ended
        _log.exception("CSV import %s failed", job_id)
        outcome["message"] = "The import failed on the server; nothing was written. Try again."
    outcome["finished_at"] = utcnow()
    try:
        with connection():
            WebImportJob.update(**outcome).where(WebImportJob.id == job_id).execute()
    finally:
        with _lock:
            _live.pop(job_id, None)


def state(store_id: str, job_id: str) -> dict:
    """The job as the page shows it: status, rows so far (when known here), the outcome."""
    job = WebImportJob.get_or_none(
        (WebImportJob.id == job_id) & (WebImportJob.store_id == store_id)
    )
    if job is None:
        raise NotFound("No such import in this store.")
    with _lock:
        live = _live.get(job_id)
    phase, rows = live if live else (job.status, None)
    finished = job.finished_at is not None
    result = None
    if finished and job.status == "done":
        result = catalogue.ImportResult(imported=job.done_rows)
    elif finished and job.errors:
        result = catalogue.ImportResult(problems=[tuple(p) for p in json.loads(job.errors)])
    return {
        "job": job,
        "finished": finished,
        "phase": phase,
        "rows": rows,
        "total": job.total_rows,
        "result": result,
        "error": job.message if finished else None,
    }
