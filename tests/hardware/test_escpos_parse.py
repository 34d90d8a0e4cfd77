"""The ESC/POS parser: known commands, code pages, and no crash on any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hardware.escpos_parse import (
    Align,
    BarcodePrinted,
    Bold,
    CodePage,
    Cut,
    DrawerPulse,
    Feed,
    Init,
    QRPrinted,
    Raster,
    Size,
    StatusQuery,
    Unknown,
    parse_escpos,
)
from hardware.printers.render import render_job
from hardware.receipt import Barcode, PrintJob, QRCode, TextLine


def test_text_lines_and_styles():
    data = b"\x1b@\x1ba\x01\x1bE\x01Hello\n\x1d!\x11Big\n\x1bd\x02\x1dV\x00"
    parsed = parse_escpos(data)
    assert parsed.lines == ["Hello", "Big", "", ""]
    assert parsed.events == [
        Init(),
        Align("center"),
        Bold(True),
        Size(2, 2),
        Feed(2),
        Cut(partial=False),
    ]


def test_code_pages_decode_the_euro():
    assert parse_escpos(b"\x1bt\x13\xd5 1\n").lines == ["€ 1"]  # CP858
    assert parse_escpos(b"\x1bt\x10\x80 1\n").lines == ["€ 1"]  # WPC1252
    assert parse_escpos(b"\x1bt\x13\xd5\x1b@\xd5\n").lines == ["€", "╒"]  # ESC @ back to CP437
    assert CodePage(19) in parse_escpos(b"\x1bt\x13").events


def test_euro_round_trip_through_render():
    job = PrintJob((TextLine("Summe € 3,99 – danke", align="right"),))
    assert parse_escpos(render_job(job, "CP858")).lines == ["Summe € 3,99 ? danke"]


def test_barcodes_in_both_formats_and_code_c():
    parsed = parse_escpos(b"\x1dk\x02" + b"4006381333931\x00" + b"\x1dk\x49\x04{C\x0c\x22")
    assert parsed.of_type(BarcodePrinted) == [
        BarcodePrinted("EAN13", "4006381333931"),
        BarcodePrinted("CODE128", "1234"),
    ]


def test_qr_and_barcode_from_render():
    parsed = parse_escpos(render_job(PrintJob((Barcode("96385074", "EAN8"), QRCode("é-1")))))
    assert parsed.of_type(BarcodePrinted) == [BarcodePrinted("EAN8", "96385074")]
    assert parsed.of_type(QRPrinted) == [QRPrinted("é-1")]
    assert "[QR é-1]" in parsed.lines


def test_raster_status_and_realtime_pulse():
    raster = b"\x1dv0\x00\x02\x00\x03\x00" + b"\xff" * 6
    parsed = parse_escpos(
        raster + b"\x10\x04\x02" + b"\x10\x14\x01\x01\x02" + b"\x1b*\x00\x03\x00abc"
    )
    assert parsed.events == [Raster(16, 3), StatusQuery(2), DrawerPulse(5, 200, 200), Raster(3, 8)]
    assert parsed.lines == []


def test_unknown_bytes_are_reported_not_printed():
    parsed = parse_escpos(b"\x07\x1bZA\n")
    assert parsed.events == [Unknown(0x07), Unknown(ord("Z"), 0x1B)]
    assert parsed.lines == ["A"]


def test_truncated_commands_end_quietly():
    for data in (b"\x1b", b"\x1dk\x49\x10ab", b"\x1d(k\xff\xff", b"\x1dv0\x00\xff\xff\xff\xff"):
        parse_escpos(data)


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_never_crashes(data):
    parsed = parse_escpos(data)
    assert isinstance(parsed.lines, list)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"\x1b",
                b"\x1d",
                b"\x10",
                b"\x1c",
                b"k",
                b"(",
                b"v0",
                b"\x04",
                b"\x00",
                b"\xff",
                b"a",
                b"\n",
                b"{C",
                b"*",
            ]
        ),
        max_size=80,
    )
)
def test_fuzz_command_soup_never_crashes(chunks):
    parse_escpos(b"".join(chunks))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40))
def test_ascii_text_round_trips(text):
    assert parse_escpos(render_job(PrintJob((TextLine(text),)))).lines == [text]
