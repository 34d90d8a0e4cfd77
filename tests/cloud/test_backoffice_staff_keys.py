"""Till users and quick keys on the web: validation, roles, audit, and what the feeds carry."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher

from pos_cloud.db import connection
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _post(client, path: str, **data):
    return client.post(path, data={**data, "csrf_token": page_csrf(client)})


def _feed(till, stream: str) -> dict:
    return {i["id"]: i for i in till.client.get(f"/v1/feed/{stream}").json()["items"]}


def test_owner_adds_a_till_user_whose_pin_is_only_a_hash(owner, cloud):
    till = cloud.till()
    base = f"/app/stores/{till.store_id}/staff"
    r = _post(owner, base, name="  Ann   Lee ", role="manager", pin="13579", pin2="13579")
    assert r.status_code == 200 and 'data-testid="staff-saved"' in r.text and "Ann Lee" in r.text
    (item,) = _feed(till, "staff").values()
    assert item["data"]["name"] == "Ann Lee" and item["data"]["role"] == "manager"
    assert item["data"]["active"] is True and "13579" not in str(item)
    assert item["data"]["pin_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(item["data"]["pin_hash"], "13579")
    with connection():
        audited = list(WebAudit.select().where(WebAudit.object_id == item["id"]))
    assert [a.action for a in audited] == ["staff.add"]
    assert "13579" not in (audited[0].after or "") and "argon2" not in (audited[0].after or "")


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"name": "Bo", "pin": "12a4", "pin2": "12a4"}, 422, "A PIN is 4 to 8 digits"),
        ({"name": "Bo", "pin": "123", "pin2": "123"}, 422, "A PIN is 4 to 8 digits"),
        ({"name": "Bo", "pin": "1234", "pin2": "1243"}, 422, "The two PINs differ"),
        ({"name": " ", "pin": "1234", "pin2": "1234"}, 422, "needs a name"),
        ({"name": "Bo", "role": "boss", "pin": "1234", "pin2": "1234"}, 422, "Choose a role"),
    ],
)
def test_bad_staff_input_says_what_is_wrong_and_writes_nothing(
    owner, cloud, fields, status, message
):
    till = cloud.till()
    r = _post(owner, f"/app/stores/{till.store_id}/staff", **{"role": "cashier", **fields})
    assert r.status_code == status and message in r.text
    assert _feed(till, "staff") == {}


def test_names_are_unique_per_store_ignoring_case(owner, cloud):
    till = cloud.till()
    base = f"/app/stores/{till.store_id}/staff"
    assert (
        _post(owner, base, name="Kim", role="cashier", pin="1111", pin2="1111").status_code == 200
    )
    r = _post(owner, base, name="KIM", role="cashier", pin="2222", pin2="2222")
    assert r.status_code == 409 and "already has a till user named &#39;Kim&#39;" in r.text


def test_pin_reset_and_disable_go_down_the_feed(owner, cloud):
    till = cloud.till()
    base = f"/app/stores/{till.store_id}/staff"
    _post(owner, base, name="Rui", role="cashier", pin="4444", pin2="4444")
    (staff_id,) = _feed(till, "staff")
    cursor = till.client.get("/v1/feed/staff").json()["cursor"]
    assert _post(owner, f"{base}/{staff_id}/pin", pin="5555", pin2="5555").status_code == 200
    assert _post(owner, f"{base}/{staff_id}/active", active="0").status_code == 200
    page = till.client.get("/v1/feed/staff", params={"after": cursor}).json()
    (item,) = page["items"]  # one row, its latest state
    assert item["data"]["active"] is False
    assert PasswordHasher().verify(item["data"]["pin_hash"], "5555")
    assert "disabled" in owner.get(base).text
    with connection():
        actions = [a.action for a in WebAudit.select().where(WebAudit.object_id == staff_id)]
    assert actions == ["staff.add", "staff.pin_reset", "staff.disable"]


def test_a_manager_manages_cashiers_of_their_store_but_not_managers(server, owner, cloud):
    till = cloud.till()
    base = f"/app/stores/{till.store_id}/staff"
    _post(owner, base, name="Boss", role="manager", pin="9999", pin2="9999")
    (boss_id,) = _feed(till, "staff")
    manager, _ = set_up_and_sign_in(server, "manager", till.store_id)
    page = manager.get(base)
    assert page.status_code == 200 and "<option>manager</option>" not in page.text
    assert (
        _post(manager, base, name="Cy", role="cashier", pin="1234", pin2="1234").status_code == 200
    )
    made = _post(manager, base, name="Di", role="admin", pin="1234", pin2="1234")
    assert made.status_code == 403 and "Only the owner" in made.text
    reset = _post(manager, f"{base}/{boss_id}/pin", pin="0000", pin2="0000")
    assert reset.status_code == 403
    assert PasswordHasher().verify(_feed(till, "staff")[boss_id]["data"]["pin_hash"], "9999")
    assert sorted(i["data"]["name"] for i in _feed(till, "staff").values()) == ["Boss", "Cy"]


def test_quick_keys_are_checked_and_fed_to_the_tills(owner, cloud):
    till = cloud.till()
    cloud.product(till.store_id, "TEA", price=150)
    base = f"/app/stores/{till.store_id}/quick-keys"
    r = _post(owner, base, page="3", position="24", sku="TEA", label="", colour="#aa0000")
    assert r.status_code == 303 and r.headers["location"].endswith("?page=3")
    assert _post(owner, base, page="3", position="1", department="Bakery", price="0.95",
                 label="Roll", colour="").status_code == 303  # fmt: skip
    keys = _feed(till, "quick_keys")
    assert keys["3:23"]["data"] | {} == {
        "page": 3, "position": 23, "label": "Item TEA", "sku": "TEA",
        "department": None, "price_minor": None, "colour": "#aa0000",
    }  # fmt: skip
    assert (
        keys["3:0"]["data"]["price_minor"] == 95 and keys["3:0"]["data"]["department"] == "Bakery"
    )
    grid = owner.get(base, params={"page": 3}).text
    assert re.search(r'data-testid="key-24"[^>]*>.*?Item TEA', grid, re.S)
    for bad, message in [
        ({"position": "25", "sku": "TEA"}, "pages 1-9, positions 1-24"),
        ({"position": "2", "sku": "NOPE"}, "NOPE"),
        ({"position": "2", "sku": "TEA", "department": "Bakery"}, "either a product"),
        ({"position": "2", "sku": "TEA", "price": "1.00"}, "Only a department key"),
        ({"position": "2", "department": "Bakery", "price": "1.005"}, "more decimals"),
        ({"position": "2", "sku": "TEA", "colour": "red"}, "#rrggbb"),
    ]:
        r = _post(owner, base, page="3", label="", **bad)
        assert r.status_code in (404, 422) and message in r.text, (bad, r.status_code)
    assert set(_feed(till, "quick_keys")) == {"3:23", "3:0"}  # nothing half-written
    assert _post(owner, base, page="3", position="1", clear="1").status_code == 303
    assert _feed(till, "quick_keys")["3:0"]["op"] == "delete"
