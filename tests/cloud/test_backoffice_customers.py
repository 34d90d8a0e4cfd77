"""Customer pages of the back office against the real app (SQLite and PostgreSQL): search as
you type, the customer page, contact changes reaching the tills' feed, JSON export, merge,
erase (owner only, with a confirmation step) and the marketing-consent CSV; all audited."""

from __future__ import annotations

import json
import threading
import uuid

import pytest

from pos_cloud import customers
from pos_cloud.db import connection
from pos_cloud.models import Customer, Event
from pos_cloud.web import customer_book, routes_customers
from pos_cloud.web.models import WebAudit
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in
from tests.cloud.test_customers_cloud import _customer, _sale


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _audit(action: str, object_id: str) -> list[WebAudit]:
    with connection():
        return list(
            WebAudit.select().where((WebAudit.action == action) & (WebAudit.object_id == object_id))
        )


def test_search_as_you_type_finds_by_name_phone_and_email_and_pages(owner, cloud, monkeypatch):
    till = cloud.till()
    store = till.store_id
    _customer(till, "Anna Schmidt", "anna@example.org", "+49301234567")
    _customer(till, "Ben Okafor", "ben@example.org", "01715550101")
    _customer(till, "Cleo Park", None, "01715550199")
    page = owner.get(f"/app/stores/{store}/customers")
    assert page.status_code == 200
    assert page.text.index("Anna Schmidt") < page.text.index("Ben Okafor")  # by name
    assert 'hx-get="/app/stores/' in page.text and "delay:250ms" in page.text
    # The search box asks with HX-Request and gets only the rows back.
    rows = owner.get(
        f"/app/stores/{store}/customers", params={"q": "555"}, headers={"HX-Request": "true"}
    )
    assert "<html" not in rows.text
    assert "Ben Okafor" in rows.text and "Cleo Park" in rows.text and "Anna" not in rows.text
    assert "Anna Schmidt" in owner.get(f"/app/stores/{store}/customers?q=ANNA@").text
    _customer(till, "Dirk 100%_sure", None, "0171 555-01 (77)")
    spaced = owner.get(f"/app/stores/{store}/customers", params={"q": "017155501 77"}).text
    assert "Dirk" in spaced and "Ben" not in spaced  # typed without the stored separators
    assert "Dirk" in owner.get(f"/app/stores/{store}/customers", params={"q": "0%_s"}).text
    wild = owner.get(f"/app/stores/{store}/customers", params={"q": "_"}).text
    assert "Dirk" in wild and "Anna" not in wild  # % and _ are letters, not wildcards
    assert "No customer matches" in owner.get(f"/app/stores/{store}/customers?q=zzz").text
    monkeypatch.setattr(routes_customers, "PAGE_SIZE", 2)
    first = owner.get(f"/app/stores/{store}/customers")
    assert first.text.count('data-testid="customer-row"') == 2 and "page=2" in first.text
    second = owner.get(f"/app/stores/{store}/customers?page=2")
    assert second.text.count('data-testid="customer-row"') == 2 and "Cleo Park" in second.text
    assert "page=3" not in second.text and "page=1" in second.text


def test_the_list_is_by_name_in_any_case_on_both_databases(owner, cloud):
    till = cloud.till()
    for name in ("Zoe Ames", "bea lowercase", "Ben Okafor"):
        _customer(till, name)
    page = owner.get(f"/app/stores/{till.store_id}/customers").text
    assert page.index("bea lowercase") < page.index("Ben Okafor") < page.index("Zoe Ames")


def test_back_after_a_search_gets_the_whole_page_and_partials_are_never_cached(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Nora Wolf", "nora@example.org")
    url = f"/app/stores/{store}/customers"
    hx = {"HX-Request": "true"}
    # htmx asks like this when Back lands on a pushed search URL it has no snapshot of.
    restore = {**hx, "HX-History-Restore-Request": "true"}
    for path, params in ((url, {"q": "nora"}), (f"{url}/{customer}/merge", {"q": "x"})):
        rows = owner.get(path, params=params, headers=hx)
        page = owner.get(path, params=params)
        back = owner.get(path, params=params, headers=restore)
        assert "<html" not in rows.text and "<html" in page.text
        assert "<html" in back.text and "<nav" in back.text
        for r in (rows, page, back):  # the same URL answers two ways: no cache may mix them up
            assert r.headers["vary"] == "HX-Request" and r.headers["cache-control"] == "no-store"


def test_customer_page_shows_consent_points_gift_cards_and_purchases(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Dora Quinn", "dora@example.org", "01715550123")
    sale = _sale(till, customer)
    card = {
        "entry_id": str(uuid.uuid4()),
        "account": "GC-77001234",
        "unit": "EUR",
        "amount": 2500,
        "sale_id": sale["sale_id"],
    }
    assert till.push([till.event("gift_card.loaded", card)]).json()["results"][0]["status"] == (
        "stored"
    )
    page = owner.get(f"/app/stores/{store}/customers/{customer}")
    assert page.status_code == 200
    text = page.text
    assert "dora@example.org" in text and "01715550123" in text
    assert "2026-11-26T10:00:00Z" in text and "till T01 (ann)" in text  # consent time, source
    assert 'data-testid="points">3<' in text
    assert "…1234" in text and "25.00 EUR" in text and "GC-77001234" not in text
    assert f"/app/stores/{store}/sales/{sale['sale_id']}" in text
    assert owner.get(f"/app/stores/{store}/sales/{sale['sale_id']}").status_code == 200
    assert owner.get(f"/app/stores/{store}/customers/nobody").status_code == 404


def test_contact_change_is_audited_and_reaches_the_tills_feed(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Emil Berg", "emil@example.org", "0301111")
    cursor = till.client.get("/v1/feed/customers").json()["cursor"]
    token = page_csrf(owner)
    url = f"/app/stores/{store}/customers/{customer}/contact"
    bad = owner.post(
        url, data={"name": "Emil", "email": "not an address", "phone": "", "csrf_token": token}
    )
    assert bad.status_code == 422 and "is not an e-mail address" in bad.text
    assert owner.post(url, data={"name": " ", "csrf_token": token}).status_code == 422
    ok = owner.post(
        url,
        data={
            "name": "Emil Berg",
            "email": "emil.berg@example.org",
            "phone": "+49 30 2222",
            "csrf_token": token,
        },
    )
    assert ok.status_code == 200 and "Contact details saved" in ok.text
    feed = till.client.get("/v1/feed/customers", params={"after": cursor}).json()
    assert [(i["id"], i["data"]["email"], i["data"]["phone"]) for i in feed["items"]] == [
        (customer, "emil.berg@example.org", "+49 30 2222")
    ]
    (row,) = _audit("customer.contact", customer)
    assert json.loads(row.before)["email"] == "emil@example.org"
    assert json.loads(row.after)["email"] == "emil.berg@example.org" and row.store_id == store
    same = owner.post(
        url,
        data={
            "name": "Emil Berg",
            "email": "emil.berg@example.org",
            "phone": "+49 30 2222",
            "csrf_token": token,
        },
    )
    assert "Nothing changed" in same.text and len(_audit("customer.contact", customer)) == 1


def test_export_downloads_everything_held_as_json_and_is_audited(owner, cloud):
    till = cloud.till()
    customer = _customer(till, "Fay Lind", "fay@example.org")
    _sale(till, customer)
    r = owner.get(f"/app/stores/{till.store_id}/customers/{customer}/export.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.headers["content-disposition"] == f'attachment; filename="customer-{customer}.json"'
    body = r.json()
    assert body["customer"]["email"] == "fay@example.org" and len(body["sales"]) == 1
    assert body["points"]["balance"] == 3
    (row,) = _audit("customer.export", customer)
    assert row.after is None  # who looked, not what they saw


def test_export_has_the_earlier_contact_details_and_gift_cards_too(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Gus Hale", "gus@example.org")
    sale = _sale(till, customer)
    card = {"entry_id": str(uuid.uuid4()), "account": "GC-55009876", "unit": "EUR"}
    card |= {"amount": 1500, "sale_id": sale["sale_id"]}
    till.push([till.event("gift_card.loaded", card)])
    owner.post(
        f"/app/stores/{store}/customers/{customer}/contact",
        data={"name": "Gus Hale", "email": "gus.new@example.org", "csrf_token": page_csrf(owner)},
    )
    body = owner.get(f"/app/stores/{store}/customers/{customer}/export.json").json()
    (change,) = body["contact_history"]
    assert change["action"] == "customer.contact" and change["at"]
    assert change["before"]["email"] == "gus@example.org"
    assert change["after"]["email"] == "gus.new@example.org"
    assert body["gift_cards"] == [{"code_end": "9876", "balance_minor": 1500, "currency": "EUR"}]


def test_merge_picks_the_customer_kept_confirms_and_moves_sales_and_points(owner, cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Gina Roth", "gina@example.org")
    dup = _customer(till, "Gina R.", "gina.r@example.org")
    _sale(till, kept)
    _sale(till, dup)
    base = f"/app/stores/{store}/customers/{dup}/merge"
    picks = owner.get(base, params={"q": "gina"}, headers={"HX-Request": "true"})
    assert f"merge?into={kept}" in picks.text and f"into={dup}" not in picks.text
    confirm = owner.get(base, params={"into": kept})
    assert "Merge into Gina Roth" in confirm.text
    token = page_csrf(owner)
    assert owner.post(base, data={"into": "", "csrf_token": token}).status_code == 422
    assert owner.post(base, data={"into": "nobody", "csrf_token": token}).status_code == 404
    r = owner.post(base, data={"into": kept, "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"].endswith(f"/customers/{kept}?merged=3")
    page = owner.get(r.headers["location"])
    assert "3 point(s) moved here" in page.text
    assert page.text.count('data-testid="purchase"') == 2 and 'data-testid="points">6<' in page.text
    gone = owner.get(f"/app/stores/{store}/customers/{dup}")
    assert "Merged into" in gone.text and f"/customers/{kept}" in gone.text
    assert "Gina R." not in owner.get(f"/app/stores/{store}/customers?q=gina").text
    again = owner.post(base, data={"into": kept, "csrf_token": token})
    assert again.status_code == 422 and "must be live" in again.text
    (row,) = _audit("customer.merge", dup)
    assert json.loads(row.after) == {"merged_into": kept, "points_moved": 3}
    # The merged record still holds the duplicate's details: the owner can erase it too.
    assert f"/customers/{dup}/erase" in gone.text
    erased = owner.post(f"{base[:-6]}/erase", data={"confirm": "erase", "csrf_token": token})
    assert erased.status_code == 200 and "Gina R." not in erased.text


def test_merge_with_a_record_that_withdrew_consent_withdraws_it_as_the_page_says(owner, cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Lena Kurz", "lena@example.org")
    dup = _customer(till, "Lena K.", "lena.k@example.org")
    token = page_csrf(owner)
    owner.post(
        f"/app/stores/{store}/customers/{dup}/marketing", data={"agreed": "0", "csrf_token": token}
    )
    base = f"/app/stores/{store}/customers/{dup}/merge"
    confirm = owner.get(base, params={"into": kept})
    assert "Marketing consent stays only if both agreed" in confirm.text
    assert owner.post(base, data={"into": kept, "csrf_token": token}).status_code == 303
    assert kept not in owner.get(f"/app/stores/{store}/customers/marketing.csv").text
    page = owner.get(f"/app/stores/{store}/customers/{kept}").text
    assert "not agreed" in page and f"merge of {dup}" in page


def test_erase_is_owner_only_needs_confirmation_and_leaves_no_personal_data(owner, server, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Hanna Vogt", "hanna@example.org", "0309999")
    sale = _sale(till, customer)
    token = page_csrf(owner)
    owner.post(
        f"/app/stores/{store}/customers/{customer}/contact",
        data={"name": "Hanna Vogt", "email": "hanna.v@example.org", "csrf_token": token},
    )
    owner.post(
        f"/app/stores/{store}/customers/{customer}/marketing",
        data={"agreed": "0", "csrf_token": token},
    )
    manager, _ = set_up_and_sign_in(server, "manager", store)
    page = manager.get(f"/app/stores/{store}/customers/{customer}")
    assert "Only the owner can erase" in page.text and "/erase" not in page.text
    assert manager.get(f"/app/stores/{store}/customers/{customer}/erase").status_code == 403
    denied = manager.post(
        f"/app/stores/{store}/customers/{customer}/erase",
        data={"confirm": "erase", "csrf_token": page_csrf(manager)},
    )
    assert denied.status_code == 403

    url = f"/app/stores/{store}/customers/{customer}/erase"
    ask = owner.get(url)
    assert "Erase Hanna Vogt?" in ask.text and "cannot be undone" in ask.text
    unconfirmed = owner.post(url, data={"csrf_token": token})
    assert unconfirmed.status_code == 422 and "confirmation step" in unconfirmed.text
    done = owner.post(url, data={"confirm": "erase", "csrf_token": token})
    assert done.status_code == 200 and "Erased." in done.text
    assert "hanna" not in done.text.lower() and "Erased customer" in done.text
    assert f"/sales/{sale['sale_id']}" in done.text  # the sale stays, pseudonymous
    assert "Hanna" not in owner.get(f"/app/stores/{store}/customers?q=hanna").text
    with connection():  # the contact change's before/after went too; who and when stay
        rows = list(WebAudit.select().where(WebAudit.object_id == customer))
    assert {r.action for r in rows} == {
        "customer.contact",
        "customer.marketing_consent",
        "customer.erase",
    }
    assert all("hanna" not in f"{r.before}{r.after}".lower() for r in rows)
    (consent,) = [r for r in rows if r.action == "customer.marketing_consent"]
    assert json.loads(consent.before) == {"marketing_consent": True}  # when and where: gone
    assert json.loads(consent.after) == {"marketing_consent": False}
    assert owner.post(url, data={"confirm": "erase", "csrf_token": token}).status_code == 422
    assert owner.get(url).status_code == 422  # no second confirmation page


def test_the_merge_page_refuses_choices_the_merge_would_refuse(owner, cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Olga Marx", "olga@example.org")
    dup = _customer(till, "Olga M.", "olga.m@example.org")
    gone = _customer(till, "Olga Gone", "olga.gone@example.org")
    token = page_csrf(owner)
    owner.post(
        f"/app/stores/{store}/customers/{gone}/merge", data={"into": kept, "csrf_token": token}
    )
    base = f"/app/stores/{store}/customers/{dup}/merge"
    for into in (dup, gone):  # itself, or a record that is merged already
        r = owner.get(base, params={"into": into})
        assert r.status_code == 422 and 'data-testid="merge-confirm"' not in r.text
        assert "Pick a live customer other than this one" in r.text
        assert 'data-testid="merge-search"' in r.text  # the picker again
    merged = owner.get(f"/app/stores/{store}/customers/{gone}/merge")
    assert merged.status_code == 422 and 'data-testid="merge-search"' not in merged.text
    assert "merged or erased already" in merged.text


def test_erasing_a_customer_erases_the_records_merged_into_it(owner, cloud):
    till = cloud.till()
    store = till.store_id
    kept = _customer(till, "Mara Stein", "mara@example.org", "0301234")
    dup = _customer(till, "Mara S.", "mara.s@example.org", "0179999")
    older = _customer(till, "M. Stein", "m.stein@example.org", "0405555")
    token = page_csrf(owner)
    owner.post(
        f"/app/stores/{store}/customers/{dup}/contact",
        data={"name": "Mara S.", "email": "mara.private@example.org", "csrf_token": token},
    )
    base = f"/app/stores/{store}/customers"
    owner.post(f"{base}/{older}/merge", data={"into": dup, "csrf_token": token})
    owner.post(f"{base}/{dup}/merge", data={"into": kept, "csrf_token": token})  # a chain
    page = owner.get(f"{base}/{kept}").text
    assert "Merged from" in page and f"{base}/{dup}" in page and f"{base}/{older}" in page
    merged = owner.get(f"{base}/{kept}/export.json").json()["merged_records"]
    assert {(m["id"], m["email"]) for m in merged} == {
        (dup, "mara.private@example.org"),
        (older, "m.stein@example.org"),
    }
    ask = owner.get(f"{base}/{kept}/erase").text
    assert "Mara S." in ask and "M. Stein" in ask and "merged into this one" in ask
    done = owner.post(f"{base}/{kept}/erase", data={"confirm": "erase", "csrf_token": token})
    assert done.status_code == 200
    ids = (kept, dup, older)
    with connection():
        rows = list(Customer.select().where(Customer.id.in_(ids)))
        events = [e.body for e in Event.select().where(Event.type == "customer.created")]
        trail = list(WebAudit.select().where(WebAudit.object_id.in_(ids)))
    assert len(rows) == 3 and all(r.erased_at is not None for r in rows)
    held = json.dumps([[r.name, r.email, r.phone, r.consent_source] for r in rows]).lower()
    held += "".join(b for b in events if any(i in b for i in ids)).lower()
    held += "".join(f"{a.before}{a.after}" for a in trail).lower()
    assert "mara" not in held and "stein" not in held and "0179999" not in held
    (row,) = _audit("customer.erase", kept)
    assert json.loads(row.after)["merged_records_erased"] == 2
    assert owner.get(f"{base}/{kept}/export.json").json()["merged_records"][0]["email"] is None


@pytest.mark.parametrize("form", ["contact", "marketing", "invoice"])
def test_a_save_racing_an_erase_is_refused_and_writes_no_personal_data_back(
    owner, cloud, monkeypatch, database_url, form
):
    if not database_url.startswith("postgres"):
        pytest.skip("SQLite's write lock makes the erase wait for the save (it cannot race)")
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Pia Lang", "pia@example.org", "0301")
    read = customer_book.get

    def read_then_the_owner_erases_elsewhere(store_id, customer_id):
        found = read(store_id, customer_id)
        eraser = threading.Thread(target=_erase_on_another_connection, args=(store_id, customer_id))
        eraser.start()
        eraser.join(timeout=30)
        return found

    monkeypatch.setattr(customer_book, "get", read_then_the_owner_erases_elsewhere)
    data = {
        "contact": {"name": "Pia Lang", "email": "pia.new@example.org", "phone": "0301"},
        "marketing": {"agreed": "0"},
        "invoice": {"address": "Pia Lang\n2 Elm St", "vat_id": "DE123456789"},
    }[form]
    r = owner.post(
        f"/app/stores/{store}/customers/{customer}/{form}",
        data={**data, "csrf_token": page_csrf(owner)},
    )
    monkeypatch.undo()
    assert r.status_code == 422 and "merged or erased" in r.text
    with connection():
        row = Customer.get_by_id(customer)
        trail = list(WebAudit.select().where(WebAudit.object_id == customer))
    assert row.erased_at is not None and row.email is None and row.consent_at is None
    assert (row.address, row.vat_id) == ("", "")
    assert trail == []  # the refused save left no audit row behind


def _erase_on_another_connection(store_id: str, customer_id: str) -> None:
    with connection():
        customers.erase(store_id, customer_id)


def test_marketing_csv_downloads_the_consenting_customers_and_is_audited(owner, cloud):
    till = cloud.till()
    store = till.store_id
    yes = _customer(till, "Ida Kern", "ida@example.org")
    no = {"customer_id": str(uuid.uuid4()), "name": "No Consent", "email": "no@example.org"}
    assert till.push([till.event("customer.created", no)]).json()["results"][0]["status"] == (
        "stored"
    )
    page = owner.get(f"/app/stores/{store}/customers")
    assert f"/app/stores/{store}/customers/marketing.csv" in page.text
    r = owner.get(f"/app/stores/{store}/customers/marketing.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "marketing-consent.csv" in r.headers["content-disposition"]
    lines = r.text.strip().split("\r\n")
    assert lines[0] == "id,name,email,phone,consent_at,consent_source"
    assert len(lines) == 2 and lines[1].startswith(f"{yes},Ida Kern,ida@example.org")
    (row,) = _audit("customer.marketing_csv", store)
    assert json.loads(row.after) == {"rows": 1}
    _customer(till, "Two\r\nLines", "two@example.org")  # a line break in a name is one row
    owner.get(f"/app/stores/{store}/customers/marketing.csv")
    rows = sorted(json.loads(r.after)["rows"] for r in _audit("customer.marketing_csv", store))
    assert rows == [1, 2]


def test_marketing_consent_is_withdrawn_and_given_again_with_time_and_source(owner, cloud):
    till = cloud.till()
    store = till.store_id
    customer = _customer(till, "Jon Falk", "jon@example.org")
    csv_url = f"/app/stores/{store}/customers/marketing.csv"
    assert customer in owner.get(csv_url).text
    url = f"/app/stores/{store}/customers/{customer}/marketing"
    token = page_csrf(owner)
    withdrawn = owner.post(url, data={"agreed": "0", "csrf_token": token})
    assert withdrawn.status_code == 200 and "Marketing consent withdrawn" in withdrawn.text
    assert "not agreed" in withdrawn.text and "back office (owner-" in withdrawn.text
    assert customer not in owner.get(csv_url).text
    (row,) = _audit("customer.marketing_consent", customer)
    assert json.loads(row.before)["consent_source"] == "till T01 (ann)"
    assert json.loads(row.after)["marketing_consent"] is False
    again = owner.post(url, data={"agreed": "1", "csrf_token": token})
    assert "Marketing consent recorded" in again.text
    assert customer in owner.get(csv_url).text
    line = next(ln for ln in owner.get(csv_url).text.splitlines() if customer in ln)
    assert "back office (owner-" in line and line.split(",")[4].endswith("Z")
