"""The first sale end to end without the screen: scan, pay cash, stored once, printed, drawer."""

import json
import time

from hardware.escpos_parse import parse_escpos
from pos_desktop.domain.money import Money
from pos_desktop.services.demo_data import demo_ean13
from pos_desktop.storage import journal, outbox
from tests.conftest import open_test_shift


def test_scan_pay_store_print(till, sim_printer):
    for n in (1, 2, 2, 150):
        assert till.checkout.scan(demo_ean13(n)).ok
    total = till.checkout.totals().total
    sale = till.checkout.pay_cash(Money(total.amount_minor + 1000, "EUR"))
    assert sale.receipt_number == 1 and sale.change_minor == 1000
    assert till.checkout.cart.is_empty

    row = till.db.execute_sql(
        "SELECT total_minor, status FROM sale WHERE id = ?", (sale.sale_id,)
    ).fetchone()
    assert row == (total.amount_minor, "completed")
    assert (
        till.db.execute_sql(
            "SELECT COUNT(*) FROM sale_line WHERE sale_id = ?", (sale.sale_id,)
        ).fetchone()[0]
        == 3
    )
    events = [e for e in outbox.pending(till.db) if e.type != "shift.opened"]
    assert [e.type for e in events] == ["sale.completed"]
    payload = json.loads(events[0].payload)
    assert payload["sale_id"] == sale.sale_id and payload["total_minor"] == total.amount_minor
    assert journal.verify(till.db).ok

    outcome = till.printing.print_sale(sale).result(timeout=10)
    assert outcome.status == "printed" and outcome.drawer_opened
    parsed = parse_escpos(b"".join(sim_printer.jobs))
    text = "\n".join(parsed.lines)
    assert "Whole milk 1L" in text and "Receipt 1" in text
    names = [type(e).__name__ for e in parsed.events]
    assert "Cut" in names
    pulse = next(e for e in parsed.events if type(e).__name__ == "DrawerPulse")
    assert (pulse.pin, pulse.on_ms, pulse.off_ms) == (2, 50, 500)
    status = till.db.execute_sql("SELECT status FROM print_job").fetchall()
    assert status == [("printed",)]


def test_unknown_and_bad_codes_add_nothing(till):
    bad = till.checkout.scan("4006381333932")
    assert not bad.ok and "check digit" in bad.message
    unknown = till.checkout.scan("4006381333931")
    assert not unknown.ok and "No product has barcode 4006381333931" in unknown.message
    junk = till.checkout.scan("hello")
    assert not junk.ok and "neither a barcode nor a known SKU" in junk.message
    assert till.checkout.cart.is_empty


def test_sku_typed_with_enter_also_works(till):
    assert till.checkout.scan("SKU0000003").ok


def test_short_cash_stores_nothing(till):
    till.checkout.scan(demo_ean13(5))
    try:
        till.checkout.pay_cash(Money(1, "EUR"))
    except Exception as err:
        assert "short" in str(err)
    assert till.sales.count() == 0 and not till.checkout.cart.is_empty


def test_printer_down_sale_still_saved_and_job_failed(till, sim_printer):
    till.checkout.scan(demo_ean13(7))
    sale = till.checkout.pay_cash(Money(5000, "EUR"))
    sim_printer.stop()  # the printer is gone: connection refused
    outcome = till.printing.print_sale(sale).result(timeout=20)
    assert outcome.status == "failed" and outcome.error
    assert till.sales.count() == 1
    assert till.db.execute_sql("SELECT status FROM print_job").fetchone() == (
        "failed",
    )  # refused before a byte was sent
    # nothing is re-sent by itself
    assert till.db.execute_sql("SELECT COUNT(*) FROM print_job").fetchone()[0] == 1


def test_receipt_numbers_gap_free(till):
    for i in range(25):
        till.checkout.scan(demo_ean13(1 + i))
        till.checkout.pay_cash(Money(10_000, "EUR"))
    assert till.sales.receipt_numbers("T01") == list(range(1, 26))
    sales = [e.seq for e in outbox.pending(till.db) if e.type == "sale.completed"]
    assert sales == list(range(sales[0], sales[0] + 25))  # after the shift's opening


def test_configured_logo_tops_every_receipt_and_its_reprint(tmp_path, sim_printer):
    from dataclasses import replace

    from PIL import Image as PILImage

    from pos_desktop.config import PrinterConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from pos_desktop.services.demo_data import write_demo_catalog
    from tests.conftest import FixedClock, paper_jobs

    PILImage.new("L", (200, 40), 0).save(tmp_path / "logo.png")
    config = TillConfig(
        data_dir=tmp_path,
        demo=True,
        printer=replace(PrinterConfig(uri=sim_printer.uri), logo="logo.png"),
    )
    till = build_container(config, overrides=Overrides(clock=FixedClock()))
    try:
        write_demo_catalog(till.db, 10)
        open_test_shift(till)
        till.checkout.scan(demo_ean13(1))
        sale = till.checkout.pay_cash(Money(500, "EUR"))
        till.printing.print_sale(sale).result(timeout=10)
        till.printing.reprint().result(timeout=10)
        first, copy = paper_jobs(sim_printer)
        for job in (first, copy):
            assert any(type(e).__name__ == "Raster" for e in parse_escpos(job).events)
    finally:
        till.close()


def test_standalone_serial_drawer_opens_on_cash_and_is_recorded(tmp_path, sim_printer):
    import socket
    import threading

    from pos_desktop.config import DrawerConfig, PrinterConfig, TillConfig
    from pos_desktop.container import Overrides, build_container
    from pos_desktop.services.demo_data import write_demo_catalog
    from tests.conftest import FixedClock, paper_jobs

    received = bytearray()
    server = socket.create_server(("127.0.0.1", 0))

    def drawer_port():  # the drawer: a serial device reached as pyserial's socket:// URL
        for _ in range(2):
            conn, _ = server.accept()
            with conn:
                while chunk := conn.recv(64):
                    received.extend(chunk)

    threading.Thread(target=drawer_port, daemon=True).start()
    uri = f"socket://127.0.0.1:{server.getsockname()[1]}"
    config = TillConfig(
        data_dir=tmp_path,
        demo=True,
        printer=PrinterConfig(uri=sim_printer.uri),
        drawer=DrawerConfig(uri=uri, open_sequence_hex="07 07"),
    )
    till = build_container(config, overrides=Overrides(clock=FixedClock()))
    try:
        write_demo_catalog(till.db, 10)
        open_test_shift(till)
        till.checkout.scan(demo_ean13(1))
        sale = till.checkout.pay_cash(Money(500, "EUR"))
        till.printing.print_sale(sale).result(timeout=10)
        till.printing.open_drawer("no_sale").result(timeout=10)
        deadline = time.monotonic() + 5
        while len(received) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert bytes(received) == b"\x07\x07\x07\x07"  # the sale, then the no-sale
        (job,) = paper_jobs(sim_printer)
        assert not any(type(e).__name__ == "DrawerPulse" for e in parse_escpos(job).events)
        reasons = till.db.execute_sql(
            "SELECT reason, status FROM drawer_event ORDER BY created_at"
        ).fetchall()
        assert reasons == [("sale", "sent"), ("no_sale", "sent")]
    finally:
        till.close()
        server.close()
