"""The cloud's gift-card and points balances, asked synchronously (docs/CLOUD.md).

Used on the sale path while a tender is taken, so it waits seconds, not the sync worker's
30: a cloud that does not answer in time counts as offline and the cashier takes another
tender. The credentials are read from the till's db at each call, so a till enrolled while
running uses them at once; a till that is not enrolled has no cloud ledger (``enabled``).
"""

from __future__ import annotations

from urllib.parse import quote

import httpx
from peewee import SqliteDatabase

from pos_desktop.domain.errors import LedgerNotFound, LedgerOffline, PaymentError
from pos_desktop.storage.sync_repo import load_credentials

from .client import CloudClient, CloudOffline, CloudRefused

LEDGER_TIMEOUT = 4.0
_PATHS = {"gift_card": "/v1/gift-cards/{}", "loyalty": "/v1/customers/{}/points"}


class CloudLedger:
    """Balances and redemptions in the cloud for one till (thread-confined calls).

    Args:
        db: the till's database (for the enrolment's URL and token).
        transport: an httpx transport for tests.
    """

    def __init__(
        self, db: SqliteDatabase, *, timeout: float = LEDGER_TIMEOUT, transport=None
    ) -> None:
        self._db = db
        self._timeout = timeout
        self._transport: httpx.BaseTransport | None = transport

    def enabled(self) -> bool:
        """True when this till is enrolled with a cloud (which then holds the balances)."""
        return load_credentials(self._db) is not None

    def _client(self) -> CloudClient:
        creds = load_credentials(self._db)
        if creds is None:
            raise LedgerOffline("This till is not connected to a cloud: enrol it first.")
        return CloudClient(
            creds.cloud_url, creds.token, timeout=self._timeout, transport=self._transport
        )

    def _call(self, method: str, path: str, **kwargs) -> dict:
        with self._client() as client:
            try:
                return client.request(method, path, **kwargs)
            except CloudOffline as exc:
                raise LedgerOffline(
                    "The cloud cannot be reached, so the balance cannot be checked or spent: "
                    "take another tender."
                ) from exc
            except CloudRefused as exc:
                if exc.status_code == 404:
                    raise LedgerNotFound(exc.detail) from exc
                raise PaymentError(exc.detail) from exc

    def balance(self, kind: str, account: str) -> int:
        """The balance (minor units or points).

        Raises:
            LedgerNotFound: no such card / no points; LedgerOffline: cannot ask now.
        """
        return int(self._call("GET", _PATHS[kind].format(quote(account, safe="")))["balance"])

    def points(self, customer_id: str) -> tuple[int, int]:
        """The customer's (points balance, points earned in the last 365 days).

        Raises:
            LedgerNotFound: no points yet; LedgerOffline: cannot ask now.
        """
        answer = self._call("GET", _PATHS["loyalty"].format(quote(customer_id, safe="")))
        return int(answer["balance"]), int(answer.get("earned_365d", 0))

    def redeem(self, kind: str, account: str, amount: int, entry_id: str) -> int:
        """Spend ``amount`` now; the balance left.

        Raises:
            PaymentError: refused (too little left, unknown); LedgerOffline: no answer (the
                redemption may or may not have happened: release ``entry_id``).
        """
        path = _PATHS[kind].format(quote(account, safe="")) + "/redeem"
        return int(
            self._call("POST", path, json={"entry_id": entry_id, "amount": amount})["balance"]
        )
