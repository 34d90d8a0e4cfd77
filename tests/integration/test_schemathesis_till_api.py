"""schemathesis against the till's POS API (live /openapi.json): no 5xx, responses as documented.

Bounded like the cloud's (tests/cloud/test_schemathesis_api.py): a few examples per operation,
with a real app key, so the handlers get past authentication.
"""

from __future__ import annotations

import pytest
from test_pos_api_support import CallbackReceiver, start_api

from pos_desktop.services.pos_api import PosApiSettings

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402

MAX_EXAMPLES = 25


def test_till_api_has_no_server_errors(till):
    with CallbackReceiver() as receiver:
        env = start_api(
            till,
            parking=till.parking,
            settings=PosApiSettings(rate_per_minute=100_000, max_pending_per_app=100_000),
            worker=False,
        )
        try:
            key = env.service.register_app("Fuzzer", receiver.prefix)
            schema = schemathesis.openapi.from_url(f"{env.url}/openapi.json")
            failures, checked = [], 0
            for result in schema.get_all_operations():
                operation = result.ok()

                @settings(
                    max_examples=MAX_EXAMPLES,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=operation.as_strategy())
                def run(case) -> None:
                    if (
                        isinstance(case.body, dict)
                        and case.body.get("app_id")
                        and hash(str(case.body)) % 2
                    ):
                        case.body["app_id"] = key.app_id  # half go past the app check
                    case.call_and_validate(
                        base_url=env.url,
                        headers={"Authorization": f"Bearer {key.key}"},
                        checks=[not_a_server_error],
                        timeout=10,
                    )

                try:
                    run()
                except (KeyboardInterrupt, SystemExit):
                    raise
                except BaseException as exc:  # noqa: BLE001 (collect every operation's failure)
                    failures.append(
                        f"{operation.method.upper()} {operation.path}: {str(exc)[:800]}"
                    )
                checked += 1
            assert checked >= 5
            assert not failures, "\n\n".join(failures)
        finally:
            env.stop()
