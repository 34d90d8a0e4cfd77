"""schemathesis against the live /openapi.json: no 5xx and no response-schema violations.

Bounded: a few examples per operation; long polls are forced to ``wait=0``; path parameters
named ``store_id`` point at a real store half of the time so the handlers go past the 404.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

MAX_EXAMPLES = 12


def _headers(path: str, admin_token: str, terminal_token: str) -> dict[str, str]:
    token = admin_token if path.startswith("/v1/admin") else terminal_token
    return {"Authorization": f"Bearer {token}"}


def test_api_has_no_server_errors_or_schema_violations(server, cloud):
    till = cloud.till()
    admin_token = cloud.admin.headers["Authorization"].split(" ", 1)[1]
    # The document is served to admin tokens only (public with `serve --public-docs`).
    document = cloud.admin.get("/openapi.json")
    assert document.status_code == 200, document.text
    schema = schemathesis.openapi.from_dict(document.json())
    failures: list[str] = []
    checked = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        path = operation.path

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            if case.query and "wait" in case.query:
                case.query["wait"] = 0
            if case.path_parameters and "store_id" in case.path_parameters:
                if hash(str(case.path_parameters)) % 2 == 0:
                    case.path_parameters["store_id"] = till.store_id
            case.call_and_validate(
                base_url=server,
                headers=_headers(case.operation.path, admin_token, till.token),
                checks=[not_a_server_error, response_schema_conformance],
                timeout=10,
            )

        try:
            run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 (collect every operation's failure group)
            failures.append(f"{operation.method.upper()} {path}: {str(exc)[:800]}")
        checked += 1
    assert checked >= 15
    assert not failures, "\n\n".join(failures)
