"""Gift-card and loyalty balances: an append-only ledger per account (docs/CLOUD.md).

The cloud is the authority for both balances. Every change is one ``ledger_entry`` row whose
``entry_id`` the till chose (its idempotency key), written in the same transaction as the
balance it moves:

* a debit (redeeming a gift card or points) is a conditional ``UPDATE ... WHERE balance >=
  amount``: of two tills spending the last of a card at the same moment exactly one updates a
  row (PostgreSQL re-checks the condition after the first commits; SQLite serialises the
  writers), so a balance never goes below zero;
* a credit (loading a card, a refund to it, points earned) creates the account when needed;
* a release gives a debit back (a tender removed before the sale was stored) at most once;
  a release that arrives before its debit leaves a marker, and that debit is then refused;
* a take-back (a refund takes earned points back) takes at most what is left.

A retried request with the same ``entry_id`` answers what the first one did and moves nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from .db import database_proxy
from .errors import BadInput, Conflict, NotFound
from .models import BaseModel, new_id, utcnow

GIFT_CARD, LOYALTY = "gift_card", "loyalty"
POINTS = "PTS"


class LedgerAccount(BaseModel):
    id = pw.CharField(36, primary_key=True, default=new_id)
    organisation_id = pw.CharField(36)
    kind = pw.CharField(16)
    key = pw.CharField(64)
    unit = pw.CharField(8)
    balance = pw.BigIntegerField(default=0)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)


class LedgerEntry(BaseModel):
    id = pw.BigAutoField()
    account_id = pw.CharField(36)
    entry_id = pw.CharField(80, unique=True)
    kind = pw.CharField(16)
    amount = pw.BigIntegerField()
    balance_after = pw.BigIntegerField()
    store_id = pw.CharField(36)
    terminal_id = pw.CharField(36, null=True)
    sale_id = pw.CharField(64, null=True)
    reverses = pw.CharField(80, null=True, unique=True)
    asked = pw.BigIntegerField(null=True)
    created_at = pw.DateTimeField(default=utcnow)


class LedgerOfflineLimit(BaseModel):
    """The limits a till spent a card offline under (migration 0013)."""

    entry_id = pw.CharField(80, primary_key=True)
    card_limit = pw.BigIntegerField()
    till_limit = pw.BigIntegerField()
    till_used = pw.BigIntegerField()
    limit_reached = pw.CharField(8, null=True)

    class Meta:
        table_name = "ledger_offline_limit"


@dataclass(frozen=True, slots=True)
class Where:
    """Who asks: the organisation whose accounts these are, and the store and till."""

    organisation_id: str
    store_id: str
    terminal_id: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """An entry as written (or as found, for a retried request) and the balance after it."""

    entry_id: str
    amount: int
    balance: int


class Insufficient(Conflict):
    """The account holds less than the debit asks; ``balance`` is what it holds."""

    def __init__(self, message: str, balance: int) -> None:
        super().__init__(message)
        self.balance = balance


def normal_code(code: str) -> str:
    """A gift card's code as stored: trimmed, upper case (``gc-1`` is ``GC-1``).

    Raises:
        BadInput: empty or longer than 64 characters.
    """
    text = code.strip().upper()
    if not text or len(text) > 64:
        raise BadInput("A gift card code has 1 to 64 characters: scan or type it again.")
    return text


def _account(where: Where, kind: str, key: str, unit: str) -> LedgerAccount | None:
    return LedgerAccount.get_or_none(
        (LedgerAccount.organisation_id == where.organisation_id)
        & (LedgerAccount.kind == kind)
        & (LedgerAccount.key == key)
        & (LedgerAccount.unit == unit)
    )


def balance(where: Where, kind: str, key: str, unit: str) -> int | None:
    """The account's balance, or None when there is no such account."""
    account = _account(where, kind, key, unit)
    return None if account is None else int(account.balance)


def _open_account(where: Where, kind: str, key: str, unit: str) -> LedgerAccount:
    now = utcnow()
    LedgerAccount.insert(
        id=new_id(),
        organisation_id=where.organisation_id,
        kind=kind,
        key=key,
        unit=unit,
        balance=0,
        created_at=now,
        updated_at=now,
    ).on_conflict_ignore().execute()
    found = _account(where, kind, key, unit)
    assert found is not None  # just inserted, or there already
    return found


def _merged_accounts(where: Where, kind: str, keys: Sequence[str], unit: str) -> list[str]:
    """The ids of the accounts of ``keys`` (customers merged into the one asked about)."""
    if not keys:
        return []
    return [
        a.id
        for a in LedgerAccount.select(LedgerAccount.id).where(
            (LedgerAccount.organisation_id == where.organisation_id)
            & (LedgerAccount.kind == kind)
            & LedgerAccount.key.in_(list(keys))
            & (LedgerAccount.unit == unit)
        )
    ]


def _found(
    entry_id: str, account: LedgerAccount | None, kind: str, merged: Sequence[str] = ()
) -> Outcome | None:
    """The outcome of an earlier request with this ``entry_id`` (a retry), if there was one;
    also one written on a merged account (``merged``: their ids) before the merge."""
    entry = LedgerEntry.get_or_none(LedgerEntry.entry_id == entry_id)
    if entry is None:
        return None
    mine = account is not None and (entry.account_id == account.id or entry.account_id in merged)
    if not mine or entry.kind != kind:
        raise Conflict(f"Entry {entry_id} was already used for something else: use a new id.")
    return Outcome(entry_id, int(entry.amount), int(entry.balance_after))


def _move(account: LedgerAccount, delta: int, *, at_least: int = 0) -> int | None:
    """Add ``delta`` to the balance when it holds at least ``at_least``; the new balance."""
    updated = (
        LedgerAccount.update(balance=LedgerAccount.balance + delta, updated_at=utcnow())
        .where((LedgerAccount.id == account.id) & (LedgerAccount.balance >= at_least))
        .execute()
    )
    if updated != 1:
        return None
    return int(
        LedgerAccount.select(LedgerAccount.balance).where(LedgerAccount.id == account.id).scalar()
    )


def _write(
    account, where: Where, entry_id, kind, amount, after, sale_id, reverses=None, asked=None
) -> Outcome:
    LedgerEntry.insert(
        asked=asked,
        account_id=account.id,
        entry_id=entry_id,
        kind=kind,
        amount=amount,
        balance_after=after,
        store_id=where.store_id,
        terminal_id=where.terminal_id,
        sale_id=sale_id,
        reverses=reverses,
        created_at=utcnow(),
    ).execute()
    return Outcome(entry_id, amount, after)


def _retrying(fn, entry_id: str, kind: str, where: Where, acct_key, merged=()) -> Outcome:
    """Run ``fn`` in a transaction; a concurrent twin that wrote ``entry_id`` first wins."""
    try:
        with database_proxy.atomic():
            return fn()
    except pw.IntegrityError:
        found = _found(entry_id, _account(where, *acct_key), kind, merged)
        if found is None:  # a release of the same entry committed first
            raise Conflict(f"Entry {entry_id} clashes with one written meanwhile.") from None
        return found


def debit(
    where: Where,
    kind: str,
    key: str,
    unit: str,
    amount: int,
    entry_id: str,
    sale_id=None,
    merged: Sequence[str] = (),
) -> Outcome:
    """Take ``amount`` (> 0) off the account, or refuse: never below zero. ``merged``: keys of
    accounts merged into this one (a retry of a debit written on one before the merge answers
    that debit's outcome).

    Raises:
        NotFound: no such account (an unknown gift card, a customer with no points).
        Insufficient: it holds less than ``amount`` (nothing is written).
        Conflict: ``entry_id`` was released before it arrived, or used for another account.
    """
    if amount <= 0:
        raise BadInput("The amount to redeem must be more than zero.")

    others = _merged_accounts(where, kind, merged, unit)

    def run() -> Outcome:
        account = _account(where, kind, key, unit)
        earlier = _found(entry_id, account, "redeem", others)
        if earlier is not None:
            return earlier
        if account is None:
            raise NotFound(f"No {kind.replace('_', ' ')} {key} in {unit}: check the code.")
        if LedgerEntry.get_or_none(LedgerEntry.reverses == entry_id) is not None:
            raise Conflict(f"Entry {entry_id} was already released: redeem with a new id.")
        after = _move(account, -amount, at_least=amount)
        if after is None:
            held = balance(where, kind, key, unit) or 0
            raise Insufficient(f"{key} holds only {held} {unit}, less than {amount}.", held)
        return _write(account, where, entry_id, "redeem", -amount, after, sale_id)

    return _retrying(run, entry_id, "redeem", where, (kind, key, unit), others)


def credit(
    where: Where,
    kind: str,
    key: str,
    unit: str,
    amount: int,
    entry_id: str,
    entry_kind: str,
    sale_id=None,
) -> Outcome:
    """Add ``amount`` (>= 0) to the account, opening it when needed (``entry_kind``: load,
    refund, earn)."""
    if amount < 0:
        raise BadInput("A credit cannot be negative.")

    def run() -> Outcome:
        account = _open_account(where, kind, key, unit)
        earlier = _found(entry_id, account, entry_kind)
        if earlier is not None:
            return earlier
        after = _move(account, amount)
        assert after is not None  # adding to a balance >= 0 always matches
        return _write(account, where, entry_id, entry_kind, amount, after, sale_id)

    return _retrying(run, entry_id, entry_kind, where, (kind, key, unit))


def take_back(
    where: Where,
    kind: str,
    key: str,
    unit: str,
    amount: int,
    entry_id: str,
    sale_id=None,
    entry_kind: str = "take_back",
) -> Outcome:
    """Take up to ``amount`` off the account (points a refund takes back, a gift card spent
    offline): what is left when less (the entry says how much was taken, ``asked`` how much
    was wanted)."""

    def run() -> Outcome:
        account = _open_account(where, kind, key, unit)
        earlier = _found(entry_id, account, entry_kind)
        if earlier is not None:
            return earlier
        # Locks the row (PostgreSQL) before reading what it holds, so the take cannot miss.
        after = _move(account, 0)
        assert after is not None
        taken = min(max(amount, 0), after)
        after = _move(account, -taken, at_least=taken)
        assert after is not None  # the row is locked by this transaction since the read
        return _write(account, where, entry_id, entry_kind, -taken, after, sale_id, asked=amount)

    return _retrying(run, entry_id, entry_kind, where, (kind, key, unit))


def release(
    where: Where,
    kind: str,
    key: str,
    unit: str,
    reverses: str,
    entry_id: str,
    merged: Sequence[str] = (),
) -> Outcome:
    """Give a debit back (at most once). Before its debit arrived: a zero marker that makes
    that debit refused. ``merged``: keys of accounts merged into this one, where the debit
    may have been written before the merge (their points moved here, so it is given back
    here)."""
    others = _merged_accounts(where, kind, merged, unit)

    def run() -> Outcome:
        account = _open_account(where, kind, key, unit)
        earlier = _found(entry_id, account, "release", others)
        if earlier is not None:
            return earlier
        if LedgerEntry.get_or_none(LedgerEntry.reverses == reverses) is not None:
            raise Conflict(f"Entry {reverses} was already released.")
        debited = LedgerEntry.get_or_none(
            (LedgerEntry.entry_id == reverses) & LedgerEntry.account_id.in_([account.id, *others])
        )
        amount = -int(debited.amount) if debited is not None and debited.amount < 0 else 0
        after = _move(account, amount)
        assert after is not None
        return _write(account, where, entry_id, "release", amount, after, None, reverses)

    return _retrying(run, entry_id, "release", where, (kind, key, unit), others)


def note_offline_limits(
    entry_id: str, card_limit: int, till_limit: int, till_used: int, reached: str | None
) -> None:
    """Keep the limits an offline redemption was taken under (once per entry)."""
    LedgerOfflineLimit.insert(
        entry_id=entry_id,
        card_limit=card_limit,
        till_limit=till_limit,
        till_used=till_used,
        limit_reached=reached,
    ).on_conflict_ignore().execute()


def offline_redemptions(organisation_id: str, store_id: str, limit: int = 500) -> list[dict]:
    """Gift cards spent offline at this store's tills, newest first: what each till took
    (``asked``), what the card still held (``taken``) and the difference (``short``), and
    where the till sent them, the limits: which one the tender reached (``limit_reached``:
    ``card`` or ``till``), the till's total limit and what it had spent offline by then."""
    rows = (
        LedgerEntry.select(LedgerEntry, LedgerAccount.key, LedgerAccount.unit, LedgerOfflineLimit)
        .join(LedgerAccount, on=(LedgerAccount.id == LedgerEntry.account_id))
        .switch(LedgerEntry)
        .join(
            LedgerOfflineLimit,
            pw.JOIN.LEFT_OUTER,
            on=(LedgerOfflineLimit.entry_id == LedgerEntry.entry_id),
        )
        .where(
            (LedgerEntry.kind == "offline")
            & (LedgerEntry.store_id == store_id)
            & (LedgerAccount.organisation_id == organisation_id)
        )
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    )
    out = []
    for e in rows:
        asked, taken = int(e.asked or 0), -int(e.amount)
        limits = getattr(e, "ledgerofflinelimit", None)
        known = limits is not None and limits.entry_id is not None
        out.append(
            {
                "code": e.ledgeraccount.key,
                "unit": e.ledgeraccount.unit,
                "terminal_id": e.terminal_id,
                "sale_id": e.sale_id,
                "asked": asked,
                "taken": taken,
                "short": asked - taken,
                "limit_reached": limits.limit_reached if known else None,
                "card_limit": int(limits.card_limit) if known else None,
                "till_limit": int(limits.till_limit) if known else None,
                "till_used": int(limits.till_used) if known else None,
                "created_at": e.created_at.isoformat(),
            }
        )
    return out


def entries(where: Where, kind: str, key: str, unit: str, limit: int = 200) -> list[dict]:
    """The account's entries, newest first (for the owner)."""
    account = _account(where, kind, key, unit)
    if account is None:
        raise NotFound(f"No {kind.replace('_', ' ')} {key} in {unit}.")
    rows = (
        LedgerEntry.select()
        .where(LedgerEntry.account_id == account.id)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    )
    return [
        {
            "entry_id": e.entry_id,
            "kind": e.kind,
            "amount": int(e.amount),
            "balance_after": int(e.balance_after),
            "store_id": e.store_id,
            "terminal_id": e.terminal_id,
            "sale_id": e.sale_id,
            "reverses": e.reverses,
            "asked": e.asked,
            "created_at": e.created_at.isoformat()
            if hasattr(e.created_at, "isoformat")
            else str(e.created_at),
        }
        for e in rows
    ]


def earned_since(where: Where, keys: Sequence[str], since: datetime) -> int:
    """Points the customers ``keys`` (one person: a customer and the records merged into it)
    earned since ``since``, less what refunds took back of them (what a refund asked, even when
    spent points left less to take), never below zero. Spending does not lower it, nor does a
    merge moving points between the records."""
    accounts = _merged_accounts(where, LOYALTY, keys, POINTS)
    if not accounts:
        return 0
    recent = (LedgerEntry.account_id.in_(accounts)) & (LedgerEntry.created_at >= since)
    earned = (
        LedgerEntry.select(pw.fn.COALESCE(pw.fn.SUM(LedgerEntry.amount), 0))
        .where(recent & (LedgerEntry.kind == "earn"))
        .scalar()
    )
    taken = (
        LedgerEntry.select(
            pw.fn.COALESCE(pw.fn.SUM(pw.fn.COALESCE(LedgerEntry.asked, 0 - LedgerEntry.amount)), 0)
        )
        .where(
            recent & (LedgerEntry.kind == "take_back") & ~LedgerEntry.entry_id.startswith("merge:")
        )
        .scalar()
    )
    return max(0, int(earned) - int(taken))
