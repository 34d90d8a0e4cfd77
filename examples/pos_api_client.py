"""Ask a running till for a payment and wait for the signed result.

    python examples/pos_api_client.py --key posk_... --app-id app_... --amount 1250 \
        --callback-port 8800   # the app's prefix must be http://127.0.0.1:8800/

Registers nothing: a manager runs ``pos-admin apps add "My app" --callback-url-prefix
http://127.0.0.1:8800/`` first and gives you the app id and key. The script creates a payment
request, runs a tiny callback receiver, verifies the HMAC signature, and polls meanwhile.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import httpx


def verify(key: str, timestamp: str, body: bytes, signature: str, tolerance_s: int = 300) -> bool:
    """X-POS-Signature = "sha256=" + hex(HMAC-SHA256(key, timestamp + "." + body))."""
    if abs(time.time() - int(timestamp)) > tolerance_s:
        return False  # too old: a replay
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + mac, signature)


def receiver(port: int, key: str, results: list) -> HTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            ok = verify(key, self.headers["X-POS-Timestamp"], body, self.headers["X-POS-Signature"])
            self.send_response(200 if ok else 401)  # non-2xx makes the till retry
            self.end_headers()
            if ok:
                results.append(json.loads(body))

        def log_message(self, *args) -> None:
            pass

    server = HTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--till", default="http://127.0.0.1:8765")
    p.add_argument("--key", required=True)
    p.add_argument("--app-id", required=True)
    p.add_argument("--amount", type=int, default=1250, help="minor units: 1250 = 12.50")
    p.add_argument("--currency", default="EUR")
    p.add_argument("--types", default="card,cash")
    p.add_argument("--reference", default="DEMO-1")
    p.add_argument("--callback-port", type=int, default=8800)
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()

    results: list = []
    server = receiver(args.callback_port, args.key, results)
    client = httpx.Client(base_url=args.till, headers={"Authorization": f"Bearer {args.key}"})
    body = {
        "amount_minor": args.amount,
        "currency": args.currency,
        "payment_types": args.types.split(","),
        "callback_url": f"http://127.0.0.1:{args.callback_port}/result",
        "app_id": args.app_id,
        "api_version": "1",
        "reference": args.reference,
        "description": "example client",
    }
    r = client.post(
        "/v1/payment-requests", json=body, headers={"Idempotency-Key": str(uuid.uuid4())}
    )
    if r.status_code != 201:
        print(f"refused ({r.status_code}): {r.json().get('message', r.text)}")
        return 1
    request_id = r.json()["id"]
    print(f"request {request_id} is pending: take it at the till")
    deadline = time.monotonic() + args.timeout
    while not results and time.monotonic() < deadline:
        status = client.get(f"/v1/payment-requests/{request_id}").json()["status"]
        print(f"  polled: {status}")
        time.sleep(2)
    server.shutdown()
    if not results:
        print("no callback yet; poll GET /v1/payment-requests/{id} later")
        return 2
    print("signed callback:", json.dumps(results[0], indent=2))
    return 0 if results[0]["status"] == "approved" else 3


if __name__ == "__main__":
    raise SystemExit(main())
