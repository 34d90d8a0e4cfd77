"""``pos-hw`` subcommands for card terminals, scanners and scales, and their simulators.

``hardware.cli`` calls :func:`add_subcommands`; ``python -m hardware.cli_devices`` runs the
same commands on their own. Each command handler returns the exit code: 0 ok (for ``pay``:
approved), 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import signal
import sys
import threading

from hardware.base import DeviceError

PROTOCOLS = ("concert",)


def add_subcommands(subparsers) -> None:
    """Add ``pay``, ``scan-listen``, ``weigh`` and ``simulate terminal|scanner|scale``.

    Args:
        subparsers: The object returned by ``ArgumentParser.add_subparsers()``. If it already
            has a ``simulate`` command with its own sub-commands, the kinds are added to it.
    """
    pay = subparsers.add_parser("pay", help="run a card payment on a terminal")
    pay.add_argument(
        "--terminal", metavar="URI", help="e.g. serial:///dev/ttyACM0 (default: --data-dir's)"
    )
    pay.add_argument("--protocol", choices=PROTOCOLS, default="concert")
    pay.add_argument(
        "--amount", required=True, type=_minor_units, metavar="MINOR", help="1250 = 12.50"
    )
    pay.add_argument("--currency", default="EUR", help="ISO 4217 code (default EUR)")
    pay.add_argument("--reference", default="", help="up to 10 characters, echoed back")
    pay.add_argument("--kind", choices=("purchase", "refund", "credit"), default="purchase")
    pay.add_argument("--pos-number", type=int, default=1, help="till number 1-99")
    pay.add_argument("--variant", choices=("E+", "legacy"), default="E+")
    pay.add_argument("--timeout", type=float, default=120.0, help="seconds for the customer")
    pay.add_argument("--ack-timeout", type=float, default=3.0, help=argparse.SUPPRESS)
    pay.set_defaults(func=cmd_pay)

    listen = subparsers.add_parser("scan-listen", help="print codes from a serial scanner")
    listen.add_argument("--scanner", metavar="URI", help="default: --data-dir's serial scanner")
    listen.add_argument("--count", type=int, default=0, help="stop after N codes (0: never)")
    listen.add_argument("--suffix", choices=("cr", "crlf", "lf"), default="cr")
    listen.add_argument("--prefix", default="", help="configured prefix to strip")
    listen.set_defaults(func=cmd_scan_listen)

    weigh = subparsers.add_parser("weigh", help="read one weight from a Toledo 8217 scale")
    weigh.add_argument("--scale", metavar="URI", help="default: --data-dir's scale")
    weigh.add_argument("--wait-stable", type=float, default=3.0, help="seconds (default 3)")
    weigh.set_defaults(func=cmd_weigh)

    kinds = _simulate_kinds(subparsers)
    terminal = kinds.add_parser("terminal", help="a Concert V2 card terminal on a pty")
    from hardware.simulators.terminal_concert import BEHAVIOURS

    terminal.add_argument("--behaviour", choices=BEHAVIOURS, default="approve")
    terminal.add_argument("--delay", type=float, default=0.0, help="customer time, seconds")
    terminal.set_defaults(func=cmd_simulate_terminal)
    scanner = kinds.add_parser("scanner", help="a serial scanner on a pty; scans stdin lines")
    scanner.add_argument("--suffix", choices=("cr", "crlf", "lf"), default="cr")
    scanner.add_argument("--aim-id", default=None, help="AIM id to send, e.g. ]E0")
    scanner.set_defaults(func=cmd_simulate_scanner)
    scale = kinds.add_parser("scale", help="a Toledo 8217 scale on a pty; stdin sets grams")
    scale.add_argument("--weight", type=int, default=0, help="grams on the platter")
    scale.set_defaults(func=cmd_simulate_scale)
    display = kinds.add_parser("display", help="a 2x20 pole display on a pty; prints each change")
    display.set_defaults(func=cmd_simulate_display)


def _simulate_kinds(subparsers):
    """Return the ``simulate`` command's kind sub-parsers, creating ``simulate`` if needed."""
    existing = subparsers.choices.get("simulate")
    if existing is None:
        existing = subparsers.add_parser("simulate", help="run a device simulator")
    for action in existing._actions:  # argparse has no public lookup for nested subparsers
        if isinstance(action, argparse._SubParsersAction):
            return action
    kinds = existing.add_subparsers(dest="kind", metavar="KIND")
    kinds.required = True
    return kinds


_SUFFIXES = {"cr": "\r", "crlf": "\r\n", "lf": "\n"}


def _minor_units(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(
            f"amount {text!r} must be whole minor units, e.g. 1250 for 12.50"
        )
    return int(text)


def cmd_pay(args) -> int:
    """Run one payment; print the result as JSON; exit 0 only when approved."""
    from hardware.terminals.base import PaymentRequest
    from hardware.terminals.concert import ConcertTerminal
    from hardware.till_config import fill_from_config

    fill_from_config(args, ("terminal",))

    request = PaymentRequest(
        amount_minor=args.amount,
        currency=args.currency.upper(),
        reference=args.reference,
        kind=args.kind,
    )
    terminal = ConcertTerminal(
        args.terminal,
        pos_number=args.pos_number,
        result_timeout=args.timeout,
        ack_timeout=args.ack_timeout,
        variant=args.variant,
    )
    try:
        result = terminal.pay(request, on_progress=lambda text: _stderr(f"... {text}"))
    finally:
        terminal.close()
    data = dataclasses.asdict(result)
    data["outcome"] = str(result.outcome)
    print(json.dumps(data, sort_keys=True), flush=True)
    return 0 if result.approved else 1


def cmd_scan_listen(args) -> int:
    """Print each scanned code as a JSON line until ``--count`` codes or a signal."""
    from hardware.scanners.serial_scanner import SerialScanner
    from hardware.till_config import fill_from_config

    fill_from_config(args, ("scanner",))

    done = threading.Event()
    seen = []

    def on_scan(scanned) -> None:
        seen.append(scanned)
        print(json.dumps(dataclasses.asdict(scanned)), flush=True)
        if args.count and len(seen) >= args.count:
            done.set()

    scanner = SerialScanner(
        args.scanner,
        suffix=_SUFFIXES[args.suffix],
        prefix=args.prefix,
        on_scan=on_scan,
        on_status=lambda status: _stderr(f"scanner: {status.state} {status.message}".rstrip()),
    )
    with _stop_on_signals(done), scanner:
        while not done.wait(0.2):
            pass
    return 0


def cmd_weigh(args) -> int:
    """Print one stable weight as JSON."""
    from hardware.scales.toledo8217 import Toledo8217Scale
    from hardware.till_config import fill_from_config

    fill_from_config(args, ("scale",))
    scale = Toledo8217Scale(args.scale)
    try:
        reading = scale.read_weight(wait_stable_s=args.wait_stable)
    finally:
        scale.close()
    kilograms = f"{reading.grams // 1000}.{reading.grams % 1000:03d}"
    print(json.dumps({"grams": reading.grams, "kg": kilograms, "stable": reading.stable}))
    return 0


def cmd_simulate_terminal(args) -> int:
    """Run a simulated Concert terminal until SIGINT/SIGTERM."""
    from hardware.simulators.terminal_concert import SimulatedConcertTerminal

    sim = SimulatedConcertTerminal(args.behaviour, delay_s=args.delay)
    return run_simulator(sim, None, f"terminal behaviour: {args.behaviour}")


def cmd_simulate_scanner(args) -> int:
    """Run a simulated serial scanner; each stdin line is scanned."""
    from hardware.simulators.scanner_serial import SimulatedSerialScanner

    sim = SimulatedSerialScanner(suffix=_SUFFIXES[args.suffix], aim_id=args.aim_id)
    return run_simulator(sim, sim.scan, "type a code and Enter to scan it")


def cmd_simulate_scale(args) -> int:
    """Run a simulated scale; a stdin line of digits sets the grams, ``u`` toggles motion."""
    from hardware.simulators.scale_toledo import SimulatedScale

    sim = SimulatedScale(weight_grams=args.weight)

    def on_line(line: str) -> None:
        if line == "u":
            sim.unstable = not sim.unstable
        elif line.isdigit():
            sim.weight_grams = int(line)
        else:
            _stderr("enter grams (e.g. 1250) or 'u' to toggle unstable")

    return run_simulator(sim, on_line, "enter grams to put on the scale, 'u' toggles motion")


def cmd_simulate_display(args) -> int:
    """Run a simulated pole display; every change of what it shows goes to stderr."""
    from hardware.simulators.pole_display import SimulatedPoleDisplay

    sim = SimulatedPoleDisplay()

    def watch() -> None:
        shown = None
        while True:
            sim.changed.wait()
            sim.changed.clear()
            if sim.lines != shown:
                shown = sim.lines
                _stderr(f"+{'-' * 20}+\n|{shown[0]}|\n|{shown[1]}|\n+{'-' * 20}+")

    threading.Thread(target=watch, daemon=True).start()
    return run_simulator(sim, None, "showing what the till sends; Ctrl+C stops")


def run_simulator(sim, on_line, hint: str) -> int:
    """Start ``sim``, print its URI, run until SIGINT/SIGTERM (``on_line``: stdin lines)."""
    stop = threading.Event()
    # Handlers go in before the URI is printed: whoever reads it may signal us at once.
    with _stop_on_signals(stop):
        try:
            sim.start()
        except OSError as exc:
            _stderr(f"pos-hw: error: cannot start the simulator: {exc}")
            return 1
        try:
            print(sim.uri, flush=True)
            _stderr(hint)
            if on_line is not None:
                threading.Thread(target=_feed_stdin, args=(on_line,), daemon=True).start()
            while not stop.wait(0.2):
                pass
        finally:
            sim.stop()
    return 0


def _feed_stdin(on_line) -> None:
    for line in sys.stdin:
        text = line.strip()
        if text:
            try:
                on_line(text)
            except Exception as exc:  # keep the simulator alive for the next line
                _stderr(f"simulator: {exc}")


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event):
    """Set ``stop`` on SIGINT/SIGTERM while inside (handlers only work in the main thread)."""
    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            handlers[sig] = signal.signal(sig, lambda *_: stop.set())
    try:
        yield stop
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run these subcommands standalone (``python -m hardware.cli_devices``)."""
    parser = argparse.ArgumentParser(prog="pos-hw", description="Terminals, scanners, scales.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    add_subcommands(subparsers)
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (DeviceError, ValueError) as exc:
        _stderr(f"pos-hw: error: {exc}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
