"""Customers in the cloud: made from tills' events, listed, merged, exported and erased.

* A till's ``customer.created`` event becomes a customer row of its store (fed to every till);
  ``sale.completed`` with a ``customer_id`` links the sale (``sale_customer``).
* Merge: the duplicate's sales and loyalty points move to the customer kept, in one
  transaction; the duplicate is tombstoned (tills drop it) and remembers where it went.
  Marketing consent stays only if both records agreed (a withdrawal is never lost); what only
  the duplicate holds (e-mail, phone, invoice details, receipts by e-mail, a refusal's record)
  is kept, every change audited, and the tills get the kept record again.
* Export (GDPR access): everything held about a customer, as JSON.
* Erase: the personal data goes (name, e-mail, phone, invoice address and VAT id, consent;
  also from the stored ``customer.created`` events and the web audit trail), the row becomes a
  pseudonym and is tombstoned; sales and their totals stay, linked to the pseudonymous id. The
  records merged into the customer (the same person's duplicates) are erased with it.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import operator
from dataclasses import dataclass
from typing import Any

import peewee as pw
from pydantic import BaseModel, Field

from . import ledger
from .db import database_proxy, is_postgres
from .errors import BadInput, NotFound
from .feeds import next_change_seqs
from .models import Customer, Event, ReceiptMail, Sale, SaleCustomer, Store, utcnow

ERASED_NAME = "Erased customer"
ERASED_AUDIT = '"(erased)"'  # JSON, as the audit trail stores before/after
# web audit actions whose before/after are personal data through and through
PERSONAL_AUDIT = ("customer.contact", "customer.invoice_details")
MAX_PAGE = 200
MAX_ADDRESS_LINES, MAX_ADDRESS_LINE = 6, 100  # what fits the invoice's "Bill to" block
MIN_VAT_ID, MAX_VAT_ID = 4, 20  # EU VAT ids are 8 to 14 characters with the country prefix


class CustomerCreatedIn(BaseModel):
    """The payload of a till's ``customer.created`` event (extra fields kept in the event)."""

    customer_id: str = Field(min_length=1, max_length=36)
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=64)
    marketing_consent: bool = False
    consent_at: str | None = Field(default=None, max_length=40)
    consent_source: str | None = Field(default=None, max_length=200)
    email_receipts: bool = False


def record_created(store_id: str, created: list[CustomerCreatedIn]) -> None:
    """Insert the customers tills created (inside the batch's transaction); an id already
    known is left as it is (a customer made in the back office or merged meanwhile). An erased
    customer's event (a till offline since before the erasure) is stored without the personal
    data, as erasing left the others."""
    if not created:
        return
    query = Customer.select(Customer.id, Customer.erased_at).where(
        Customer.id.in_(sorted({x.customer_id for x in created}))
    )
    if is_postgres():  # an erasure running meanwhile waits, then scrubs this event too
        query = query.for_update("FOR SHARE")
    known = {c.id: c.erased_at is not None for c in query}
    for customer_id in sorted(c for c, erased in known.items() if erased):
        _scrub_created_events(store_id, customer_id)
    fresh = [c for c in created if c.customer_id not in known]
    if not fresh:
        return
    first = next_change_seqs(store_id, len(fresh))
    now = utcnow()
    for n, c in enumerate(fresh):
        Customer.insert(
            id=c.customer_id,
            store=store_id,
            name=c.name,
            email=c.email,
            phone=c.phone,
            marketing_consent=c.marketing_consent,
            consent_at=c.consent_at,
            consent_source=c.consent_source,
            email_receipts=c.email_receipts,
            created_at=now,
            change_seq=first + n,
        ).on_conflict_ignore().execute()
    for c in fresh:
        _merge_if_known(store_id, c)


PHONE_SEPARATORS = " -/()."  # what a phone number is written with besides its digits and "+"


def compact_phone(text: str) -> str:
    """``text`` without separators: "0171 555-01 01" -> "01715550101" ("+" stays: +49... is
    not 0...)."""
    return "".join(c for c in text if c not in PHONE_SEPARATORS)


def compact_phone_sql(column: pw.Node) -> pw.Node:
    """:func:`compact_phone` in SQL, for comparing a stored phone column."""
    for separator in PHONE_SEPARATORS:
        column = pw.fn.REPLACE(column, separator, "")
    return column


MIN_PHONE_DIGITS = 7  # shorter ones are extensions or placeholders ("000"), not a person


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _merge_if_known(store_id: str, created: CustomerCreatedIn) -> None:
    """A record a till made for someone the store already knows is merged into the earliest
    such record at once: two tills met the same person offline. It must carry the same name
    (any case and spacing) and the same e-mail (any case) or phone number (however spaced, at
    least 7 digits): a shared family e-mail or a household phone alone is not one person, and
    those pairs are left for the back office's Merge. Sales and points follow the merge."""
    email = (created.email or "").strip().lower()
    phone = compact_phone((created.phone or "").strip())
    if len(phone) < MIN_PHONE_DIGITS:
        phone = ""
    if not email and not phone:
        return
    match = []
    if email:
        match.append(pw.fn.LOWER(Customer.email) == email)
    if phone:
        match.append(compact_phone_sql(Customer.phone) == phone)
    candidates = (
        Customer.select()
        .where(
            (Customer.store == store_id)
            & (Customer.id != created.customer_id)
            & (Customer.deleted == False)  # noqa: E712 (merged and erased records are deleted)
            & functools.reduce(operator.or_, match)
        )
        .order_by(Customer.created_at, Customer.id)
    )
    known = next((c for c in candidates if _same_name(c.name, created.name)), None)
    if known is None:
        return
    same = "e-mail" if email and (known.email or "").lower() == email else "phone"
    merge(store_id, created.customer_id, known.id, By(None, f"cloud: same {same} as {known.id}"))


def clean_invoice_details(address: str, vat_id: str) -> dict[str, str]:
    """A business customer's billing address without blank lines or edge spaces, and VAT id
    upper case without spaces (both empty: none). The back office and the admin API use it.

    Raises:
        BadInput: too many or too long address lines, or a VAT id that cannot be one.
    """
    lines = [line.strip() for line in (address or "").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if len(lines) > MAX_ADDRESS_LINES or any(len(line) > MAX_ADDRESS_LINE for line in lines):
        raise BadInput(
            f"The billing address takes at most {MAX_ADDRESS_LINES} lines of at most "
            f"{MAX_ADDRESS_LINE} characters a line; shorten it."
        )
    compact = "".join((vat_id or "").split()).upper()
    if compact and not all(c.isascii() and c.isalnum() for c in compact):
        raise BadInput(
            f"'{vat_id.strip()}' is not a VAT id: use letters, digits and spaces only, "
            "like DE 123 456 789."
        )
    if compact and not MIN_VAT_ID <= len(compact) <= MAX_VAT_ID:
        raise BadInput(
            f"A VAT id has {MIN_VAT_ID} to {MAX_VAT_ID} letters and digits (with its country "
            f"prefix, like DE123456789); '{compact}' has {len(compact)}."
        )
    return {"address": "\n".join(lines), "vat_id": compact}


def link_sales(
    store_id: str, links: list[tuple[str, str]], chains: dict[str, list[str]] | None = None
) -> None:
    """``(sale_id, customer_id)`` pairs from stored sales (inside the batch's transaction); a
    customer merged away links the customer kept (``chains``, from :func:`merge_chains`)."""
    for sale_id, customer_id in links:
        kept = (chains or {}).get(customer_id, [customer_id])[-1]
        SaleCustomer.insert(
            sale_id=sale_id, customer_id=kept, store_id=store_id
        ).on_conflict_ignore().execute()


def merge_chains(organisation_id: str, customer_ids: list[str]) -> dict[str, list[str]]:
    """Where a till's sale or points under each id go: ``[id, ..., kept]``, the ``merged_into``
    chain from the id (merged into a record that was itself merged later) to the customer kept;
    ``[id]`` for a customer not merged, an unknown id, another organisation's, or a chain that
    loops (a merge refuses records merged already, so only a hand-edited database has one).

    Inside the event's transaction: on PostgreSQL the records read are locked (shared) until it
    commits, so a merge of one of them (which locks the duplicate first) waits for the sale and
    its points, then moves them, or runs first and the event follows it; never half of each.
    An erased customer is followed too: the sale stays under the pseudonymous id.
    """
    chains = {c: [c] for c in customer_ids}
    ends = {c: c for c in customer_ids}  # the last id of each chain, by the id asked
    wave = sorted(set(customer_ids))
    of_organisation = Store.select(Store.id).where(Store.organisation_id == organisation_id)
    while wave:
        query = Customer.select(Customer.id, Customer.merged_into).where(
            Customer.id.in_(wave) & Customer.store.in_(of_organisation)
        )
        if is_postgres():
            query = query.for_update("FOR SHARE")
        next_of = {c.id: c.merged_into for c in query if c.merged_into}
        wave = []
        for asked, chain in chains.items():
            following = next_of.get(ends[asked])
            if following is None or ends[asked] != chain[-1]:
                continue
            if following in chain:  # a loop: the events stay on the id sent
                chains[asked] = [asked]
                continue
            chain.append(following)
            ends[asked] = following
            wave.append(following)
        wave = sorted(set(wave))
    return chains


def _lock(customer_ids: list[str]) -> None:
    """PostgreSQL: lock the records a merge or erasure changes, so a till's batch that sells
    to one of them (:func:`merge_chains`, :func:`record_created`) is wholly before or after."""
    if is_postgres():
        list(
            Customer.select(Customer.id)
            .where(Customer.id.in_(sorted(customer_ids)))
            .order_by(Customer.id)
            .for_update()
        )


def _get(store_id: str, customer_id: str) -> Customer:
    found = Customer.get_or_none((Customer.id == customer_id) & (Customer.store == store_id))
    if found is None:
        raise NotFound(f"No customer {customer_id} in store {store_id}.")
    return found


def _out(c: Customer) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "email": c.email,
        "phone": c.phone,
        "address": c.address or "",
        "vat_id": c.vat_id or "",
        "marketing_consent": bool(c.marketing_consent),
        "consent_at": c.consent_at,
        "consent_source": c.consent_source,
        "email_receipts": bool(c.email_receipts),
        "merged_into": c.merged_into,
        "erased": c.erased_at is not None,
        "deleted": bool(c.deleted),
    }


def get(store_id: str, customer_id: str) -> dict[str, Any]:
    """One live customer of the store (NotFound otherwise, also for another store's)."""
    customer = _get(store_id, customer_id)
    if customer.deleted:
        raise NotFound(f"Customer {customer_id} was deleted.")
    return _out(customer)


def search(store_id: str, text: str = "", after: str = "", limit: int = 50) -> dict[str, Any]:
    """Live customers of the store whose name, e-mail or phone contains ``text`` (any case),
    by id, ``limit`` per page after the cursor ``after`` (the last id of the previous page)."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadInput(f"limit must be 1 to {MAX_PAGE}.")
    Store.get_or_none(Store.id == store_id) or _no_store(store_id)
    query = Customer.select().where(
        (Customer.store == store_id) & (Customer.deleted == False) & (Customer.id > after)  # noqa: E712
    )
    needle = text.strip()
    if needle:  # case-insensitive: ILIKE on PostgreSQL, LIKE on SQLite
        query = query.where(
            Customer.name.contains(needle)
            | Customer.email.contains(needle)
            | Customer.phone.contains(needle)
        )
    rows = list(query.order_by(Customer.id).limit(limit + 1))
    page = rows[:limit]
    return {
        "items": [_out(c) for c in page],
        "next": page[-1].id if len(rows) > limit and page else None,
    }


def marketing_csv(store_id: str) -> str:
    """CSV of the live customers who gave marketing consent, for a CRM or e-mail marketing
    tool: id, name, email, phone, consent_at, consent_source."""
    import io

    from pos_common import csv_export

    Store.get_or_none(Store.id == store_id) or _no_store(store_id)
    out = io.StringIO()
    writer = csv_export.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "name", "email", "phone", "consent_at", "consent_source"])
    rows = (
        Customer.select()
        .where(
            (Customer.store == store_id)
            & (Customer.deleted == False)  # noqa: E712
            & (Customer.marketing_consent == True)  # noqa: E712
        )
        .order_by(Customer.id)
    )
    for c in rows:
        writer.writerow(
            [c.id, c.name, c.email or "", c.phone or "", c.consent_at or "", c.consent_source or ""]
        )
    return out.getvalue()


def _no_store(store_id: str) -> None:
    raise NotFound(f"No store with id {store_id}.")


def _sales(customer_id: str) -> list[dict[str, Any]]:
    rows = (
        Sale.select(
            Sale.sale_id, Sale.receipt_number, Sale.total_minor, Sale.currency, Sale.completed_at
        )
        .join(SaleCustomer, on=(SaleCustomer.sale_id == Sale.sale_id))
        .where(SaleCustomer.customer_id == customer_id)
        .order_by(Sale.completed_at)
    )
    return [
        {
            "sale_id": s.sale_id,
            "receipt_number": s.receipt_number,
            "total_minor": s.total_minor,
            "currency": s.currency,
            "completed_at": s.completed_at.isoformat(),
        }
        for s in rows
    ]


def export(store_id: str, customer_id: str) -> dict[str, Any]:
    """Everything held about the customer (GDPR access): the record, the records merged into
    it (the same person's duplicates), sales, points, the gift cards of their sales and the
    earlier contact details and consent kept in the back office's audit trail."""
    customer = _get(store_id, customer_id)
    store = Store.get_by_id(store_id)
    where = ledger.Where(store.organisation_id, store_id)
    points = ledger.balance(where, ledger.LOYALTY, customer_id, ledger.POINTS)
    entries = (
        ledger.entries(where, ledger.LOYALTY, customer_id, ledger.POINTS, 10_000)
        if points is not None
        else []
    )
    return {
        "customer": _out(customer),
        "merged_records": [_out(c) for c in merged_from(store_id, customer_id)],
        "sales": _sales(customer_id),
        "points": {"balance": points or 0, "entries": entries},
        "gift_cards": [
            {"code_end": code_end(key), "balance_minor": balance, "currency": unit}
            for key, balance, unit in gift_cards(store.organisation_id, customer_id)
        ],
        "contact_history": _contact_history(
            [customer_id, *(c.id for c in merged_from(store_id, customer_id))]
        ),
        "exported_at": utcnow().isoformat() + "Z",
    }


def gift_cards(organisation_id: str, customer_id: str) -> list[tuple[str, int, str]]:
    """``(code, balance, unit)`` of the gift cards bought or spent in the customer's sales
    (a card carries no customer)."""
    sale_ids = SaleCustomer.select(SaleCustomer.sale_id).where(
        SaleCustomer.customer_id == customer_id
    )
    accounts = (
        ledger.LedgerAccount.select()
        .where(
            (ledger.LedgerAccount.organisation_id == organisation_id)
            & (ledger.LedgerAccount.kind == ledger.GIFT_CARD)
            & ledger.LedgerAccount.id.in_(
                ledger.LedgerEntry.select(ledger.LedgerEntry.account_id).where(
                    ledger.LedgerEntry.sale_id.in_(sale_ids)
                )
            )
        )
        .order_by(ledger.LedgerAccount.key)
    )
    return [(a.key, int(a.balance), a.unit) for a in accounts]


def code_end(code: str) -> str:
    """At most the last 4 characters and never more than half: enough to tell cards apart,
    never enough to spend one."""
    return code[-min(4, len(code) // 2) :] if len(code) > 1 else ""


def _contact_history(customer_ids: list[str]) -> list[dict[str, Any]]:
    """Contact details, invoice details and consent as they were before each change made on
    the web."""
    from .web.models import WebAudit  # the back office's trail lives with the back office

    rows = (
        WebAudit.select()
        .where(
            (WebAudit.object_type == "customer")
            & WebAudit.object_id.in_(customer_ids)
            & WebAudit.action.in_(
                [*PERSONAL_AUDIT, "customer.marketing_consent", "customer.email_receipts"]
            )
        )
        .order_by(WebAudit.at, WebAudit.id)
    )
    return [
        {
            "customer_id": r.object_id,
            "at": r.at.isoformat(),
            "action": r.action,
            "before": json.loads(r.before) if r.before else None,
            "after": json.loads(r.after) if r.after else None,
        }
        for r in rows
    ]


@dataclass(frozen=True)
class By:
    """Who makes a change, for the audit trail: a back-office user, or the admin API."""

    user_id: str | None
    email: str


ADMIN_API = By(None, "admin API")


def audit_change(
    store_id: str, by: By, action: str, customer_id: str, before: Any, after: Any
) -> None:
    """One row of the back office's audit trail about the customer (inside the change's
    transaction); the trail is where the export and erasure find the customer's history."""
    from .web import audit  # the back office's trail lives with the back office

    organisation_id = Store.select(Store.organisation_id).where(Store.id == store_id).scalar()
    audit.record_by(
        organisation_id,
        by.user_id,
        by.email,
        action,
        "customer",
        customer_id,
        store_id=store_id,
        before=before,
        after=after,
    )


def merge(store_id: str, duplicate_id: str, kept_id: str, by: By = ADMIN_API) -> dict[str, Any]:
    """Move the duplicate's sales and points to the customer kept; tombstone the duplicate.

    The customer kept also takes what only the duplicate holds (see :func:`_merged_details`).
    Every change is audited as made by ``by``; the tills drop the duplicate and get the kept
    record again with their next read of the ``customers`` feed.
    """
    if duplicate_id == kept_id:
        raise BadInput("A customer cannot be merged into themselves.")
    with database_proxy.atomic():
        _lock([duplicate_id, kept_id])
        duplicate, kept = _get(store_id, duplicate_id), _get(store_id, kept_id)
        if duplicate.deleted or kept.deleted:
            raise BadInput("Both customers must be live (not merged or erased already).")
        SaleCustomer.update(customer_id=kept_id).where(
            SaleCustomer.customer_id == duplicate_id
        ).execute()
        store = Store.get_by_id(store_id)
        where = ledger.Where(store.organisation_id, store_id)
        points = ledger.balance(where, ledger.LOYALTY, duplicate_id, ledger.POINTS) or 0
        if points > 0:
            ledger.take_back(
                where, ledger.LOYALTY, duplicate_id, ledger.POINTS, points, f"merge:{duplicate_id}"
            )
            ledger.credit(
                where,
                ledger.LOYALTY,
                kept_id,
                ledger.POINTS,
                points,
                f"merge-in:{duplicate_id}",
                "merge",
            )
        fields, changes = _merged_details(duplicate, kept)
        first = next_change_seqs(store_id, 2)  # the duplicate's tombstone, then the kept record
        # The duplicate keeps its own details (consent included): the export shows them as the
        # person's merged record, and erasing the kept customer erases them too.
        Customer.update(deleted=True, merged_into=kept_id, change_seq=first).where(
            Customer.id == duplicate_id
        ).execute()
        Customer.update(**fields, change_seq=first + 1).where(Customer.id == kept_id).execute()
        audit_change(
            store_id,
            by,
            "customer.merge",
            duplicate_id,
            None,
            {"merged_into": kept_id, "points_moved": points},
        )
        for action, before, after in changes:
            after = after | {"merged_from": duplicate_id}
            audit_change(store_id, by, action, kept_id, before, after)
        return {"kept": kept_id, "merged": duplicate_id, "points_moved": points}


Change = tuple[str, dict[str, Any], dict[str, Any]]  # audit action, before, after


def _merged_details(duplicate: Customer, kept: Customer) -> tuple[dict[str, Any], list[Change]]:
    """What the kept record becomes: the columns to write and the audit rows saying so.

    * An e-mail or phone only the duplicate has is kept (the tills find the person by it).
    * Marketing consent stays only if both agreed (a withdrawal is never lost); a kept record
      never asked takes the duplicate's refusal or withdrawal with its time and source.
    * Receipts by e-mail: wanted on either record, wanted (the till only ever records a yes).
    * Invoice details only the duplicate has are kept; when both have different ones, the
      most recently changed win and the others go into the audit row (``set_aside``).
    """
    fields: dict[str, Any] = {}
    changes: list[Change] = []
    contact = {"name": kept.name, "email": kept.email, "phone": kept.phone}
    filled = contact | {
        key: getattr(duplicate, key)
        for key in ("email", "phone")
        if not contact[key] and getattr(duplicate, key)
    }
    if filled != contact:
        fields |= {"email": filled["email"], "phone": filled["phone"]}
        changes.append(("customer.contact", contact, filled))
    consent = _consent(kept)
    agreed = bool(duplicate.marketing_consent and kept.marketing_consent)
    merged_consent = consent
    if kept.marketing_consent and not agreed:
        # one of the person's records said no: the merged customer is not asked again
        merged_consent = {
            "marketing_consent": False,
            "consent_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "consent_source": f"merge of {duplicate.id}",
        }
    elif not kept.marketing_consent and not kept.consent_at and duplicate.consent_at:
        if not duplicate.marketing_consent:  # the duplicate's "no" is the record of it
            merged_consent = _consent(duplicate)
    if merged_consent != consent:
        fields |= merged_consent
        changes.append(("customer.marketing_consent", consent, merged_consent))
    if duplicate.email_receipts and not kept.email_receipts:
        fields["email_receipts"] = True
        changes.append(
            ("customer.email_receipts", {"email_receipts": False}, {"email_receipts": True})
        )
    mine, theirs = _invoice_details(kept), _invoice_details(duplicate)
    if any(theirs.values()) and theirs != mine:
        if not any(mine.values()):
            changes.append(("customer.invoice_details", mine, theirs))
            fields |= theirs
        elif _invoice_changed_at(duplicate) > _invoice_changed_at(kept):
            changes.append(("customer.invoice_details", mine, theirs | {"set_aside": mine}))
            fields |= theirs
        else:
            changes.append(("customer.invoice_details", mine, mine | {"set_aside": theirs}))
    return fields, changes


def _consent(c: Customer) -> dict[str, Any]:
    return {
        "marketing_consent": bool(c.marketing_consent),
        "consent_at": c.consent_at,
        "consent_source": c.consent_source,
    }


def _invoice_details(c: Customer) -> dict[str, str]:
    return {"address": c.address or "", "vat_id": c.vat_id or ""}


def _invoice_changed_at(c: Customer) -> tuple[dt.datetime, int]:
    """When the customer's invoice details last changed: their last audited change (on the
    customer page, through the admin API or by a merge); otherwise when the record was made."""
    from .web.models import WebAudit  # the back office's trail lives with the back office

    last = (
        WebAudit.select(WebAudit.at, WebAudit.id)
        .where(
            (WebAudit.object_type == "customer")
            & (WebAudit.object_id == c.id)
            & (WebAudit.action == "customer.invoice_details")
        )
        .order_by(WebAudit.at.desc(), WebAudit.id.desc())
        .first()
    )
    if last is not None:
        return last.at, last.id
    return c.created_at or dt.datetime.min, 0


def merged_from(store_id: str, customer_id: str) -> list[Customer]:
    """The store's records merged into the customer, also through chains (A into B into C),
    oldest first: the same person's duplicates, which still hold their contact details."""
    found: list[Customer] = []
    seen, wave = {customer_id}, [customer_id]
    while wave:
        rows = list(
            Customer.select()
            .where((Customer.store == store_id) & Customer.merged_into.in_(wave))
            .order_by(Customer.created_at, Customer.id)
        )
        rows = [c for c in rows if c.id not in seen]  # a loop cannot happen; stop if it did
        seen.update(c.id for c in rows)
        found.extend(rows)
        wave = [c.id for c in rows]
    return found


def erase(store_id: str, customer_id: str) -> dict[str, Any]:
    """Remove the customer's personal data, and that of the records merged into them (the
    same person); sales (and their totals) stay under the pseudonymous ids."""
    with database_proxy.atomic():
        _get(store_id, customer_id)
        _lock([customer_id, *(c.id for c in merged_from(store_id, customer_id))])
        merged = [c.id for c in merged_from(store_id, customer_id) if c.erased_at is None]
        ids = [customer_id, *merged]
        first = next_change_seqs(store_id, len(ids))
        now = utcnow()
        for n, erased_id in enumerate(ids):
            Customer.update(
                name=ERASED_NAME,
                email=None,
                phone=None,
                address="",
                vat_id="",
                marketing_consent=False,
                consent_at=None,
                consent_source=None,
                email_receipts=False,
                erased_at=now,
                deleted=True,
                change_seq=first + n,
            ).where(Customer.id == erased_id).execute()
        scrubbed = sum(_scrub_created_events(store_id, erased_id) for erased_id in ids)
        sales = SaleCustomer.select().where(SaleCustomer.customer_id == customer_id).count()
        for erased_id in ids:
            _scrub_web_audit(erased_id)
        mails = _forget_receipt_mails(ids)
    return {
        "erased": customer_id,
        "events_scrubbed": scrubbed,
        "sales_kept": sales,
        "merged_records_erased": len(merged),
        "receipt_mails_forgotten": mails,
    }


def _forget_receipt_mails(customer_ids: list[str]) -> int:
    """The e-mail addresses their receipts were sent to go too (the receipt page lists them);
    a message not sent yet is not sent any more."""
    sales = SaleCustomer.select(SaleCustomer.sale_id).where(
        SaleCustomer.customer_id.in_(customer_ids)
    )
    return (
        ReceiptMail.update(
            recipient=ERASED_NAME,
            receipt_token=None,
            status=pw.Case(None, [(ReceiptMail.status == "pending", "failed")], ReceiptMail.status),
            last_error=pw.Case(
                None,
                [(ReceiptMail.status == "pending", "the customer was erased")],
                ReceiptMail.last_error,
            ),
        )
        .where(ReceiptMail.sale_id.in_(sales))
        .execute()
    )


def _scrub_created_events(store_id: str, customer_id: str) -> int:
    """The personal data goes from the tills' ``customer.created`` events too."""
    scrubbed = 0
    for event in Event.select(Event.event_id, Event.body).where(
        (Event.store == store_id)
        & (Event.type == "customer.created")
        & Event.body.contains(customer_id)
    ):
        body = json.loads(event.body)
        payload = body.get("payload", {})
        if payload.get("customer_id") != customer_id:
            continue
        for key in ("name", "email", "phone", "consent_source", "created_by"):
            if key in payload:
                payload[key] = ERASED_NAME if key == "name" else None
        # body_hash stays: it identifies what the till sent, so a retry is still a duplicate
        Event.update(body=json.dumps(body, sort_keys=True, separators=(",", ":"))).where(
            Event.event_id == event.event_id
        ).execute()
        scrubbed += 1
    return scrubbed


def _scrub_web_audit(customer_id: str) -> None:
    """Contact-detail, invoice-detail and consent changes made on the web keep before/after in
    the audit trail; the personal data goes from there too: contact and invoice details
    entirely, consent down to agreed or not (who changed what, and when, stays)."""
    from .web.models import WebAudit  # the back office's trail lives with the back office

    mine = (WebAudit.object_type == "customer") & (WebAudit.object_id == customer_id)
    WebAudit.update(before=ERASED_AUDIT, after=ERASED_AUDIT).where(
        mine & WebAudit.action.in_(PERSONAL_AUDIT)
    ).execute()
    for row in WebAudit.select().where(mine & (WebAudit.action == "customer.marketing_consent")):
        WebAudit.update(before=_consent_only(row.before), after=_consent_only(row.after)).where(
            WebAudit.id == row.id
        ).execute()


def _consent_only(stored: str | None) -> str | None:
    if stored is None:
        return None
    agreed = json.loads(stored).get("marketing_consent")
    return json.dumps({"marketing_consent": agreed})
