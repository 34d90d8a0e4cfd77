"""E-mailed receipts: the cashier sends a sale's receipt to the attached customer's e-mail.

The receipt (the same text as the paper one) goes into ``mail_outbox`` with the customer's
consent (when, where, who asked), in one transaction; a mail worker (``pos_desktop.sync.mail``)
sends it over SMTP when it can, so a receipt asked for offline goes out later. Asking records
the customer's choice of receipts by e-mail.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import SqliteDatabase

from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.domain.sale import Sale
from pos_desktop.storage.codec import utc_text
from pos_desktop.storage.customer_repo import CustomerRepository
from pos_desktop.storage.mail_repo import Mail, MailRepository

from .i18n import _
from .ports import Clock
from .print_documents import job_as_text
from .receipts import ReceiptBuilder


class EmailReceiptService:
    def __init__(
        self,
        db: SqliteDatabase,
        builder: Callable[[], ReceiptBuilder],
        clock: Clock,
        terminal_id: str,
        *,
        enabled: bool,
    ) -> None:
        self._db = db
        self._builder = builder  # the printing service's current one (the printer may change)
        self._clock = clock
        self._terminal_id = terminal_id
        self.enabled = enabled  # an SMTP server is configured
        self.mails = MailRepository(db)
        self.customers = CustomerRepository(db)
        self.on_queued = lambda: None  # the mail worker's nudge (set by the container)

    def recipient(self, sale: Sale) -> str:
        """The e-mail address the receipt of ``sale`` would go to.

        Raises:
            DomainError: e-mail is not set up, no customer on the sale, or no e-mail address.
        """
        if not self.enabled:
            raise DomainError(N_("E-mailed receipts are not set up: add [smtp] to config.toml."))
        if sale.customer_id is None:
            raise DomainError(N_("No customer on this sale: attach them (Ctrl+U) before paying."))
        customer = self.customers.get(sale.customer_id)
        if customer is None or not customer.email:
            raise DomainError(N_("This customer has no e-mail address: print the receipt instead."))
        return customer.email

    def send(self, sale: Sale, cashier: str | None) -> Mail:
        """Queue the receipt of ``sale`` for its customer, who agreed (the cashier asked).

        Raises:
            DomainError: see :meth:`recipient`.
        """
        to = self.recipient(sale)
        now = self._clock.now()
        stamp = utc_text(now)
        builder = self._builder()
        header = builder.settings.name or _("Your shop")
        mail = Mail(
            mail_id=new_id(),
            sale_id=sale.sale_id,
            recipient=to,
            subject=_("{shop}: your receipt {receipt_number}").format(
                shop=header, receipt_number=sale.receipt_number
            ),
            body=job_as_text(builder.sale_receipt(sale)),
            consent=f"{stamp} at till {self._terminal_id}" + (f" ({cashier})" if cashier else ""),
        )
        assert sale.customer_id is not None  # checked by recipient()
        with self._db.atomic("IMMEDIATE"):
            self.mails.queue(mail, now)
            self.customers.set_email_receipts(sale.customer_id, stamp)
        self.on_queued()
        return mail
