"""The X/Z report as PDF: the text a reader sees (store, period, currency, sections, chart)."""

from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from test_shifts_support import make_env, ring_sale

from pos_desktop.services.report_layout import build_layout
from pos_desktop.services.report_pdf import write_report_pdf

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def z(tmp_path):
    env = make_env(tmp_path)
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    ring_sale(env, [(1200, "A"), (350, "B")])  # 09:00 UTC = 10:00 in Berlin
    env.clock.advance(hours=2)
    ring_sale(env, [(999, "A")], tender="card")
    report = env.shifts.close_shift(env.users["cashier"], env.shifts.count({1000: 6, 500: 1, 1: 1}))
    env.close()
    return report


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_pdf_carries_store_period_currency_sections_and_chart(z, tmp_path):
    path = tmp_path / "z.pdf"
    write_report_pdf(z.data, path, "de_DE", tz=BERLIN)
    text = pdf_text(path)
    reader = PdfReader(path)
    assert reader.metadata.title == "Z report 1"
    assert "Corner Market (demo)" in text and "1 High Street" in text  # store and address
    assert "Terminal T01" in text and "Currency EUR" in text
    assert "Period 2026-11-26 10:00 to 2026-11-26 12:00 (Europe/Berlin, CET, UTC+01:00)" in text
    for section in ("Sales by tax rate", "Tenders", "Refunds and voids", "Cash", "Cashiers"):
        assert f"\n{section}\n" in f"\n{text}\n", section
    for row in ("Float", "Expected", "Counted", "Variance (short)", "Voids", "Refunds"):
        assert row in text, row
    assert "25,49" in text and "-0,49" in text  # German amounts: decimal comma
    # the chart: title, hour labels in the store's zone, a value on each bar, the axis title
    assert "Sales per hour (EUR)" in text
    assert "10:00" in text and "12:00" in text
    assert "15,50" in text and "9,99" in text
    assert "Hour starting (Europe/Berlin, CET, UTC+01:00)" in text


def test_the_report_carries_the_store_zone_set_with_store_set(tmp_path):
    """``pos-admin store set timezone``: no zone is passed, the report body says which."""
    from pos_desktop.services.store_admin import set_values

    env = make_env(tmp_path)
    set_values(env.db, {"timezone": "America/New_York"})
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    ring_sale(env, [(1200, "A")])  # 09:00 UTC = 04:00 in New York
    x = env.shifts.x_report()
    env.close()
    assert x.data["store"]["timezone"] == "America/New_York"
    layout = build_layout(x.data, "en_US")
    period = next(line for line in layout.header if line.startswith("Period"))
    assert "(America/New_York, EST, UTC-05:00)" in period and " 04:" in period, period
    assert [bar.label for bar in layout.hourly] == ["04:00"]
    path = tmp_path / "x.pdf"
    write_report_pdf(x.data, path, "en_US")
    assert "America/New_York, EST, UTC-05:00" in pdf_text(path)


def test_an_empty_shift_says_so_instead_of_an_empty_chart(tmp_path):
    env = make_env(tmp_path)
    env.shifts.open_shift(env.users["cashier"], env.shifts.count({1000: 5}))
    x = env.shifts.x_report()
    env.close()
    path = tmp_path / "x.pdf"
    write_report_pdf(x.data, path, "en_GB", tz=BERLIN)
    text = pdf_text(path)
    assert "X report (running, not a close)" in text and "No sales in this period" in text
    assert "Running totals: the shift is still open" in text


def test_layout_falls_back_to_the_store_passed_in_for_older_reports(z):
    older = {k: v for k, v in z.data.items() if k != "store"}
    layout = build_layout(
        older,
        "en_GB",
        store_name="Old Shop",
        store_address="2 Low Rd\nTown",
        store_timezone="Europe/Berlin",
    )
    assert layout.store_name == "Old Shop" and layout.store_address == ("2 Low Rd", "Town")
    assert "(Europe/Berlin, CET, UTC+01:00)" in layout.header[1]
    carried = build_layout(z.data, "en_GB", store_timezone="Europe/Berlin")  # the report's wins
    assert "Europe/Berlin" not in carried.header[1]
    variance = next(r for s in layout.sections for r in s.rows if r.label.startswith("Variance"))
    assert variance.highlight and variance.values[-1] == "-0.49"


def test_a_failed_write_leaves_no_file(z, tmp_path):
    target = tmp_path / "missing-dir" / "z.pdf"
    with pytest.raises(OSError):
        write_report_pdf(z.data, target)
    assert not target.exists() and not target.parent.exists()


def test_a_german_till_writes_the_report_in_german_and_the_cloud_layout_stays_english(z, tmp_path):
    from pos_common.report_layout import build_layout as cloud_layout
    from pos_desktop.services.i18n import set_language

    set_language("de")
    try:
        layout = build_layout(z.data, "de_DE", tz=BERLIN)
        write_report_pdf(z.data, tmp_path / "z.pdf", "de_DE", tz=BERLIN)
        text = pdf_text(tmp_path / "z.pdf")
    finally:
        set_language("en")
    assert layout.title == f"Z-Bericht {z.data['z_number']}"
    assert [s.title for s in layout.sections][:3] == [
        "Umsatz",
        "Umsatz nach Steuersatz",
        "Zahlungsarten",
    ]
    assert "Bruttoumsatz" in text and "Gesamtsumme" in text and "Umsatz pro Stunde" in text
    english = cloud_layout(z.data, lambda minor, currency: str(minor))
    assert english.title == f"Z report {z.data['z_number']}"
