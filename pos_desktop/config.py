"""The terminal's config file (``config.toml`` in the data dir): devices and till behaviour.

Store-wide business settings (currency, tax mode, receipt texts) live in the database instead,
because they replicate from the cloud.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .paths import config_path, database_path

EXAMPLE = """\
# Countertop POS terminal configuration
[till]
lock_after_idle_s = 300           # the screen locks after 5 minutes untouched

[printer]
uri = "tcp://192.168.1.50:9100"   # or serial:///dev/ttyUSB0?baudrate=38400, usb://04b8:0202
# profile = "TM-T20II"            # python-escpos profile: paper width / columns
# code_page = "CP858"             # CP858 or WPC1252 print the euro sign
# logo = "logo.png"               # printed at the top of every receipt (relative: data dir)

[drawer]
pin = 2            # 2 or 5: the kick-connector pin the drawer is wired to
on_ms = 50
off_ms = 500
open_on_cash = true
# uri = "serial:///dev/ttyUSB2?baudrate=9600"   # a standalone drawer instead of the printer's
# open_sequence_hex = "07"                     # bytes it opens on; pulse_dtr = true for DTR

[terminal]          # card terminal (Concert V2 over serial / USB-CDC)
uri = "serial:///dev/ttyACM0?baudrate=9600"
protocol = "concert"
pos_number = 1
result_timeout_s = 120

[scanner]
wedge_max_gap_ms = 35   # keys closer than this (and >= min_length of them) are a scan
wedge_min_length = 6
# wedge_prefix = ""     # text the scanner sends before / after each code (stripped)
# wedge_suffix = ""
# wedge_gs_substitute = ""   # text the scanner sends for GS1's FNC1 (GS, ASCII 29), e.g. "~"
# serial_uri = "serial:///dev/ttyACM1?baudrate=9600"   # a serial / USB-CDC scanner as well

# [api]                 # the POS API other apps call (docs/POS_API.md)
# host = "127.0.0.1"    # "0.0.0.0" serves the shop LAN: an explicit decision
# port = 8765
# max_amount_minor = 1000000

# [scale]               # Mettler-Toledo 8217 protocol: weighed items read the weight
# uri = "serial:///dev/ttyUSB1?baudrate=9600&bytesize=7&parity=E"
"""


class ConfigError(ValueError):
    """The config file is wrong; the message names the file, the key and what to write."""


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    uri: str
    profile: str | None = None
    code_page: str = "CP858"
    logo: str | None = None  # a PNG/JPEG printed at the top of receipts


@dataclass(frozen=True, slots=True)
class DrawerConfig:
    pin: int = 2
    on_ms: int = 50
    off_ms: int = 500
    open_on_cash: bool = True
    open_when_high: bool = True  # drawer wiring: set by the Devices screen's calibration
    uri: str | None = None  # a standalone serial/USB drawer instead of the printer's kick port
    open_sequence_hex: str = "00"  # what that drawer wants to hear (vendor-specific)
    pulse_dtr: bool = False


@dataclass(frozen=True, slots=True)
class TerminalConfig:
    uri: str
    protocol: str = "concert"
    pos_number: int = 1
    result_timeout_s: int = 120


@dataclass(frozen=True, slots=True)
class ScannerConfig:
    wedge_max_gap_ms: int = 35
    wedge_min_length: int = 6
    wedge_prefix: str = ""  # framing text a wedge scanner sends around each code (stripped)
    wedge_suffix: str = ""
    wedge_gs_substitute: str = ""  # what the scanner types for GS1's FNC1 (GS, ASCII 29)
    serial_uri: str | None = None  # a serial / USB-CDC scanner beside the keyboard wedge
    serial_suffix: str = "\r"


@dataclass(frozen=True, slots=True)
class ScaleConfig:
    uri: str  # Mettler-Toledo 8217 protocol


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """The POS API other apps call. Loopback only unless the shop binds it to its LAN."""

    host: str = "127.0.0.1"
    port: int = 8765
    max_amount_minor: int = 1_000_000
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class TillConfig:
    data_dir: Path
    printer: PrinterConfig | None = None
    drawer: DrawerConfig = field(default_factory=DrawerConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    terminal: TerminalConfig | None = None
    scale: ScaleConfig | None = None
    api: ApiConfig = field(default_factory=ApiConfig)
    lock_after_idle_s: int = 300  # [till]: the screen locks after this long untouched
    demo: bool = False

    @property
    def database_path(self) -> Path:
        return database_path(self.data_dir)


def _int(section: dict, key: str, default: int, lo: int, hi: int, where: str) -> int:
    value = section.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise ConfigError(
            f"{where}: [{key}] must be a whole number from {lo} to {hi}, not {value!r}."
        )
    return value


def _standalone_drawer(section: dict, where: str) -> dict:
    uri = section.get("uri")
    if uri is None:
        return {}
    if not isinstance(uri, str) or "://" not in uri:
        raise ConfigError(f'{where}: uri must be a device URI such as "serial:///dev/ttyUSB2".')
    sequence = section.get("open_sequence_hex", "00")
    try:
        bytes.fromhex(sequence)
    except (TypeError, ValueError):
        raise ConfigError(
            f'{where}: open_sequence_hex must be hex bytes such as "1b 70 00", not {sequence!r}.'
        ) from None
    return {"uri": uri, "open_sequence_hex": sequence, "pulse_dtr": bool(section.get("pulse_dtr"))}


def _open_level(section: dict, where: str) -> bool:
    level = section.get("open_level", "high")
    if level not in ("high", "low"):
        raise ConfigError(f'{where}: open_level must be "high" or "low", not {level!r}.')
    return level == "high"


def load_config(data_dir: Path, *, demo: bool = False) -> TillConfig:
    """Read ``config.toml`` from ``data_dir`` (a missing file means defaults, no printer).

    Raises:
        ConfigError: when the file is not valid TOML or a value is out of range.
    """
    path = config_path(data_dir)
    if not path.exists():
        return TillConfig(data_dir=data_dir, demo=demo)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML ({err}); see the example in README.") from err
    printer = None
    if "printer" in raw:
        section = raw["printer"]
        uri = section.get("uri")
        if not isinstance(uri, str) or "://" not in uri:
            raise ConfigError(
                f'{path}: [printer] uri must be a device URI such as "tcp://192.168.1.50:9100".'
            )
        logo = section.get("logo")
        if logo is not None and not isinstance(logo, str):
            raise ConfigError(f'{path}: [printer] logo must be a file path such as "logo.png".')
        printer = PrinterConfig(
            uri=uri,
            profile=section.get("profile"),
            code_page=section.get("code_page", "CP858"),
            logo=logo,
        )
    d = raw.get("drawer", {})
    pin = d.get("pin", 2)
    if pin not in (2, 5):
        raise ConfigError(f"{path}: [drawer] pin must be 2 or 5, not {pin!r}.")
    drawer = DrawerConfig(
        pin=pin,
        on_ms=_int(d, "on_ms", 50, 2, 510, f"{path} [drawer]"),
        off_ms=_int(d, "off_ms", 500, 2, 510, f"{path} [drawer]"),
        open_on_cash=bool(d.get("open_on_cash", True)),
        open_when_high=_open_level(d, f"{path} [drawer]"),
        **_standalone_drawer(d, f"{path} [drawer]"),
    )
    s = raw.get("scanner", {})
    serial_uri = s.get("serial_uri")
    if serial_uri is not None and (not isinstance(serial_uri, str) or "://" not in serial_uri):
        raise ConfigError(
            f'{path}: [scanner] serial_uri must be a URI such as "serial:///dev/ttyACM1".'
        )
    suffix = s.get("serial_suffix", "\r")
    if suffix not in ("\r", "\n", "\r\n"):
        raise ConfigError(f'{path}: [scanner] serial_suffix must be "\\r", "\\n" or "\\r\\n".')
    scanner = ScannerConfig(
        wedge_max_gap_ms=_int(s, "wedge_max_gap_ms", 35, 5, 200, f"{path} [scanner]"),
        wedge_min_length=_int(s, "wedge_min_length", 6, 3, 64, f"{path} [scanner]"),
        **{k: str(s.get(k, "")) for k in ("wedge_prefix", "wedge_suffix", "wedge_gs_substitute")},
        serial_uri=serial_uri,
        serial_suffix=suffix,
    )
    scale = None
    if "scale" in raw:
        uri = raw["scale"].get("uri")
        if not isinstance(uri, str) or "://" not in uri:
            raise ConfigError(f'{path}: [scale] uri must be a URI such as "serial:///dev/ttyUSB1".')
        scale = ScaleConfig(uri=uri)
    lock_after = _int(raw.get("till", {}), "lock_after_idle_s", 300, 30, 86_400, f"{path} [till]")
    a = raw.get("api", {})
    host = a.get("host", "127.0.0.1")
    if not isinstance(host, str) or not host:
        raise ConfigError(f'{path}: [api] host must be an address such as "127.0.0.1".')
    api = ApiConfig(
        host=host,
        port=_int(a, "port", 8765, 1, 65535, f"{path} [api]"),
        max_amount_minor=_int(a, "max_amount_minor", 1_000_000, 1, 10**12, f"{path} [api]"),
        enabled=bool(a.get("enabled", True)),
    )
    terminal = None
    if "terminal" in raw:
        t = raw["terminal"]
        uri = t.get("uri")
        if not isinstance(uri, str) or "://" not in uri:
            raise ConfigError(
                f"{path}: [terminal] uri must be a device URI such as "
                '"serial:///dev/ttyACM0?baudrate=9600".'
            )
        if t.get("protocol", "concert") != "concert":
            raise ConfigError(
                f"{path}: [terminal] protocol {t.get('protocol')!r} is not supported; "
                'use "concert".'
            )
        terminal = TerminalConfig(
            uri=uri,
            pos_number=_int(t, "pos_number", 1, 1, 99, f"{path} [terminal]"),
            result_timeout_s=_int(t, "result_timeout_s", 120, 10, 600, f"{path} [terminal]"),
        )
    return TillConfig(
        data_dir=data_dir,
        printer=printer,
        drawer=drawer,
        scanner=scanner,
        terminal=terminal,
        scale=scale,
        api=api,
        lock_after_idle_s=lock_after,
        demo=demo,
    )


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def config_text(config: TillConfig) -> str:
    """The config as TOML (the file the Devices screen writes)."""
    sections: list[tuple[str, dict]] = []
    if config.printer is not None:
        p = config.printer
        printer = {"uri": p.uri, "code_page": p.code_page}
        if p.profile:
            printer["profile"] = p.profile
        if p.logo:
            printer["logo"] = p.logo
        sections.append(("printer", printer))
    d = config.drawer
    sections.append(
        (
            "drawer",
            {
                "pin": d.pin,
                "on_ms": d.on_ms,
                "off_ms": d.off_ms,
                "open_on_cash": d.open_on_cash,
                "open_level": "high" if d.open_when_high else "low",
                **(
                    {
                        "uri": d.uri,
                        "open_sequence_hex": d.open_sequence_hex,
                        "pulse_dtr": d.pulse_dtr,
                    }
                    if d.uri
                    else {}
                ),
            },
        )
    )
    if config.terminal is not None:
        t = config.terminal
        sections.append(
            (
                "terminal",
                {
                    "uri": t.uri,
                    "protocol": t.protocol,
                    "pos_number": t.pos_number,
                    "result_timeout_s": t.result_timeout_s,
                },
            )
        )
    sc = config.scanner
    scanner = {"wedge_max_gap_ms": sc.wedge_max_gap_ms, "wedge_min_length": sc.wedge_min_length}
    for key in ("wedge_prefix", "wedge_suffix", "wedge_gs_substitute"):
        if getattr(sc, key):
            scanner[key] = getattr(sc, key)
    if sc.serial_uri:
        scanner.update(serial_uri=sc.serial_uri, serial_suffix=sc.serial_suffix)
    sections.append(("scanner", scanner))
    if config.scale is not None:
        sections.append(("scale", {"uri": config.scale.uri}))
    a = config.api
    sections.append(
        (
            "api",
            {
                "enabled": a.enabled,
                "host": a.host,
                "port": a.port,
                "max_amount_minor": a.max_amount_minor,
            },
        )
    )
    sections.append(("till", {"lock_after_idle_s": config.lock_after_idle_s}))
    out = ["# Countertop POS terminal configuration (written by the Devices screen)"]
    for name, values in sections:
        out.append(f"\n[{name}]")
        out.extend(f"{key} = {_toml_value(value)}" for key, value in values.items())
    return "\n".join(out) + "\n"


def save_config(config: TillConfig) -> None:
    """Write ``config.toml`` atomically (a crash never leaves half a file), then re-read it."""
    path = config_path(config.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(config_text(config), encoding="utf-8")
    tmp.replace(path)
    load_config(config.data_dir)  # fail loudly here, not at the next start
