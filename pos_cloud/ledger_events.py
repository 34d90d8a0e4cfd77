"""Ledger events a till pushes through its outbox (docs/CLOUD.md, "Gift cards and points").

Credits and releases travel as events, so a card sold or a refund made offline reaches the
ledger when the till is back; each event is applied once, in the batch's transaction (a
duplicate event is not applied again, and its ``entry_id`` is the ledger's idempotency key).
Debits (redeeming) are synchronous API calls instead: see api_ledger.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import Field, StrictInt

from . import ledger
from .errors import CloudError
from .schemas import MAX_AMOUNT, _Strict

# event type -> (account kind, what it does)
TYPES = {
    "gift_card.loaded": (ledger.GIFT_CARD, "load"),
    "gift_card.refunded": (ledger.GIFT_CARD, "refund"),
    "gift_card.released": (ledger.GIFT_CARD, "release"),
    "gift_card.redeemed_offline": (ledger.GIFT_CARD, "offline"),
    "loyalty.earned": (ledger.LOYALTY, "earn"),
    "loyalty.refunded": (ledger.LOYALTY, "refund"),
    "loyalty.taken_back": (ledger.LOYALTY, "take_back"),
    "loyalty.released": (ledger.LOYALTY, "release"),
}


class LedgerEventIn(_Strict):
    """``account``: the gift card's code or the customer's id; ``unit``: the currency (gift
    cards) or ``PTS``; ``reverses``: the redeemed entry a release gives back."""

    entry_id: str = Field(min_length=1, max_length=80)
    account: str = Field(min_length=1, max_length=64)
    unit: str = Field(min_length=3, max_length=8)
    amount: StrictInt = Field(default=0, ge=0, le=MAX_AMOUNT)
    sale_id: str | None = Field(default=None, max_length=64)
    reverses: str | None = Field(default=None, min_length=1, max_length=80)
    # gift_card.redeemed_offline: the owner's limits the till spent it under
    card_limit: StrictInt | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    till_limit: StrictInt | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    till_used: StrictInt | None = Field(default=None, ge=0, le=MAX_AMOUNT)
    limit_reached: Literal["card", "till"] | None = None


def problem(event_type: str, body: LedgerEventIn, currency: str) -> str | None:
    """Why this event cannot be applied (checked before any database work), or None."""
    kind, action = TYPES[event_type]
    want = currency if kind == ledger.GIFT_CARD else ledger.POINTS
    if body.unit != want:
        return f"{event_type} unit {body.unit} must be {want}"
    if action == "release" and body.reverses is None:
        return f"{event_type} names no 'reverses' entry"
    return None


def apply(
    where: ledger.Where, event_type: str, body: LedgerEventIn, chain: Sequence[str] = ()
) -> str | None:
    """Write the event's entry; the reason when the ledger refuses it (then nothing moved).

    ``chain``: for points, the customer's merges (``customers.merge_chains``): the entry goes
    to the customer kept, whose account took the merged ones' points.
    """
    kind, action = TYPES[event_type]
    key = ledger.normal_code(body.account) if kind == ledger.GIFT_CARD else body.account
    merged: Sequence[str] = ()
    if kind == ledger.LOYALTY and len(chain) > 1:
        *merged, key = chain
    try:
        if action == "release":
            assert body.reverses is not None  # checked by problem()
            ledger.release(where, kind, key, body.unit, body.reverses, body.entry_id, merged)
        elif action in ("take_back", "offline"):
            ledger.take_back(
                where, kind, key, body.unit, body.amount, body.entry_id, body.sale_id, action
            )
            if action == "offline" and body.card_limit is not None:
                ledger.note_offline_limits(
                    body.entry_id,
                    body.card_limit,
                    body.till_limit or 0,
                    body.till_used or body.amount,
                    body.limit_reached,
                )
        else:
            ledger.credit(
                where, kind, key, body.unit, body.amount, body.entry_id, action, body.sale_id
            )
    except CloudError as exc:
        return f"{event_type}: {exc}"
    return None
