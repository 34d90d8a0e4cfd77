"""The till's X/Z report PDF: :mod:`pos_documents.report_pdf` with the till's amounts."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import Any

from pos_documents import report_pdf as shared
from pos_documents.report_pdf import render_layout_pdf

from .i18n import _
from .report_layout import amount_formatter

__all__ = ["render_layout_pdf", "write_report_pdf"]


def write_report_pdf(
    data: dict[str, Any],
    path: Path | str,
    locale: str = "en_GB",
    *,
    store_name: str = "",
    store_address: str = "",
    store_timezone: str = "",
    tz: tzinfo | None = None,
) -> None:
    """Write the report body ``data`` as a PDF at ``path``, amounts in ``locale``."""
    shared.write_report_pdf(
        data,
        path,
        amount_formatter(locale),
        store_name=store_name,
        store_address=store_address,
        store_timezone=store_timezone,
        tz=tz,
        translate=_,  # the store's language, as on the screen and the paper
    )
