"""Customers at the till: find, create (offline too), attach to the sale, see their history.

A customer created here is written with its ``customer.created`` event in one transaction, so
it reaches the cloud (where duplicates are merged by e-mail or phone) whenever the till is
online. Marketing consent and the receipt-by-e-mail choice are recorded with their time and
where they were given (GDPR: consent must be provable).
"""

from __future__ import annotations

from peewee import SqliteDatabase

from pos_desktop.domain.customer import (
    CustomerRef,
    check_name,
    normalise_email,
    normalise_phone,
)
from pos_desktop.domain.errors import N_, DomainError
from pos_desktop.domain.ids import new_id
from pos_desktop.storage import outbox
from pos_desktop.storage.codec import utc_text
from pos_desktop.storage.customer_repo import CustomerRepository, CustomerRow, CustomerSale

from .ports import Clock

CUSTOMER_CREATED = "customer.created"


class DuplicateCustomer(DomainError):
    """Somebody with this e-mail or phone exists already (attach them instead)."""

    def __init__(self, existing: CustomerRow) -> None:
        super().__init__(
            N_(
                "{name} already has this e-mail or phone: attach them instead, or change "
                "the details."
            ),
            name=existing.name,
        )
        self.existing = existing


DEMO_CUSTOMERS = (
    ("Anna Schmidt", "anna@example.org", "+49 30 1234567"),
    ("Ben Okafor", "", "0171 555 0101"),
)


class CustomerService:
    def __init__(self, db: SqliteDatabase, checkout, clock: Clock, terminal_id: str) -> None:
        self._db = db
        self._checkout = checkout
        self._clock = clock
        self._terminal_id = terminal_id
        self.repo = CustomerRepository(db)

    def search(self, text: str, limit: int = 20) -> list[CustomerRow]:
        return self.repo.search(text, limit)

    def create(
        self,
        name: str,
        *,
        email: str = "",
        phone: str = "",
        marketing_consent: bool = False,
        email_receipts: bool = False,
        created_by: str | None = None,
    ) -> CustomerRow:
        """Create a customer at the till (works offline).

        Raises:
            DomainError: a bad name, e-mail or phone; DuplicateCustomer: the e-mail or phone is
                already a customer's.
        """
        name = check_name(name)
        email_n, phone_n = normalise_email(email), normalise_phone(phone)
        if email_receipts and email_n is None:
            raise DomainError(N_("Receipts by e-mail need an e-mail address."))
        existing = self.repo.find_same(email_n, phone_n)
        if existing is not None:
            raise DuplicateCustomer(existing)
        now = self._clock.now()
        stamp = utc_text(now)
        row = CustomerRow(
            new_id(),
            name,
            email_n,
            phone_n,
            marketing_consent,
            stamp if marketing_consent else None,
            f"till {self._terminal_id}" + (f" ({created_by})" if created_by else "")
            if marketing_consent
            else None,
            email_receipts,
        )
        with self._db.atomic("IMMEDIATE"):
            self.repo.insert(row, stamp)
            outbox.append_event(
                self._db,
                CUSTOMER_CREATED,
                {
                    "customer_id": row.customer_id,
                    "name": row.name,
                    "email": row.email,
                    "phone": row.phone,
                    "marketing_consent": row.marketing_consent,
                    "consent_at": row.consent_at,
                    "consent_source": row.consent_source,
                    "email_receipts": row.email_receipts,
                    "created_by": created_by,
                },
                now,
            )
        return row

    def seed_demo(self) -> None:
        """The demo's customers, once (a first run of ``pos-desktop --demo``)."""
        if not self.repo.is_empty():
            return
        for name, email, phone in DEMO_CUSTOMERS:
            self.create(name, email=email, phone=phone, created_by="demo")

    def attach(self, customer_id: str) -> CustomerRef:
        """Make ``customer_id`` the buyer of the current sale.

        Raises:
            DomainError: no such customer.
        """
        row = self.repo.get(customer_id)
        if row is None:
            raise DomainError(N_("That customer is not on this till; search again."))
        ref = CustomerRef(row.customer_id, row.name)
        self._checkout.cart.customer = ref
        return ref

    def detach(self) -> None:
        self._checkout.cart.customer = None

    def attached(self) -> CustomerRef | None:
        return self._checkout.cart.customer

    def history(self, customer_id: str) -> list[CustomerSale]:
        return self.repo.sales(customer_id)
