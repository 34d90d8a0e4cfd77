"""Receipts e-mailed by the cloud: HTML body, plain-text part and the PDF, queued and retried.

A till hands a receipt over (``POST /v1/receipt-mails``) with its own id for the message; the
id is unique here, so handing the same receipt over twice (an answer lost on the way back)
still sends one message. The back-office worker sends due messages over SMTP: a connection
failure, a timeout or a 4xx answer waits (backoff doubling from :data:`FIRST_BACKOFF` up to
:data:`MAX_BACKOFF`) and tries again; a refused address or :data:`MAX_ATTEMPTS` failures end
it as ``failed``. A message whose sale has not reached the cloud yet waits the same way.

SMTP settings come from the environment (docs/CLOUD.md, "E-mailed receipts"):
``POS_CLOUD_SMTP_HOST`` (unset: the cloud sends no e-mail and tills use their own ``[smtp]``),
``POS_CLOUD_SMTP_PORT`` (587), ``POS_CLOUD_SMTP_SENDER``, ``POS_CLOUD_SMTP_USERNAME``,
``POS_CLOUD_SMTP_PASSWORD``, ``POS_CLOUD_SMTP_STARTTLS`` (1; 0 for a local relay),
``POS_CLOUD_PUBLIC_URL`` (the address customers open, for the link in the message).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import peewee as pw
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pos_common.receipt_layout import ReceiptLayout, text_lines
from pos_documents.receipt_pdf import receipt_pdf_bytes

from . import change_notify, receipt_language, receipts
from .db import database_proxy
from .errors import BadInput, CloudError
from .models import ReceiptLink, ReceiptMail, Sale, utcnow

log = logging.getLogger(__name__)
FIRST_BACKOFF = dt.timedelta(seconds=30)
MAX_BACKOFF = dt.timedelta(hours=1)
MAX_ATTEMPTS = 12
LEASE = dt.timedelta(minutes=2)
BATCH = 20
ADDRESS = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+$")
_templates = Environment(
    loader=FileSystemLoader(os.path.join(os.path.dirname(__file__), "web", "templates")),
    autoescape=select_autoescape(["html"]),
)


class MailNotSetUp(CloudError):
    """The cloud has no SMTP server: the till sends the receipt itself."""

    status_code = 409


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 587
    sender: str = "receipts@localhost"
    username: str = ""
    password: str = ""
    starttls: bool = True
    public_url: str = ""
    timeout_s: float = 20.0


def settings_from_env(env: dict[str, str] | None = None) -> SmtpSettings | None:
    """The SMTP settings from ``POS_CLOUD_SMTP_*``; None when no host is set."""
    env = dict(os.environ) if env is None else env
    host = env.get("POS_CLOUD_SMTP_HOST", "").strip()
    if not host:
        return None
    return SmtpSettings(
        host=host,
        port=int(env.get("POS_CLOUD_SMTP_PORT", "587")),
        sender=env.get("POS_CLOUD_SMTP_SENDER", "") or f"receipts@{host}",
        username=env.get("POS_CLOUD_SMTP_USERNAME", ""),
        password=env.get("POS_CLOUD_SMTP_PASSWORD", ""),
        starttls=env.get("POS_CLOUD_SMTP_STARTTLS", "1") != "0",
        public_url=env.get("POS_CLOUD_PUBLIC_URL", "").rstrip("/"),
    )


def queue(
    store_id: str, mail_id: str, sale_id: str, recipient: str, receipt_token: str | None
) -> bool:
    """Queue the receipt of ``sale_id`` (a sale of ``store_id``) for ``recipient``; False when
    ``mail_id`` was queued already. Tills hand mails over with their own id; the back office's
    "E-mail this receipt" form sends one id per form, so a double click queues one message.

    Raises:
        MailNotSetUp: the cloud sends no e-mail (no ``POS_CLOUD_SMTP_HOST``).
        BadInput: the address is not one.
    """
    if settings_from_env() is None:
        raise MailNotSetUp("This cloud sends no e-mail (POS_CLOUD_SMTP_HOST is not set).")
    recipient = checked_address(recipient)
    # The row count, not the insert id: SQLite reports the connection's last inserted row
    # (of any table) for an insert it ignored.
    added = database_proxy.execute(
        ReceiptMail.insert(
            mail_id=mail_id,
            store_id=store_id,
            sale_id=sale_id,
            recipient=recipient,
            receipt_token=receipt_token if receipts.valid_token(receipt_token) else None,
            status="pending",
            next_attempt_at=utcnow(),
            created_at=utcnow(),
        ).on_conflict_ignore()
    ).rowcount
    change_notify.backoffice_changed()
    return added == 1


def checked_address(recipient: str) -> str:
    """``recipient`` without surrounding blanks, or BadInput saying it is not an address."""
    recipient = recipient.strip()
    if len(recipient) > 254 or not ADDRESS.match(recipient):
        raise BadInput(
            f"{recipient!r} is not an e-mail address: check it (it looks like name@example.org)."
        )
    return recipient


def masked(address: str) -> str:
    """``anna@example.org`` as ``an…@example.org``: enough to tell addresses apart in an
    audit trail without keeping who the customer is."""
    local, _, domain = address.rpartition("@")
    return f"{local[:2]}…@{domain}"


def backoff(attempts: int) -> dt.timedelta:
    """Wait before attempt ``attempts + 1``."""
    return min(FIRST_BACKOFF * (2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def next_due_in(now: dt.datetime | None = None) -> float | None:
    """Seconds until the earliest pending message is due (0 if one is), None if none is."""
    due = (
        ReceiptMail.select(pw.fn.MIN(ReceiptMail.next_attempt_at))
        .where(ReceiptMail.status == "pending")
        .scalar()
    )
    if due is None:
        return None
    if isinstance(due, str):
        due = dt.datetime.fromisoformat(due)
    return max((due - (now or utcnow())).total_seconds(), 0.0)


def _claim() -> list[int]:
    now = utcnow()
    free = ReceiptMail.lease_until.is_null() | (ReceiptMail.lease_until < now)
    due = [
        m.id
        for m in ReceiptMail.select(ReceiptMail.id)
        .where((ReceiptMail.status == "pending") & (ReceiptMail.next_attempt_at <= now) & free)
        .order_by(ReceiptMail.next_attempt_at)
        .limit(BATCH)
    ]
    claimed = []
    for mail_id in due:
        taken = (
            ReceiptMail.update(lease_until=now + LEASE)
            .where((ReceiptMail.id == mail_id) & (ReceiptMail.status == "pending") & free)
            .execute()
        )
        if taken:
            claimed.append(mail_id)
    return claimed


def message_for(mail: ReceiptMail, layout: ReceiptLayout, settings: SmtpSettings, link: str):
    """The e-mail: plain text and HTML alternatives (the receipt) and the PDF attached, all in
    the receipt's language (the subject and the link's line too)."""
    kind = "invoice" if layout.is_invoice else "receipt"
    _ = receipt_language.language(layout.language).translate
    if layout.is_invoice:
        subject = _("{shop}: your invoice {code}").format(
            shop=layout.seller.name, code=layout.number
        )
    else:
        subject = _("{shop}: your receipt {receipt_number}").format(
            shop=layout.seller.name, receipt_number=layout.number
        )
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = mail.recipient
    msg["Subject"] = subject
    msg["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    msg["Message-ID"] = make_msgid(idstring=mail.mail_id, domain=settings.sender.rsplit("@")[-1])
    text = "\n".join(text_lines(layout))
    online = _("Your digital receipt: {link}").format(link=link) if link else ""
    msg.set_content(text + (f"\n\n{online}\n" if link else "\n"))
    html = _templates.get_template("receipt_mail.html").render(r=layout, link=link)
    msg.add_alternative(html, subtype="html")
    msg.add_attachment(
        receipt_pdf_bytes(layout),
        maintype="application",
        subtype="pdf",
        filename=f"{kind}-{layout.number}.pdf",
    )
    return msg


def send_due(settings: SmtpSettings | None = None) -> int:
    """Try every due message once over one SMTP session; how many were sent."""
    settings = settings or settings_from_env()
    if settings is None:
        return 0
    with database_proxy.connection_context():
        claimed = _claim()
    if not claimed:
        return 0
    sent = 0
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_s) as server:
            if settings.starttls:
                server.starttls(context=ssl.create_default_context())
            if settings.username:
                server.login(settings.username, settings.password)
            for mail_id in claimed:
                sent += _send_one(server, mail_id, settings)
    except (OSError, smtplib.SMTPException) as exc:  # no session: every claimed one waits
        log.warning("receipt e-mails not sent yet: %s", exc)
        with database_proxy.connection_context():
            for mail_id in claimed:
                _failed(mail_id, f"{type(exc).__name__}: {exc}", final=False, only_leased=True)
    return sent


def _send_one(server: smtplib.SMTP, mail_id: int, settings: SmtpSettings) -> int:
    with database_proxy.connection_context():
        mail = ReceiptMail.get_by_id(mail_id)
        link = _link(mail, settings)
        sale = Sale.get_or_none((Sale.sale_id == mail.sale_id) & (Sale.store == mail.store_id))
        if sale is None:
            _failed(mail_id, "the sale has not reached the cloud yet", final=False)
            return 0
        try:
            layout = receipts.receipt_layout(sale)
        except (KeyError, TypeError, ValueError) as exc:
            _failed(mail_id, f"the sale cannot be shown as a receipt: {exc}", final=True)
            return 0
    message = message_for(mail, layout, settings, link)
    try:
        server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        with database_proxy.connection_context():
            _failed(mail_id, f"refused: {exc.recipients}", final=True)
        return 0
    except smtplib.SMTPResponseException as exc:
        with database_proxy.connection_context():
            _failed(mail_id, f"{exc.smtp_code} {exc.smtp_error!r}", final=exc.smtp_code >= 500)
        return 0
    with database_proxy.connection_context():
        ReceiptMail.update(  # the token is not kept once it went out
            status="sent",
            sent_at=utcnow(),
            lease_until=None,
            attempts=ReceiptMail.attempts + 1,
            receipt_token=None,
        ).where(ReceiptMail.id == mail_id).execute()
    return 1


def _failed(mail_id: int, error: str, *, final: bool, only_leased: bool = False) -> None:
    mail = ReceiptMail.get_by_id(mail_id)
    if only_leased and mail.status != "pending":
        return
    attempts = mail.attempts + 1
    done = final or attempts >= MAX_ATTEMPTS
    ReceiptMail.update(
        attempts=attempts,
        last_error=error[:500],
        lease_until=None,
        status="failed" if done else "pending",
        next_attempt_at=utcnow() + backoff(attempts),
    ).where(ReceiptMail.id == mail_id).execute()


def _link(mail: ReceiptMail, settings: SmtpSettings) -> str:
    """The digital receipt's address, when the till's token is the sale's (else none)."""
    token = mail.receipt_token or ""
    if not (settings.public_url and receipts.valid_token(token)):
        return ""
    known = ReceiptLink.get_or_none(
        (ReceiptLink.token_hash == receipts.token_hash(token))
        & (ReceiptLink.sale_id == mail.sale_id)
    )
    return f"{settings.public_url}/r/{token}" if known else ""
