"""Gift-card and points routes (docs/CLOUD.md, "Gift cards and points").

A till redeems here, synchronously, so two tills cannot both spend the last of a balance; its
credits and releases arrive as outbox events (ledger_events.py). The owner reads a ledger.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field, StrictInt

from . import customers, ledger
from .db import database_proxy
from .deps import as_terminal, in_db, require_admin, terminal_token
from .guards import StrictJSONRoute
from .models import Customer, Store, Terminal, utcnow
from .schemas import MAX_AMOUNT

router = APIRouter(prefix="/v1", tags=["ledger"], route_class=StrictJSONRoute)
admin_router = APIRouter(
    prefix="/v1/admin",
    tags=["admin"],
    dependencies=[Depends(require_admin)],
    route_class=StrictJSONRoute,
)

Code = Path(min_length=1, max_length=64, description="The gift card's code (any case)")
CustomerId = Path(min_length=1, max_length=64)


class RedeemIn(BaseModel):
    entry_id: str = Field(min_length=1, max_length=80, description="Idempotency key")
    amount: StrictInt = Field(gt=0, le=MAX_AMOUNT, description="Minor units, or points")
    sale_id: str | None = Field(default=None, max_length=64)


class BalanceOut(BaseModel):
    account: str
    unit: str
    balance: int


class PointsOut(BalanceOut):
    earned_365d: int  # earned in the last 365 days less taken back (the till's loyalty tier)


class EntryOut(BaseModel):
    entry_id: str
    amount: int
    balance: int


class LedgerEntryOut(BaseModel):
    entry_id: str
    kind: str
    amount: int
    balance_after: int
    store_id: str
    terminal_id: str | None
    sale_id: str | None
    reverses: str | None
    asked: int | None
    created_at: str


class OfflineRedemptionOut(BaseModel):
    code: str
    unit: str
    terminal_id: str | None
    sale_id: str | None
    asked: int
    taken: int
    short: int
    limit_reached: str | None  # "card", "till": the offline limit this tender used up
    card_limit: int | None
    till_limit: int | None  # the till's total for all cards until it syncs (0: none)
    till_used: int | None  # what the till had spent offline in all, with this one
    created_at: str


def _where(terminal: Terminal) -> ledger.Where:
    return ledger.Where(terminal.store.organisation_id, terminal.store_id, terminal.id)


def _balance(terminal: Terminal, kind: str, key: str, unit: str) -> dict:
    held = ledger.balance(_where(terminal), kind, key, unit)
    if held is None:
        what = "gift card" if kind == ledger.GIFT_CARD else "points account for customer"
        raise ledger.NotFound(f"No {what} {key}: check it and try again.")
    return {"account": key, "unit": unit, "balance": held}


def _redeem(terminal: Terminal, kind: str, key: str, unit: str, body: RedeemIn, merged=()) -> dict:
    where = _where(terminal)
    out = ledger.debit(where, kind, key, unit, body.amount, body.entry_id, body.sale_id, merged)
    return {"entry_id": out.entry_id, "amount": -out.amount, "balance": out.balance}


def _points_of(terminal: Terminal, customer_id: str) -> list[str]:
    """``[customer_id, ..., kept]``: a till that still has a customer merged away asks with
    the old id, and the customer kept (who took the points) answers."""
    return customers.merge_chains(terminal.store.organisation_id, [customer_id])[customer_id]


def _points(terminal: Terminal, customer_id: str) -> dict:
    """The balance of the customer kept, and what the person earned in the last 365 days
    under every record merged into it (their earlier points count toward a tier too)."""
    kept = _points_of(terminal, customer_id)[-1]
    out = _balance(terminal, ledger.LOYALTY, kept, ledger.POINTS)
    record = Customer.get_or_none(Customer.id == kept)
    merged = [c.id for c in customers.merged_from(record.store_id, kept)] if record else []
    since = utcnow() - timedelta(days=365)
    return out | {"earned_365d": ledger.earned_since(_where(terminal), [kept, *merged], since)}


def _redeem_points(terminal: Terminal, customer_id: str, body: RedeemIn) -> dict:
    with database_proxy.atomic():  # a merge of the customer waits until the points are spent
        *merged, kept = _points_of(terminal, customer_id)
        return _redeem(terminal, ledger.LOYALTY, kept, ledger.POINTS, body, merged)


@router.get("/gift-cards/{code}", response_model=BalanceOut)
def gift_card_balance(code: str = Code, token: str = Depends(terminal_token)) -> dict:
    """The card's balance in this store's currency (404: no such card)."""
    return as_terminal(
        token, lambda t: _balance(t, ledger.GIFT_CARD, ledger.normal_code(code), t.store.currency)
    )


@router.post("/gift-cards/{code}/redeem", response_model=EntryOut)
def redeem_gift_card(
    body: RedeemIn, code: str = Code, token: str = Depends(terminal_token)
) -> dict:
    """Take ``amount`` off the card now; 409 when it holds less (nothing taken). A retry with
    the same ``entry_id`` answers the first outcome."""
    return as_terminal(
        token,
        lambda t: _redeem(t, ledger.GIFT_CARD, ledger.normal_code(code), t.store.currency, body),
    )


@router.get("/customers/{customer_id}/points", response_model=PointsOut)
def points_balance(customer_id: str = CustomerId, token: str = Depends(terminal_token)) -> dict:
    """The customer's loyalty points (404: none earned yet); for a customer merged away, the
    points of the customer kept (``account`` says whose). ``earned_365d``: the points earned
    in the last 365 days less those refunds took back (spending does not lower it), with the
    records merged into the customer kept: a till picks the loyalty tier from it."""
    return as_terminal(token, lambda t: _points(t, customer_id))


@router.post("/customers/{customer_id}/points/redeem", response_model=EntryOut)
def redeem_points(
    body: RedeemIn, customer_id: str = CustomerId, token: str = Depends(terminal_token)
) -> dict:
    """Spend points now; 409 when the customer has fewer (nothing taken). For a customer
    merged away, the points of the customer kept."""
    return as_terminal(token, lambda t: _redeem_points(t, customer_id, body))


@admin_router.get(
    "/stores/{store_id}/gift-cards/{code}/entries", response_model=list[LedgerEntryOut]
)
def gift_card_entries(
    request: Request,
    store_id: str = Path(max_length=36),
    code: str = Code,
    limit: int = Query(default=200, ge=1, le=1000),
) -> list[dict]:
    """The card's ledger, newest first (the store's organisation, its currency)."""

    def load() -> list[dict]:
        store = Store.get_or_none(Store.id == store_id)
        if store is None:
            raise ledger.NotFound(f"No store with id {store_id}.")
        where = ledger.Where(store.organisation_id, store.id)
        return ledger.entries(
            where, ledger.GIFT_CARD, ledger.normal_code(code), store.currency, limit
        )

    return in_db(load)


@admin_router.get(
    "/stores/{store_id}/gift-cards-offline", response_model=list[OfflineRedemptionOut]
)
def offline_redemptions(
    store_id: str = Path(max_length=36), limit: int = Query(default=500, ge=1, le=5000)
) -> list[dict]:
    """Where the owner's offline limit was used: gift cards spent while a till was offline,
    with what the card still held when the redemption arrived (``short`` > 0: a loss)."""

    def load() -> list[dict]:
        store = Store.get_or_none(Store.id == store_id)
        if store is None:
            raise ledger.NotFound(f"No store with id {store_id}.")
        return ledger.offline_redemptions(store.organisation_id, store.id, limit)

    return in_db(load)
