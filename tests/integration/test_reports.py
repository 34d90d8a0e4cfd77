"""X/Z figures from SQL aggregates match the sales that were rung up; print layout."""

import pytest
from test_shifts_support import make_env, ring_sale

from pos_desktop.domain.money import Money
from pos_desktop.services.reports import ReportPrinter


@pytest.fixture
def env(tmp_path):
    env = make_env(tmp_path)
    yield env
    env.close()


def _day(env):
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    sales = [
        ring_sale(env, [(1200, "A"), (350, "B")]),
        ring_sale(env, [(999, "A")], tender="card", cashier="Supervisor"),
    ]
    env.clock.advance(hours=2)
    sales.append(ring_sale(env, [(2000, "A"), (100, "B"), (100, "B")]))
    return sales


def test_x_report_figures(env):
    sales = _day(env)
    x = env.shifts.x_report().data
    assert x["kind"] == "X" and x["sales_count"] == 3
    assert x["gross_sales_minor"] == sum(s.total_minor for s in sales) == 4749
    assert x["tax_minor"] == sum(s.tax_minor for s in sales)
    assert x["net_sales_minor"] == x["gross_sales_minor"] - x["tax_minor"]
    rates = {r["code"]: r for r in x["tax_rates"]}
    assert rates["A"]["gross_minor"] == 4199 and rates["B"]["gross_minor"] == 550
    assert sum(r["tax_minor"] for r in x["tax_rates"]) == x["tax_minor"]
    assert x["tenders"] == [
        {"tender": "card", "count": 1, "amount_minor": 999},
        {"tender": "cash", "count": 2, "amount_minor": 3750},
    ]
    assert x["cashiers"] == [
        {
            "cashier": "Cashier",
            "count": 2,
            "amount_minor": 3750,
            "cash_minor": 3750,
            "cash_refunds_minor": 0,
        },
        {
            "cashier": "Supervisor",
            "count": 1,
            "amount_minor": 999,
            "cash_minor": 0,
            "cash_refunds_minor": 0,
        },
    ]
    assert (x["first_receipt"], x["last_receipt"]) == (1, 3)
    assert [h["hour"][-2:] for h in x["hourly"]] == ["09", "11"]
    assert [h["count"] for h in x["hourly"]] == [2, 1]
    assert x["expected_cash_minor"] == 5000 + 3750
    assert x["refunds"] == {"count": 0, "amount_minor": 0} and x["discounts_minor"] == 0
    # an X changes nothing
    assert env.shifts.current() is not None
    assert env.db.execute_sql("SELECT COUNT(*) FROM z_report").fetchone()[0] == 0


def test_sales_of_other_shifts_do_not_count(env):
    _day(env)
    env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 5, 500: 7, 200: 1, 50: 1}))
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    ring_sale(env, [(500, "A")])
    x = env.shifts.x_report().data
    assert x["sales_count"] == 1 and x["first_receipt"] == 4
    assert x["grand_total_minor"] == 4749 + 500  # perpetual across Z reports


def test_optional_refund_and_discount_sources_are_read_when_present(env):
    _day(env)
    shift_id = env.shifts.current().shift_id
    env.db.execute_sql(
        "INSERT INTO refund (id, terminal_id, receipt_number, kind, currency, goods_minor, "
        "tax_minor, rounding_minor, total_minor, detail, shift_id, completed_at) VALUES "
        "('r1', 'T01', 99, 'refund', 'EUR', 350, 0, 0, 350, '{}', ?, '2026-11-26')",
        (shift_id,),
    )
    # A discounted sale as the checkout stores it (discount columns set at insert; sales are
    # never edited afterwards, which is what lets triggers keep the running totals).
    env.db.execute_sql(
        "INSERT INTO sale (id, terminal_id, receipt_number, currency, subtotal_minor, tax_minor, "
        "total_minor, prices_include_tax, status, cashier, completed_at, shift_id) VALUES "
        "('s-disc', 'T01', 98, 'EUR', 400, 0, 400, 1, 'completed', 'Cashier', "
        "'2026-11-26T10:30:00+00:00', ?)",
        (shift_id,),
    )
    env.db.execute_sql(
        "INSERT INTO sale_line (id, sale_id, position, product_id, sku, name, quantity, "
        "unit_price_minor, amount_minor, net_minor, tax_minor, tax_code, tax_percent, "
        "discount_minor) VALUES ('l-disc', 's-disc', 1, 'p1', 'SKU1', 'Thing', '1', 460, 400, "
        "400, 0, 'Z', '0', 60)"
    )
    x = env.shifts.x_report().data
    assert x["refunds"] == {"count": 1, "amount_minor": 350}
    assert x["discounts_minor"] == 60
    assert x["sales_count"] == 4


def test_z_print_job_lists_the_figures(env):
    _day(env)
    z = env.shifts.close_shift(
        env.users["cashier"], env.shifts.count({1000: 8, 500: 1, 200: 1, 1: 1})
    )
    job = ReportPrinter("en_IE", 42).job(z, "Corner Market")
    lines = [b for b in job.blocks if hasattr(b, "text")]
    text = "\n".join(b.text for b in lines)
    assert "Z REPORT 1" in text and "47.49" in text
    assert "Corner Market" in text and "Currency EUR" in text
    for title in ("Sales by tax rate", "Tenders", "Refunds and voids", "Cash", "Cashiers"):
        assert any(b.text.startswith(title) and b.bold for b in lines), title
    gross = next(b.text for b in lines if b.text.startswith("Gross sales"))
    assert gross.endswith(" 3  47.49") and len(gross) == 42  # count and amount right-aligned
    variance = next(b for b in lines if b.text.startswith("Variance (short)"))
    assert variance.bold and variance.text.endswith("-0.49")  # highlighted
    assert any(b.text.startswith("09:00 #") for b in lines)  # the hourly chart, in text
    assert f"Journal #{z.data['journal_head']['seq']}" in text
    assert all(len(b.text) <= 42 for b in job.blocks if hasattr(b, "text") and not b.double)
    assert type(job.blocks[-1]).__name__ == "Cut"
    assert z.money("gross_sales_minor") == Money(4749, "EUR")
