"""Printing refund slips and gift receipts through the existing printing service.

Uses :class:`PrintingService`'s job recorder, so every job is recorded and never repeated by
itself; a cash refund opens the drawer like a cash sale.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future

from pos_desktop.domain.sale import Sale
from pos_desktop.domain.tender import CASH
from pos_desktop.storage.returns_repo import StoredRefund

from .printing import PrintingService, PrintOutcome


def print_refund(
    printing: PrintingService,
    stored: StoredRefund,
    *,
    on_done: Callable[[PrintOutcome], None] | None = None,
) -> Future[PrintOutcome]:
    """Print the refund slip; cash going back opens the drawer first."""
    cash = any(t.kind == CASH and t.amount_minor > 0 for t in stored.refund.tenders)
    open_drawer = cash and printing.drawer.open_on_cash
    job = printing._builder.refund_receipt(  # noqa: SLF001 - one builder per printer
        stored, drawer=printing.drawer.pulse() if open_drawer else None
    )
    return printing._submit(job, "refund", None, open_drawer, on_done)  # noqa: SLF001


def print_gift_receipt(
    printing: PrintingService,
    sale: Sale,
    *,
    on_done: Callable[[PrintOutcome], None] | None = None,
) -> Future[PrintOutcome]:
    """A gift receipt (no prices) for a stored sale."""
    job = printing._builder.gift_receipt(sale)  # noqa: SLF001
    return printing._submit(job, "gift", sale.sale_id, False, on_done)  # noqa: SLF001
