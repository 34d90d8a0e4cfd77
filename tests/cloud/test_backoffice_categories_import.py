"""Product categories (CSV, API, catalogue filter, sale-line export, top categories) and the
progress of a large CSV import."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest

from pos_cloud.db import connection
from pos_cloud.web import analytics
from tests.cloud.backoffice_helpers import page_csrf, set_up_and_sign_in, wait_for
from tests.cloud.conftest import sale_payload

DAY = "2024-05-01"


@pytest.fixture(scope="module")
def owner(server):
    client, _ = set_up_and_sign_in(server)
    return client


def _import(owner, store: str, body: bytes):
    return owner.post(
        f"/app/stores/{store}/products/import",
        data={"csrf_token": page_csrf(owner)},
        files={"file": ("p.csv", body, "text/csv")},
        headers={"HX-Request": "true"},
    )


def _listed(owner, store: str, category: str) -> list[str]:
    page = owner.get(f"/app/stores/{store}/products", params={"category": category}).text
    return re.findall(r'<tr id="product-[^"]+">\s*<td>([^<]+)</td>', page)


def test_categories_from_csv_filter_the_catalogue_and_survive_a_plain_reimport(owner, cloud):
    store = cloud.store()
    body = (
        b"sku,name,price,tax_code,barcodes,category\n"
        b"M1,Milk,1.00,A,,Dairy\nM2,Butter,2.00,A,, Dairy \n"
        b"B1,Roll,0.50,A,,Bakery\nX1,Bag,0.10,A,,\n"
    )
    assert _import(owner, store, body).status_code == 200
    assert _listed(owner, store, "Dairy") == ["M1", "M2"]
    assert _listed(owner, store, "Bakery") == ["B1"]
    assert _listed(owner, store, "") == ["X1"]  # "(none)"
    assert _listed(owner, store, "_all") == ["B1", "M1", "M2", "X1"]
    page = owner.get(f"/app/stores/{store}/products").text
    assert "<option >Bakery</option>" in page or "<option>Bakery</option>" in page
    # A file without the column keeps the groups; an empty cell clears one.
    assert (
        _import(owner, store, b"sku,name,price,tax_code,barcodes\nM1,Milk,1.10,A,\n").status_code
        == 200
    )
    assert _listed(owner, store, "Dairy") == ["M1", "M2"]
    cleared = b"sku,name,price,tax_code,barcodes,category\nM2,Butter,2.00,A,,\n"
    assert _import(owner, store, cleared).status_code == 200
    assert _listed(owner, store, "Dairy") == ["M1"]
    long = b"sku,name,price,tax_code,barcodes,category\nL1,Long,1.00,A,," + b"x" * 101 + b"\n"
    r = _import(owner, store, long)
    assert r.status_code == 422 and "category is longer than 100 characters" in r.text


def test_api_category_lines_export_and_top_categories(owner, cloud):
    till = cloud.till()
    r = cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/products/A1",
        json={"name": "Pen", "price_minor": 150, "tax_code": "A", "category": "Office"},
    )
    assert r.status_code == 200 and r.json()["category"] == "Office"
    kept = cloud.admin.put(
        f"/v1/admin/stores/{till.store_id}/products/A1/price", json={"price_minor": 150}
    )
    assert kept.json()["category"] == "Office"  # a price change keeps the group
    assert till.push([till.event("sale.completed", sale_payload(sku="A1"))]).status_code == 200
    q = {"date_from": DAY, "date_to": DAY}

    def exported():
        text = owner.get(f"/app/stores/{till.store_id}/exports/lines.csv", params=q).text
        rows = list(csv.DictReader(io.StringIO(text)))
        return rows or None

    row = wait_for(exported)[0]
    assert row["sku"] == "A1" and row["category"] == "Office"
    day = analytics._as_date(DAY)
    with connection():
        assert analytics.top_categories(till.store_id, day, day) == [("Office", 300)]
    assert "Top categories" in owner.get(f"/app/stores/{till.store_id}/dashboard").text


def _big_file(rows: int, bad_lines: tuple[int, ...] = ()) -> bytes:
    lines = ["sku,name,price,tax_code,barcodes,category"]
    for n in range(1, rows + 1):
        price = "1.5.0" if n + 1 in bad_lines else "1.25"  # file line = row + 1
        lines.append(f"G{n:06d},Item {n},{price},A,,Group {n % 7}")
    return ("\n".join(lines) + "\n").encode()


def test_a_large_import_runs_in_the_background_and_shows_its_progress(owner, cloud):
    store = cloud.store()
    rows = 60_000
    r = _import(owner, store, _big_file(rows))
    assert r.status_code == 200 and 'data-testid="import-progress"' in r.text, r.text[-800:]
    poll = re.search(r'hx-get="([^"]+)"', r.text).group(1).replace("&amp;", "&")
    seen = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        step = owner.get(poll, headers={"HX-Request": "true"})
        if 'data-testid="import-progress"' not in step.text:
            break
        seen.append(re.search(r"(checking|writing)</span> (\d+) of (?:about )?(\d+)", step.text))
        time.sleep(0.2)
    assert step.status_code == 200 and f"Imported {rows} product(s)" in step.text, step.text
    counted = [(m.group(1), int(m.group(2)), int(m.group(3))) for m in seen if m]
    assert counted, "no progress was shown"
    assert all(total == rows and 0 <= done <= rows for _, done, total in counted)
    assert counted == sorted(counted, key=lambda c: (c[0] == "writing", c[1]))  # only forward
    assert _listed(owner, store, "Group 3")[:1] == ["G000003"]


def test_a_large_import_with_bad_rows_lists_them_and_writes_nothing(owner, cloud):
    store = cloud.store()
    r = _import(owner, store, _big_file(3_000, bad_lines=(10, 2_500)))
    poll = re.search(r'hx-get="([^"]+)"', r.text).group(1).replace("&amp;", "&")

    def outcome():
        step = owner.get(poll, headers={"HX-Request": "true"})
        return step if 'data-testid="import-progress"' not in step.text else None

    done = wait_for(outcome, timeout=60, interval=0.2)
    assert done.status_code == 422 and "2 bad row(s)" in done.text
    assert '<td class="num">10</td>' in done.text and '<td class="num">2500</td>' in done.text
    assert _listed(owner, store, "_all") == []


def test_another_store_cannot_read_an_import(server, owner, cloud):
    store = cloud.store()
    r = _import(owner, store, _big_file(2_500))
    poll = re.search(r'hx-get="([^"]+)"', r.text).group(1).replace("&amp;", "&")
    job = poll.split("/import/")[1].split("?")[0]
    other = cloud.store()
    assert owner.get(f"/app/stores/{other}/products/import/{job}").status_code == 404
    manager, _ = set_up_and_sign_in(server, "manager", other)
    assert manager.get(poll).status_code == 404
