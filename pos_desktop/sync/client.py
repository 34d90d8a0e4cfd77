"""HTTP client for the cloud API (docs/CLOUD.md): TLS verified, bearer token, timeouts.

Errors are sorted into what the caller does next: :class:`CloudOffline` (network error, timeout
or 5xx: retry later with backoff), :class:`CloudRefused` (4xx: will not succeed as is),
:class:`CloudUnauthorized` (401: the token was revoked; re-enrol) and :class:`CursorAhead`
(409 on a feed: resync that stream).
"""

from __future__ import annotations

import socket
from typing import Any

import httpx
import orjson

CONNECT_TIMEOUT = 5.0
REQUEST_TIMEOUT = 30.0
LONG_POLL_SLACK = 15.0  # the server may hold a long poll a little past ``wait``


class CloudError(Exception):
    """Base class: talking to the cloud did not work."""


class CloudOffline(CloudError):
    """The cloud could not be reached or failed (5xx); retrying later may succeed."""


class CloudUnreachable(CloudOffline):
    """No connection was made: the request never reached the cloud."""


class CloudRefused(CloudError):
    """The cloud answered 4xx: the request will not succeed as it is."""

    def __init__(self, status_code: int, detail: str) -> None:
        self.status_code = status_code
        self.detail = detail
        super().__init__(f"the cloud refused the request ({status_code}): {detail}")


class CloudUnauthorized(CloudRefused):
    """401: the terminal token is unknown or revoked; enrol the till again."""


class CursorAhead(CloudRefused):
    """409 on a feed: the cloud was restored from a backup; resync the stream from empty."""


def _detail(response: httpx.Response) -> str:
    try:
        detail = response.json().get("detail")
    except (ValueError, AttributeError):
        detail = None
    if isinstance(detail, list):  # FastAPI validation errors
        detail = "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc', []))}: {d.get('msg', '')}" for d in detail
        )
    return str(detail or response.text[:200] or response.reason_phrase)


class CloudClient:
    """One till's connection to the cloud; thread-confined (make one per thread).

    Args:
        base_url: e.g. ``https://cloud.example.com`` (plain http only for loopback tests).
        token: the terminal's bearer token, or None before enrolling.
        verify: certificate verification: True (system CAs), or a CA bundle path. Never off.
        transport: an httpx transport for tests that route requests elsewhere.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        verify: bool | str = True,
        timeout: float = REQUEST_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if verify is False:
            raise ValueError("certificate verification cannot be turned off")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout = timeout
        if transport is None:
            # httpx writes a POST's headers and body separately; without TCP_NODELAY, Nagle
            # and delayed ACKs add ~40 ms to every push.
            transport = httpx.HTTPTransport(
                verify=verify, socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
            )
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            verify=verify,
            timeout=httpx.Timeout(timeout, connect=CONNECT_TIMEOUT),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CloudClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self._http.request(method, path, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            raise CloudUnreachable(f"cannot reach the cloud: {type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:  # connect/read errors, resets, timeouts, bad TLS
            raise CloudOffline(f"cannot reach the cloud: {type(exc).__name__}: {exc}") from exc
        code = response.status_code
        if code >= 500:
            raise CloudOffline(f"the cloud failed ({code}): {_detail(response)}")
        if code == 401:
            raise CloudUnauthorized(code, _detail(response))
        if code == 409:
            raise CursorAhead(code, _detail(response))
        if code >= 400:
            raise CloudRefused(code, _detail(response))
        try:
            return orjson.loads(response.content)  # several times faster than the stdlib
        except ValueError as exc:  # a proxy HTML page, a truncated body (orjson raises it too)
            raise CloudOffline(f"the cloud sent a response that is not JSON ({code})") from exc

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any other API call (gift cards, points), with the same error sorting."""
        return self._send(method, path, **kwargs)

    def enroll(self, code: str, terminal_name: str) -> dict[str, Any]:
        """Exchange a one-time code for ``{terminal_id, store_id, token, currency}``."""
        return self._send("POST", "/v1/enroll", json={"code": code, "terminal_name": terminal_name})

    def push(self, events: list[dict[str, Any]]) -> dict[str, Any]:
        """POST a batch (<= 500); returns ``{results: [...], last_seq}``."""
        return self._send("POST", "/v1/events:batch", json={"events": events})

    def feed(
        self,
        stream: str,
        after: str | None,
        *,
        limit: int = 1000,
        wait: float = 0,
        also: dict[str, str | None] | None = None,
    ) -> dict[str, Any]:
        """One page of a change feed; ``wait`` > 0 long-polls that many seconds, ended early
        by changes of the ``also`` streams after their cursors too."""
        params: dict[str, Any] = {"limit": limit, "wait": wait}
        if after:
            params["after"] = after
        if also:
            params["also"] = ",".join(f"{name}:{cursor or ''}" for name, cursor in also.items())
        timeout = httpx.Timeout(max(self._timeout, wait + LONG_POLL_SLACK), connect=CONNECT_TIMEOUT)
        return self._send("GET", f"/v1/feed/{stream}", params=params, timeout=timeout)

    def hand_over_receipt_mail(self, body: dict[str, Any]) -> dict[str, Any]:
        """Ask the cloud to e-mail a receipt (``POST /v1/receipt-mails``, once per mail id)."""
        return self._send("POST", "/v1/receipt-mails", json=body)

    def me(self) -> dict[str, Any]:
        """This terminal as the cloud sees it (``last_seq``, ``revoked`` ...)."""
        return self._send("GET", "/v1/terminals/me")
