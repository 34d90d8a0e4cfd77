"""The public digital receipt: ``/r/<token>`` (a phone-friendly page) and its PDF.

No sign-in: the unguessable token printed as a QR code on the paper receipt is the key
(:mod:`pos_cloud.receipts`). Anything that is not a known token is the same plain 404, so
the page tells a stranger nothing (not whether a sale exists, nor why the link failed).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from pos_documents.receipt_pdf import receipt_pdf_bytes

from .. import receipts
from ..db import connection
from .site import templates

router = APIRouter()
log = logging.getLogger(__name__)
PRIVATE = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
}


def _not_found() -> HTMLResponse:
    return HTMLResponse(
        "<!doctype html><title>Not found</title><p>This receipt link is not valid.</p>",
        status_code=404,
        headers=PRIVATE,
    )


def _layout(token: str):
    with connection():
        sale = receipts.sale_for_token(token)
        if sale is None:
            return None, None
        try:
            return sale, receipts.receipt_layout(sale)
        except (KeyError, TypeError, ValueError):
            log.warning("sale %s cannot be shown as a receipt", sale.sale_id)
            return None, None


@router.get("/r/{token}")
def digital_receipt(request: Request, token: str):
    sale, layout = _layout(token)
    if layout is None:
        return _not_found()
    return templates.TemplateResponse(
        request,
        "digital_receipt.html",
        {"r": layout, "pdf_url": f"/r/{token}/receipt.pdf"},
        headers=PRIVATE,
    )


@router.get("/r/{token}/receipt.pdf")
def digital_receipt_pdf(token: str):
    sale, layout = _layout(token)
    if layout is None:
        return _not_found()
    kind = "invoice" if layout.is_invoice else "receipt"
    return Response(
        receipt_pdf_bytes(layout),
        media_type="application/pdf",
        headers={
            **PRIVATE,
            "Content-Disposition": f'attachment; filename="{kind}-{sale.receipt_number}.pdf"',
        },
    )
