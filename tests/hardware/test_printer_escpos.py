"""EscPosPrinter against the TCP and pty simulators (real python-escpos / pyserial paths)."""

from __future__ import annotations

import pytest

from hardware.base import DeviceState
from hardware.escpos_parse import (
    BarcodePrinted,
    Cut,
    Init,
    QRPrinted,
    StatusQuery,
    parse_escpos,
)
from hardware.printers.escpos_printer import EscPosPrinter, PrinterError
from hardware.printers.render import render_job
from hardware.receipt import Barcode, PrintJob, QRCode, TextLine
from hardware.receipt import Cut as CutBlock
from hardware.uri import DeviceUriError

EURO_JOB = PrintJob((TextLine("Total € 12,50", bold=True), CutBlock()))


def test_job_goes_through_escpos_network_and_round_trips_the_euro(sim, printer, monkeypatch):
    from hardware.printers.escpos_lib import escpos_modules

    network = escpos_modules()[1].Network
    sent = []
    real_raw = network._raw
    monkeypatch.setattr(network, "_raw", lambda self, msg: (sent.append(msg), real_raw(self, msg)))
    printer.print_job(EURO_JOB)
    printer.close()
    receipts = [parse_escpos(job) for job in sim.wait_for_jobs(1) if b"\x1b@" in job]
    assert len(receipts) == 1
    assert "Total € 12,50" in receipts[0].lines
    commands = [e for e in receipts[0].events if not isinstance(e, StatusQuery)]
    assert commands[0] == Init()  # status is checked first, then the job starts with ESC @
    assert receipts[0].of_type(StatusQuery)[:3] == [StatusQuery(1), StatusQuery(2), StatusQuery(4)]
    assert Cut(partial=True) in receipts[0].events
    assert render_job(EURO_JOB) in sent  # the job went through python-escpos Network._raw


def test_every_job_starts_with_init_and_code_page_858():
    data = render_job(EURO_JOB, "CP858")
    assert data.startswith(b"\x1b@\x1bt\x13")
    assert b"\xd5" in data  # the euro sign in CP858


def test_wpc1252_selects_page_16_and_keeps_the_euro():
    data = render_job(EURO_JOB, "WPC1252")
    assert data.startswith(b"\x1b@\x1bt\x10")
    assert "Total € 12,50" in parse_escpos(data).lines


# "Total € 12,50" in bold, then a partial cut: the exact bytes after ESC @ and ESC t n.
EURO_BODY = (
    b"\x1ba\x00"  # align left
    + b"\x1bE\x01\x1d!\x00"  # bold on, normal size
    + b"Total \xd5 12,50\n"  # CP858: the euro sign is 0xD5
    + b"\x1bE\x00"  # bold off
    + b"\x1bd\x03\x1dV\x01"  # feed 3, partial cut
)


def test_epson_profile_selects_cp858_as_19_byte_for_byte():
    data = render_job(EURO_JOB, "CP858", profile="TM-T20II")
    assert data == b"\x1b@" + b"\x1bt\x13" + EURO_BODY  # ESC @, ESC t 19
    assert data == render_job(EURO_JOB, "CP858")  # the Epson numbering is the default


def test_star_profile_selects_cp858_as_4_not_19_byte_for_byte():
    """On a Star TSP600 page 19 is CP772: ESC t 19 would print another character for the euro."""
    data = render_job(EURO_JOB, "CP858", profile="TSP600")
    assert data == b"\x1b@" + b"\x1bt\x04" + EURO_BODY  # ESC @, ESC t 4 (CP858 on Star)
    assert render_job(EURO_JOB, "WPC1252", profile="TSP600")[:5] == b"\x1b@\x1bt\x20"  # 32
    assert "Total € 12,50" in parse_escpos(data, profile="TSP600").lines


def test_kr306_profile_has_its_own_numbers():
    assert render_job(EURO_JOB, "CP858", profile="KR-306")[:5] == b"\x1b@\x1bt\x0e"  # 14


def test_a_code_page_the_profile_lacks_is_refused_at_configuration():
    with pytest.raises(ValueError, match="'TM-T88II' has no code page CP858; it offers CP437"):
        EscPosPrinter("tcp://127.0.0.1:9", profile="TM-T88II", code_page="CP858")


def test_unmappable_and_control_characters_become_question_marks():
    data = render_job(PrintJob((TextLine("a\x1bb 漢"),)), "CP858")
    assert "a?b ?" in parse_escpos(data).lines


def test_barcode_and_qr_are_native_and_alignment_returns_to_left():
    data = render_job(PrintJob((Barcode("ABC-123"), QRCode("https://x.test/r/1"))))
    parsed = parse_escpos(data)
    assert BarcodePrinted("CODE128", "ABC-123") in parsed.events
    assert QRPrinted("https://x.test/r/1") in parsed.events
    assert b"\x1dk\x49" in data and b"\x1d(k" in data
    assert data.endswith(b"\x1ba\x00")


def test_bad_ean_check_digit_is_refused_before_anything_is_sent(sim, printer):
    with pytest.raises(PrinterError, match="check digit") as info:
        printer.print_job(PrintJob((Barcode("4006381333932", "EAN13"),)))
    assert info.value.sent is False
    assert sim.jobs == []


def test_ready_printer_reports_ready(printer):
    status = printer.read_status()
    assert status.state is DeviceState.READY
    assert status.reasons == frozenset()


@pytest.mark.parametrize(
    ("switch", "state", "reason"),
    [
        ("paper_low", DeviceState.WARNING, "paper_low"),
        ("paper_out", DeviceState.ERROR, "paper_out"),
        ("cover_open", DeviceState.ERROR, "cover_open"),
        ("offline", DeviceState.ERROR, "offline"),
        ("drawer_open", DeviceState.READY, "drawer_open"),
        ("silent", DeviceState.UNKNOWN, "no_reply"),
    ],
)
def test_each_fault_switch_maps_to_status(sim, printer, switch, state, reason):
    setattr(sim, switch, True)
    status = printer.read_status()
    assert status.state is state
    assert reason in status.reasons
    assert status.message


def test_status_query_answered_mid_stream_without_closing(sim, printer):
    printer.print_job(EURO_JOB)
    sim.paper_low = True
    assert printer.read_status().state is DeviceState.WARNING  # same sim, new answer


def test_printer_in_error_refuses_job_without_sending(sim, printer):
    sim.cover_open = True
    with pytest.raises(PrinterError) as info:
        printer.print_job(EURO_JOB)
    assert info.value.sent is False
    assert "cover_open" in info.value.status.reasons
    assert not any(b"\x1b@" in job for job in sim.jobs)


def test_connection_dropped_mid_job_raises_with_outcome_unknown(sim, printer):
    sim.drop_after_bytes = 40  # after the 9 status-query bytes, inside the receipt
    job = PrintJob(tuple(TextLine(f"line {i:03d} " + "x" * 30) for i in range(40)))
    with pytest.raises(PrinterError, match="may be incomplete") as info:
        printer.print_job(job)
    assert info.value.sent is True


def test_silent_printer_still_prints(sim, printer):
    sim.silent = True
    printer.print_job(EURO_JOB)
    printer.close()
    assert any(b"Total" in job for job in sim.wait_for_jobs(1))


def test_unreachable_printer_is_disconnected_and_print_fails(sim):
    port = sim.port
    sim.stop()
    with EscPosPrinter(f"tcp://127.0.0.1:{port}", timeout=1.0) as dead:
        assert dead.read_status().state is DeviceState.DISCONNECTED
        with pytest.raises(PrinterError, match="Cannot connect") as info:
            dead.print_job(EURO_JOB)
        assert info.value.sent is False


def test_serial_printer_on_pty_prints_and_reports_status(pty_sim):
    with EscPosPrinter(pty_sim.uri, status_timeout=0.5, timeout=2.0) as device:
        device.print_job(EURO_JOB)
        pty_sim.paper_out = True
        status = device.read_status()
    assert status.state is DeviceState.ERROR
    assert "paper_out" in status.reasons
    assert pty_sim.wait_until(lambda: b"\x1dV" in pty_sim._received)
    receipts = [parse_escpos(job) for job in pty_sim.jobs if job.startswith(b"\x1b@")]
    assert "Total € 12,50" in receipts[0].lines


def test_serial_printer_unplugged_reports_failure(pty_sim):
    with EscPosPrinter(pty_sim.uri, status_timeout=0.3, timeout=1.0) as device:
        assert device.read_status().state is DeviceState.READY
        pty_sim.unplug()
        assert device.read_status().state in (DeviceState.DISCONNECTED, DeviceState.UNKNOWN)


def test_sim_uri_runs_an_owned_simulator():
    with EscPosPrinter("sim://printer", status_timeout=0.3) as device:
        device.print_job(EURO_JOB)
        simulator = device.simulator
        assert device.read_status().state is DeviceState.READY
    assert simulator is not None and device.simulator is None


@pytest.mark.parametrize(("profile", "columns"), [(None, 48), ("TM-T88V", 42), ("POS-5890", 32)])
def test_columns_come_from_the_profile(profile, columns):
    assert EscPosPrinter("tcp://127.0.0.1:9", profile=profile).columns == columns


def test_configuration_errors_are_raised_at_construction():
    with pytest.raises(ValueError, match="profile"):
        EscPosPrinter("tcp://127.0.0.1:9", profile="NOPE")
    with pytest.raises(ValueError, match="Code page"):
        EscPosPrinter("tcp://127.0.0.1:9", code_page="CP999")
    with pytest.raises(DeviceUriError):
        EscPosPrinter("sim://")


def test_escpos_import_leaves_the_root_logger_alone():
    import logging

    from hardware.printers.escpos_lib import escpos_modules, quiet_root_logger

    escpos_modules()
    root = logging.getLogger()
    before = list(root.handlers)
    with quiet_root_logger():
        logging.info("escpos transports log through the root logger like this")
    assert root.handlers == before
