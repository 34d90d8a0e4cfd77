""" "E-mail this receipt" on the back office's receipt page.

The message goes through the cloud's one receipt queue (:func:`pos_cloud.receipt_mail.queue`),
the same queue and worker as the receipts tills hand over, so it is retried the same way. Each
rendering of the form carries a fresh random key and the queue keeps one message per key: a
double click (or the browser sending the form again) queues one message, while a manager who
sends the receipt again on purpose (a customer asks twice) submits a new form.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass

from .. import receipt_mail, receipts
from ..db import database_proxy
from ..errors import BadInput
from ..models import Customer, Event, ReceiptMail, Sale, SaleCustomer
from . import audit
from .accounts import Viewer

KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")  # secrets.token_urlsafe(16)
NOT_SET_UP = (
    "E-mail is not set up on this server: set POS_CLOUD_SMTP_HOST (and the other "
    "POS_CLOUD_SMTP_* settings, see docs/RECEIPTS.md) for pos-cloud serve and restart it."
)


@dataclass(frozen=True, slots=True)
class Sent:
    """What the form did: queued a message, or found this form's message queued already."""

    address: str
    queued: bool

    @property
    def message(self) -> str:
        if self.queued:
            return f"Queued for {self.address}; it goes out within a minute."
        return (
            f"Already queued for {self.address}: this form was sent twice. "
            "To send the receipt again, use the form below."
        )


def new_key() -> str:
    return secrets.token_urlsafe(16)


def is_set_up() -> bool:
    return receipt_mail.settings_from_env() is not None


def customer_address(sale: Sale) -> str:
    """The e-mail address of the sale's customer, or "" (none, or erased)."""
    link = SaleCustomer.get_or_none(SaleCustomer.sale_id == sale.sale_id)
    if link is None:
        return ""
    customer = Customer.get_or_none(
        (Customer.id == link.customer_id) & (Customer.store == sale.store_id)
    )
    if customer is None or customer.deleted or customer.erased_at is not None:
        return ""
    return customer.email or ""


def mails_of(sale: Sale) -> list[ReceiptMail]:
    """The messages of this receipt, newest first (sent, waiting or given up)."""
    return list(
        ReceiptMail.select()
        .where((ReceiptMail.sale_id == sale.sale_id) & (ReceiptMail.store_id == sale.store_id))
        .order_by(ReceiptMail.created_at.desc(), ReceiptMail.id.desc())
        .limit(20)
    )


def send(viewer: Viewer, sale: Sale, address: str, key: str) -> Sent:
    """Queue the receipt of ``sale`` for ``address`` once per form ``key``; audited.

    Raises:
        BadInput: no address, not an address, or a form without its key.
        receipt_mail.MailNotSetUp: the server has no SMTP settings.
    """
    if not KEY.fullmatch(key or ""):
        raise BadInput("This form is incomplete or too old: reload the page and send it again.")
    if not address.strip():
        raise BadInput("Enter the address to send the receipt to.")
    if not is_set_up():
        raise receipt_mail.MailNotSetUp(NOT_SET_UP)
    address = receipt_mail.checked_address(address)
    mail_id = f"web.{sale.sale_id}.{key}"  # one message per form, and never another sale's
    with database_proxy.atomic():
        queued = receipt_mail.queue(sale.store_id, mail_id, sale.sale_id, address, _token(sale))
        if queued:
            audit.record(
                viewer,
                "receipt.email",
                "sale",
                sale.sale_id,
                store_id=sale.store_id,
                after={"to": receipt_mail.masked(address), "mail_id": mail_id},
            )
    return Sent(address, queued)


def _token(sale: Sale) -> str | None:
    """The sale's receipt token (from the till's record), for "View it online"."""
    payload = json.loads(Event.get_by_id(sale.event_id).body).get("payload") or {}
    token = payload.get("receipt_token")
    return token if receipts.valid_token(token) else None
