"""The customer pages' work: find customers, show one, change their contact details.

Customers belong to a store (``customer.store``, as the tills that made them), so the pages
live under the store like the catalogue: the owner switches stores, a manager sees theirs.
Merge, export and erase are pos_cloud/customers.py's; this module adds what a person sees
(search by name, purchase history, gift cards), the audited contact-detail change, which
reaches the store's tills through the ``customers`` change feed, and a business customer's
invoice details (with both an address and a VAT id their digital receipts are invoices).
"""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from .. import customers, ledger
from ..db import database_proxy
from ..errors import BadInput, NotFound
from ..feeds import next_change_seqs
from ..models import Customer, Sale, SaleCustomer, Store, live, utcnow
from . import audit
from .accounts import Viewer

MAX_NAME, MAX_EMAIL, MAX_PHONE = 200, 200, 64
PHONE_CHARACTERS = set("0123456789+-/() .")  # what a phone number may be written with
HISTORY_ROWS = 200
GONE = "This customer was merged or erased; nothing was saved. Change the one that is kept."


def search(store_id: str, text: str, limit: int, offset: int = 0) -> list[Customer]:
    """Live customers of the store whose name, e-mail or phone contains ``text`` (any case;
    all when empty), by name."""
    query = Customer.select().where((Customer.store == store_id) & live(Customer))
    needle = (text or "").strip()
    if needle:  # ILIKE with % and _ escaped (peewee); on SQLite any case for ASCII letters
        match = (
            Customer.name.contains(needle)
            | Customer.email.contains(needle)
            | Customer.phone.contains(needle)
        )
        digits = customers.compact_phone(needle)
        if len(digits.lstrip("+")) >= 3 and digits.lstrip("+").isdigit():
            # "01715550101" finds "0171 555 01 01": both sides without separators
            match = match | customers.compact_phone_sql(Customer.phone).contains(digits)
        query = query.where(match)
    # lower case: the same order (and page boundaries) on SQLite and PostgreSQL collations
    return list(query.order_by(pw.fn.LOWER(Customer.name), Customer.id).limit(limit).offset(offset))


def get(store_id: str, customer_id: str) -> Customer:
    """The store's customer (also a merged or erased one); NotFound for any other."""
    found = Customer.get_or_none((Customer.id == customer_id) & (Customer.store == store_id))
    if found is None:
        raise NotFound("No such customer in this store.")
    return found


@dataclass(frozen=True)
class GiftCard:
    code_end: str  # the last characters only: the code is what spends the card
    balance_minor: int
    currency: str


@dataclass(frozen=True)
class Profile:
    customer: Customer
    points: int | None  # None: never earned any
    sales: list[Sale]
    more_sales: bool
    gift_cards: list[GiftCard]
    merged_into: Customer | None
    merged_from: list[Customer]  # the duplicates merged into this record (erased with it)


def profile(store: Store, customer_id: str) -> Profile:
    """Everything the customer page shows."""
    customer = get(store.id, customer_id)
    where = ledger.Where(store.organisation_id, store.id)
    points = ledger.balance(where, ledger.LOYALTY, customer.id, ledger.POINTS)
    sales = list(
        Sale.select()
        .join(SaleCustomer, on=(SaleCustomer.sale_id == Sale.sale_id))
        .where((SaleCustomer.customer_id == customer.id) & (Sale.store == store.id))
        .order_by(Sale.completed_at.desc())
        .limit(HISTORY_ROWS + 1)
    )
    merged_into = None
    if customer.merged_into:
        merged_into = Customer.get_or_none(
            (Customer.id == customer.merged_into) & (Customer.store == store.id)
        )
    return Profile(
        customer,
        points,
        sales[:HISTORY_ROWS],
        len(sales) > HISTORY_ROWS,
        _gift_cards(store, customer.id),
        merged_into,
        customers.merged_from(store.id, customer.id),
    )


def _gift_cards(store: Store, customer_id: str) -> list[GiftCard]:
    return [
        GiftCard(customers.code_end(code), balance, unit)
        for code, balance, unit in customers.gift_cards(store.organisation_id, customer_id)
    ]


def _clean(name: str, email: str, phone: str) -> dict[str, str | None]:
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    if not name or len(name) > MAX_NAME:
        raise BadInput(f"A customer needs a name of 1 to {MAX_NAME} characters.")
    if email and (
        len(email) > MAX_EMAIL
        or email.count("@") != 1
        or email.startswith("@")
        or email.endswith("@")
        or any(c.isspace() for c in email)
    ):
        raise BadInput(f"'{email}' is not an e-mail address; write it like anna@example.org.")
    if phone and (len(phone) > MAX_PHONE or not set(phone) <= PHONE_CHARACTERS):
        raise BadInput(
            f"'{phone}' is not a phone number; use digits, spaces and + - / ( ) only "
            f"(at most {MAX_PHONE})."
        )
    return {"name": name, "email": email or None, "phone": phone or None}


def change_contact(
    viewer: Viewer, store_id: str, customer_id: str, name: str, email: str, phone: str
) -> bool:
    """Save new contact details (audited; on the store's tills with their next feed read).

    Returns:
        False when nothing changed (then nothing is written).

    Raises:
        BadInput: a field is not acceptable, or the customer was merged or erased.
    """
    fields = _clean(name, email, phone)
    with database_proxy.atomic():
        customer = get(store_id, customer_id)
        if customer.deleted:
            raise BadInput(GONE)
        before = {"name": customer.name, "email": customer.email, "phone": customer.phone}
        if before == fields:
            return False
        changed = (
            Customer.update(**fields, change_seq=next_change_seqs(store_id))
            .where((Customer.id == customer.id) & live(Customer))
            .execute()
        )
        if not changed:  # merged or erased since it was read: never write the data back
            raise BadInput(GONE)
        audit.record(
            viewer,
            "customer.contact",
            "customer",
            customer.id,
            store_id=store_id,
            before=before,
            after=fields,
        )
    return True


def set_marketing_consent(viewer: Viewer, store_id: str, customer_id: str, agreed: bool) -> None:
    """Record that the customer agreed to marketing, or withdrew (GDPR: at any time), with
    the time and who recorded it. The marketing CSV follows at once; the tills do not use it.

    Raises:
        BadInput: the customer was merged or erased.
    """
    with database_proxy.atomic():
        customer = get(store_id, customer_id)
        if customer.deleted:
            raise BadInput(GONE)
        before = {
            "marketing_consent": bool(customer.marketing_consent),
            "consent_at": customer.consent_at,
            "consent_source": customer.consent_source,
        }
        after = {
            "marketing_consent": agreed,
            "consent_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "consent_source": f"back office ({viewer.email})"[:200],
        }
        changed = (
            Customer.update(**after).where((Customer.id == customer.id) & live(Customer)).execute()
        )
        if not changed:  # merged or erased since it was read
            raise BadInput(GONE)
        audit.record(
            viewer,
            "customer.marketing_consent",
            "customer",
            customer.id,
            store_id=store_id,
            before=before,
            after=after,
        )


def change_invoice_details(
    viewer: Viewer, store_id: str, customer_id: str, address: str, vat_id: str
) -> bool:
    """Save a business customer's billing address and VAT id (audited). The tills do not
    need them: the cloud puts them on the customer's digital receipts, PDFs and e-mails.

    Returns:
        False when nothing changed (then nothing is written).

    Raises:
        BadInput: a field is not acceptable, or the customer was merged or erased.
    """
    fields = customers.clean_invoice_details(address, vat_id)
    with database_proxy.atomic():
        customer = get(store_id, customer_id)
        if customer.deleted:
            raise BadInput(GONE)
        before = {"address": customer.address or "", "vat_id": customer.vat_id or ""}
        if before == fields:
            return False
        changed = (
            Customer.update(**fields).where((Customer.id == customer.id) & live(Customer)).execute()
        )
        if not changed:  # merged or erased since it was read: never write the data back
            raise BadInput(GONE)
        audit.record(
            viewer,
            "customer.invoice_details",
            "customer",
            customer.id,
            store_id=store_id,
            before=before,
            after=fields,
        )
    return True
