"""A Z report as the PDF the till makes, drawn from the body the till sent.

The layout and the PDF renderer are the till's own, shared through ``pos_common``
(:mod:`pos_common.report_layout`, :mod:`pos_documents.report_pdf`), so the owner downloads the
same report the manager printed, with the period in the store's time zone.
"""

from __future__ import annotations

import json
import zoneinfo

from pos_common.report_layout import build_layout
from pos_documents.report_pdf import layout_pdf_bytes

from ..errors import Conflict
from ..models import Store
from . import money
from .models import WebShift


def amount_text(minor: int, currency: str) -> str:
    """``123456`` EUR -> ``1,234.56`` (the currency is named in the report's header)."""
    return money.display(minor, currency).rsplit(" ", 1)[0]


def z_report_pdf(store: Store, shift: WebShift) -> bytes:
    """The PDF of ``shift``'s Z report; Conflict when the till's body lacks a figure."""
    body = json.loads(shift.body)
    # The zone the till closed the Z in wins (as on the till); a Z without one (older tills, or
    # a till on its machine's zone) is shown in the store's zone as the cloud knows it.
    carried = isinstance(body.get("store"), dict) and body["store"].get("timezone")
    zone = None
    if not carried:
        try:
            zone = zoneinfo.ZoneInfo(store.timezone or "UTC")
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = zoneinfo.ZoneInfo("UTC")
    try:
        layout = build_layout(body, amount_text, store_name=store.name, tz=zone)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Conflict(
            f"This Z report's data is incomplete ({type(exc).__name__}: {exc}); it was sent "
            "by an older till version. Print it from that till, or update the till."
        ) from None
    return layout_pdf_bytes(layout)
