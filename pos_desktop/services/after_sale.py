"""What happens once a sale or a refund is stored: one call, one answer for the screen.

The sale is safe in the database (and its event in the outbox) before any of this runs. Then,
in this order:

1. the sync worker is nudged, so the sale goes up now rather than at the next poll (the
   outbox keeps it if the network is down);
2. the receipt prints on the printer's own thread; a cash sale (or a tender that opens the
   drawer) kicks the drawer first, so it opens while the receipt prints
   (``PrintingService.print_sale``); with no printer the receipt is held for the screen;
3. when the sale paid another app's payment request (the POS API), the request is recorded
   ``approved`` and its result callback is queued.

The screen shows the answer (:class:`AfterSale`) and the print outcome when it arrives; it
never runs these steps itself.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Protocol

from pos_desktop.domain.sale import Sale
from pos_desktop.storage.pos_api_repo import RequestRow
from pos_desktop.storage.returns_repo import StoredRefund

from .printing import PrintingService, PrintOutcome


class SyncNudge(Protocol):
    """The sync worker's side the till uses after a sale (``sync.worker.SyncWorker``)."""

    def notify(self) -> None: ...


class PaymentRequests(Protocol):
    """The POS API's side the till uses after a sale (``services.pos_api.PosApiService``)."""

    def complete_from_sale(self, sale: Sale) -> RequestRow | None: ...


class SaleCount(Protocol):
    def count(self) -> int: ...


@dataclass(frozen=True, slots=True)
class AppRequestSettled:
    """A payment request the sale paid: its id and status (``approved``)."""

    request_id: str
    status: str


@dataclass(frozen=True, slots=True)
class AfterSale:
    """What the after-sale steps did, for the screen."""

    sales_saved: int  # sales stored on this till, this one included
    receipt: Future[PrintOutcome]  # the receipt (or refund slip) being printed
    app_request: AppRequestSettled | None = None  # set when the sale paid an app's request


class AfterSaleService:
    """Runs the steps after a stored sale or refund.

    Args:
        sales: counts the stored sales (the status bar shows the figure).
        printing: prints receipts and opens the drawer on the printer's thread.
        sync: the sync worker of an enrolled till; None when the till is not enrolled.
        payment_requests: the POS API service once it runs (``use_payment_requests``).
    """

    def __init__(
        self,
        sales: SaleCount,
        printing: PrintingService,
        sync: SyncNudge | None = None,
        payment_requests: PaymentRequests | None = None,
    ) -> None:
        self._sales = sales
        self._printing = printing
        self._sync = sync
        self._requests = payment_requests

    def use_payment_requests(self, requests: PaymentRequests | None) -> None:
        """The POS API started (it starts after the window shows): settle its requests too."""
        self._requests = requests

    def sale_stored(
        self, sale: Sale, *, on_printed: Callable[[PrintOutcome], None] | None = None
    ) -> AfterSale:
        """Sync nudge, receipt (drawer first for cash), and the app's request if it paid one.

        Args:
            sale: the stored sale (``CheckoutService`` returned it).
            on_printed: called with the print outcome, on the printer's thread.
        """
        self._nudge_sync()
        receipt = self._printing.print_sale(sale, on_done=on_printed)
        settled = None
        if self._requests is not None:
            row = self._requests.complete_from_sale(sale)
            if row is not None and row.status == "approved":
                settled = AppRequestSettled(row.id, row.status)
        return AfterSale(self._sales.count(), receipt, settled)

    def refund_stored(
        self, stored: StoredRefund, *, on_printed: Callable[[PrintOutcome], None] | None = None
    ) -> AfterSale:
        """Sync nudge and the refund slip (cash going back opens the drawer first)."""
        self._nudge_sync()
        slip = self._printing.print_refund(stored, on_done=on_printed)
        return AfterSale(self._sales.count(), slip)

    def _nudge_sync(self) -> None:
        if self._sync is not None:
            self._sync.notify()  # push now; the sale is already safe in the outbox
