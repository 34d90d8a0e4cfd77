"""``pos-hw``: list devices, check a printer, print a test receipt, kick a drawer, simulate.

Exit codes: 0 ok, 1 the device failed or is not ready, 2 bad input.
"""

from __future__ import annotations

import argparse
import sys

from hardware import cli_devices
from hardware.base import DeviceError, DeviceState
from hardware.till_config import fill_from_config
from hardware.uri import DeviceUriError, parse_device_uri

# Used when neither the command line nor the till's config.toml says otherwise.
PRINTER_DEFAULTS = {"code_page": "CP858", "pin": 2, "on_ms": 50, "off_ms": 500}


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad input as one line on stderr and exits 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _uri(text: str) -> str:
    try:
        parse_device_uri(text)
    except DeviceUriError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _printer(args):
    from hardware.printers.escpos_printer import open_printer

    fill_from_config(args, ("printer", "profile", "code_page", "pin", "on_ms", "off_ms"))
    for option, default in PRINTER_DEFAULTS.items():
        if getattr(args, option, None) is None:
            setattr(args, option, default)

    return open_printer(
        args.printer,
        profile=args.profile,
        code_page=args.code_page,
        timeout=args.timeout,
        status_timeout=min(args.timeout, 2.0),
    )


def cmd_list(args) -> int:
    """Print discovered serial ports and USB devices."""
    from hardware.discovery import discover, is_probable_printer

    found = discover()
    print("Serial ports:" if found.serial else "Serial ports: none found")
    for info in found.serial:
        print(f"  {info.uri:40} {info.description}")
    if found.usb:
        print("USB devices:")
        for info in found.usb:
            hint = "  (probably a receipt printer)" if is_probable_printer(info) else ""
            print(f"  {info.uri:40} {info.description}{hint}")
    elif not any("USB" in note for note in found.notes):
        print("USB devices: none found")
    for note in found.notes:
        print(f"Note: {note}")
    return 0


def cmd_status(args) -> int:
    """Print the printer status; exit 1 unless it is ready (or only warns)."""
    with _printer(args) as printer:
        status = printer.read_status()
    reasons = ", ".join(sorted(status.reasons)) or "-"
    print(f"state: {status.state}\nreasons: {reasons}\nmessage: {status.message}")
    return 0 if status.state in (DeviceState.READY, DeviceState.WARNING) else 1


def test_job(columns: int):
    """A receipt exercising text styles, the euro sign, a barcode, a QR code and the cut."""
    from hardware.receipt import Barcode, Cut, Feed, PrintJob, QRCode, TextLine

    ruler = "".join(str(i % 10) for i in range(1, columns + 1))
    blocks = (
        TextLine("pos-hw test page", align="center", bold=True, double=True),
        TextLine(ruler),
        TextLine(f"{columns} columns; euro sign: € 12,50", align="left"),
        TextLine("Bold line", bold=True),
        TextLine("Right aligned", align="right"),
        Barcode("4006381333931", symbology="EAN13"),
        QRCode("https://example.com/receipt/test", size=5),
        Feed(1),
        Cut(),
    )
    return PrintJob(blocks=blocks, columns=columns)


def cmd_print_test(args) -> int:
    """Print the test receipt."""
    with _printer(args) as printer:
        printer.print_job(test_job(printer.columns))
    print(f"Test receipt sent to {args.printer}.")
    return 0


def cmd_kick_drawer(args) -> int:
    """Pulse the drawer connector."""
    with _printer(args) as printer:
        printer.kick_drawer(pin=args.pin, on_ms=args.on_ms, off_ms=args.off_ms)
    print(f"Drawer pulse sent on pin {args.pin}.")
    return 0


def cmd_simulate(args) -> int:
    """Run a simulated printer until SIGINT/SIGTERM, logging each job to stderr."""
    from hardware.escpos_parse import parse_escpos

    def on_job(data: bytes) -> None:
        parsed = parse_escpos(data)
        print(f"job: {len(data)} bytes, {len(parsed.lines)} lines", file=sys.stderr, flush=True)
        for line in parsed.lines:
            print(f"  | {line}", file=sys.stderr, flush=True)

    if args.pty:
        from hardware.simulators.printer_pty import SimulatedSerialPrinter

        sim = SimulatedSerialPrinter(on_job=None)
    else:
        from hardware.simulators.printer_tcp import SimulatedPrinter

        sim = SimulatedPrinter(port=args.port, on_job=on_job)
    for switch in ("paper_low", "paper_out", "cover_open", "offline", "silent", "drawer_open"):
        setattr(sim, switch, getattr(args, switch))
    from hardware.cli_devices import run_simulator  # signal handlers before the URI is out

    return run_simulator(sim, None, "printing each job here; Ctrl+C stops")


def _add_printer_args(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--printer",
        type=_uri,
        metavar="URI",
        help="e.g. tcp://192.168.1.50:9100, serial:///dev/ttyUSB0?baudrate=38400 "
        "(default: the printer in --data-dir's config.toml)",
    )
    sub.add_argument("--profile", default=None, help="python-escpos profile, e.g. TM-T20II")
    sub.add_argument("--code-page", default=None, help="CP858 (default) or WPC1252 for €")
    sub.add_argument("--timeout", type=float, default=5.0, help="seconds (default 5)")


def build_parser() -> argparse.ArgumentParser:
    """The ``pos-hw`` argument parser (terminal, scale and scanner commands: cli_devices)."""
    parser = _Parser(prog="pos-hw", description="Check and exercise POS hardware.")
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="a till's data directory: devices not given as options come from its config.toml "
        "(before or after the command)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True

    sub = subparsers.add_parser("list", help="list serial ports and USB devices")
    sub.set_defaults(func=cmd_list)
    for name, func, helptext in (
        ("status", cmd_status, "read a printer's status"),
        ("print-test", cmd_print_test, "print a test receipt"),
        ("kick-drawer", cmd_kick_drawer, "open the drawer wired to a printer"),
    ):
        sub = subparsers.add_parser(name, help=helptext)
        _add_printer_args(sub)
        sub.set_defaults(func=func)
        if name == "kick-drawer":
            sub.add_argument("--pin", type=int, choices=(2, 5), default=None)
            sub.add_argument("--on-ms", type=int, default=None)
            sub.add_argument("--off-ms", type=int, default=None)

    sim = subparsers.add_parser("simulate", help="run a device simulator")
    kinds = sim.add_subparsers(dest="kind", metavar="KIND", parser_class=_Parser)
    kinds.required = True
    printer = kinds.add_parser("printer", help="an ESC/POS printer on loopback TCP or a pty")
    printer.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    printer.add_argument("--pty", action="store_true", help="serial printer on a pty instead")
    for switch in ("paper-low", "paper-out", "cover-open", "offline", "silent", "drawer-open"):
        printer.add_argument(f"--{switch}", action="store_true", help=f"start with {switch}")
    printer.set_defaults(func=cmd_simulate)

    cli_devices.add_subcommands(subparsers)  # a broken import fails pos-hw loudly, never halves it
    return parser


def hoist_data_dir(argv: list[str]) -> list[str]:
    """Move ``--data-dir DIR`` to the front so it works before or after any command."""
    end = argv.index("--") if "--" in argv else len(argv)
    for i, arg in enumerate(argv[:end]):
        if arg == "--data-dir" and i + 1 < end:
            return [arg, argv[i + 1], *argv[:i], *argv[i + 2 :]]
        if arg.startswith("--data-dir="):
            return [arg, *argv[:i], *argv[i + 1 :]]
    return argv


def main(argv: list[str] | None = None) -> int:
    """Run ``pos-hw``; returns the exit code."""
    parser = build_parser()
    argv = hoist_data_dir(list(sys.argv[1:] if argv is None else argv))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or bad input (2), already reported
        return int(exc.code or 0)
    try:
        return int(args.func(args) or 0)
    except (DeviceError, ValueError) as exc:
        print(f"pos-hw: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
