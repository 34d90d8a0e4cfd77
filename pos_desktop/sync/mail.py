"""Sends the e-mails queued in ``mail_outbox`` (its own thread and db connection).

On a till enrolled with a cloud that sends e-mail, each receipt is handed to the cloud
(:func:`hand_over_pending`), which sends it as HTML with the PDF and retries on its side. The
till's own SMTP server (``[smtp]``) is the fallback: used when no connection to the cloud can
be made (the request never left, so the cloud cannot send it too) or the cloud sends no
e-mail. A hand-over whose answer was lost (timeout, 5xx) is retried with the cloud, never with
the till's server: the cloud keeps one message per mail id, so each receipt goes once.

Over SMTP:

A message goes out once its SMTP server said 250 to it; a failure to connect, a timeout or a
4xx answer leaves it queued and the worker tries again with jittered backoff, so a receipt
asked for while the network or the server was down is sent when they are back. A 5xx for the
address (refused recipient) parks the message with the reason: it will never go as it is.
Each message carries a Message-ID made from its id, so a message the server took while the
answer was lost (sent again) is recognisable as the same one.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any, Protocol

from peewee import SqliteDatabase

from pos_common.backoff import Backoff
from pos_common.receipt_layout import ENGLISH, Party, ReceiptLanguage, build_receipt
from pos_desktop.storage.db import open_database
from pos_desktop.storage.mail_repo import Mail, MailRepository
from pos_desktop.storage.sales_repo import SalesRepository
from pos_desktop.storage.sync_repo import load_credentials
from pos_documents.receipt_pdf import receipt_pdf_bytes

from .client import CloudClient, CloudOffline, CloudRefused, CloudUnauthorized, CloudUnreachable

log = logging.getLogger(__name__)

IDLE_INTERVAL = 30.0
# The language a sale's PDF is written in, from its payload (the container hands in
# services.receipt_language.of_sale; the sync layer cannot import the services).
LanguageOf = Callable[[Mapping[str, Any]], ReceiptLanguage]


def _english(_payload: Mapping[str, Any]) -> ReceiptLanguage:
    return ENGLISH


class SmtpConfig(Protocol):
    """The ``[smtp]`` settings (``pos_desktop.config.SmtpConfig``, a frozen dataclass)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def sender(self) -> str: ...
    @property
    def username(self) -> str | None: ...
    @property
    def password_env(self) -> str: ...
    @property
    def starttls(self) -> bool: ...
    @property
    def timeout_s(self) -> int: ...


def receipt_pdf(
    payload: dict[str, Any] | None, language_of: LanguageOf = _english
) -> tuple[str, bytes] | None:
    """``(file name, PDF)`` of a sale's receipt, the one the cloud would attach, in the
    language the paper receipt was printed in (None: no sale or a record too old to lay out)."""
    if not payload:
        return None
    given = payload.get("seller")
    seller: dict[str, Any] = given if isinstance(given, dict) else {}
    party = Party(
        str(seller.get("name") or ""),
        tuple(line for line in str(seller.get("address") or "").splitlines() if line.strip()),
        str(seller.get("tax_id") or ""),
    )
    footer = tuple(line for line in str(seller.get("footer") or "").splitlines() if line.strip())
    try:
        layout = build_receipt(payload, party, footer=footer, language=language_of(payload))
    except (KeyError, TypeError, ValueError):
        return None
    return f"receipt-{payload['receipt_number']}.pdf", receipt_pdf_bytes(layout)


def message_for(mail: Mail, sender: str, pdf: tuple[str, bytes] | None = None) -> EmailMessage:
    """The e-mail for a queued mail: the receipt as printed (plain text) and its PDF."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(datetime.now(UTC))
    msg["Message-ID"] = make_msgid(idstring=mail.mail_id, domain=sender.rsplit("@", 1)[-1])
    msg.set_content(mail.body)
    if pdf is not None:
        msg.add_attachment(pdf[1], maintype="application", subtype="pdf", filename=pdf[0])
    return msg


def send_pending(
    db: SqliteDatabase, smtp: SmtpConfig, *, limit: int = 20, language_of: LanguageOf = _english
) -> tuple[int, int]:
    """Send up to ``limit`` queued mails over one connection: ``(sent, still_queued)``.

    Raises:
        OSError, smtplib.SMTPException: the server cannot be reached or refused the session
            (nothing is marked; the caller retries later).
    """
    repo, sales = MailRepository(db), SalesRepository(db)
    waiting = repo.pending(limit)
    if not waiting:
        return 0, 0
    sent = 0
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_s) as server:
            if smtp.starttls:
                server.starttls(context=ssl.create_default_context())
            if smtp.username:
                server.login(smtp.username, os.environ.get(smtp.password_env, ""))
            for mail in waiting:
                sent += _send_one(repo, server, mail, smtp.sender, sales, language_of)
    except (OSError, smtplib.SMTPException) as exc:  # no session: every mail waits
        for mail in waiting[sent:]:
            if repo.get(mail.mail_id).status == "pending":  # type: ignore[union-attr]
                repo.failed(mail.mail_id, f"{type(exc).__name__}: {exc}", park=False)
        raise
    return sent, len(waiting) - sent


def _send_one(
    repo: MailRepository,
    server: smtplib.SMTP,
    mail: Mail,
    sender: str,
    sales: SalesRepository,
    language_of: LanguageOf,
) -> int:
    """Send one mail in an open session: 1 when the server took it."""
    payload = sales.payload(mail.sale_id) if mail.sale_id else None
    try:
        server.send_message(message_for(mail, sender, receipt_pdf(payload, language_of)))
    except smtplib.SMTPRecipientsRefused as exc:
        repo.failed(mail.mail_id, f"refused: {exc.recipients}", park=True)
        return 0
    except smtplib.SMTPResponseException as exc:
        repo.failed(mail.mail_id, f"{exc.smtp_code} {exc.smtp_error!r}", park=exc.smtp_code >= 500)
        return 0
    repo.mark_sent(mail.mail_id, datetime.now(UTC))
    return 1


def hand_over_pending(
    db: SqliteDatabase, client: CloudClient, *, limit: int = 20
) -> tuple[int, bool]:
    """Hand queued receipts to the cloud, which e-mails them: ``(handed, till_sends)``.

    ``till_sends``: no connection to the cloud could be made, it sends no e-mail (409) or
    no longer knows this till (401): the rest goes over the till's own SMTP server.

    Raises:
        CloudOffline: the cloud may have had the request (timeout, 5xx): ask it again later.
    """
    repo, sales = MailRepository(db), SalesRepository(db)
    handed = 0
    for mail in repo.pending(limit):
        payload = sales.payload(mail.sale_id) if mail.sale_id else None
        body = {
            "mail_id": mail.mail_id,
            "sale_id": mail.sale_id,
            "recipient": mail.recipient,
            "receipt_token": (payload or {}).get("receipt_token"),
        }
        try:
            client.hand_over_receipt_mail(body)
        except (CloudUnreachable, CloudUnauthorized):  # never queued there: the till sends it
            return handed, True
        except CloudRefused as exc:
            if exc.status_code == 409:  # the cloud sends no e-mail
                return handed, True
            repo.failed(mail.mail_id, f"the cloud refused it: {exc.detail}", park=True)
            continue
        except CloudOffline as exc:
            repo.failed(mail.mail_id, str(exc), park=False)
            raise
        repo.mark_sent(mail.mail_id, datetime.now(UTC), by="cloud")
        handed += 1
    return handed, False


class MailWorker:
    """Drains ``mail_outbox`` on its own thread; ``notify()`` after queueing a mail."""

    def __init__(
        self,
        database_path: Path | str,
        smtp: SmtpConfig | None,
        *,
        idle: float = IDLE_INTERVAL,
        backoff_cap: float = 300.0,
        cloud_timeout: float = 10.0,
        language_of: LanguageOf = _english,
    ) -> None:
        self._path = Path(database_path)
        self._smtp = smtp
        self._language_of = language_of
        self._idle = idle
        self._cap = backoff_cap
        self._cloud_timeout = cloud_timeout
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mail", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 2.0) -> bool:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _run(self) -> None:
        db = open_database(self._path)
        backoff = Backoff(base=min(1.0, self._cap), cap=self._cap)
        try:
            while not self._stopping.is_set():
                wait = self._idle
                try:
                    if self._round(db):
                        wait = 0.0
                    self.last_error = None
                    backoff.reset()
                except (OSError, smtplib.SMTPException, CloudOffline, CloudRefused) as exc:
                    self.last_error = f"{type(exc).__name__}: {exc}"
                    log.warning("e-mail not sent yet (%s); trying again later", self.last_error)
                    wait = backoff.next_delay()
                self._wake.wait(wait)
                self._wake.clear()
        finally:
            db.close()

    def _round(self, db: SqliteDatabase) -> bool:
        """Hand over or send what is queued; True when more is waiting."""
        creds = load_credentials(db)
        till_sends = creds is None
        if creds is not None:
            with CloudClient(creds.cloud_url, creds.token, timeout=self._cloud_timeout) as client:
                handed, till_sends = hand_over_pending(db, client)
            if not till_sends:
                return handed > 0 and bool(MailRepository(db).pending(1))
        if self._smtp is None:
            if MailRepository(db).pending(1):  # nowhere to send it now: try the cloud again
                raise CloudUnreachable("the cloud cannot be reached and [smtp] is not set")
            return False
        _sent, left = send_pending(db, self._smtp, language_of=self._language_of)
        return left > 0
