"""The terminal's config file (``config.toml`` in the data dir): devices and till behaviour.

Store-wide business settings (currency, tax mode, receipt texts) live in the database instead,
because they replicate from the cloud.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .paths import config_path, database_path

EXAMPLE = """\
# Countertop POS terminal configuration
[printer]
uri = "tcp://192.168.1.50:9100"   # or serial:///dev/ttyUSB0?baudrate=38400, usb://04b8:0202
# profile = "TM-T20II"            # python-escpos profile: paper width / columns
# code_page = "CP858"             # CP858 or WPC1252 print the euro sign

[drawer]
pin = 2            # 2 or 5: the kick-connector pin the drawer is wired to
on_ms = 50
off_ms = 500
open_on_cash = true

[terminal]          # card terminal (Concert V2 over serial / USB-CDC)
uri = "serial:///dev/ttyACM0?baudrate=9600"
protocol = "concert"
pos_number = 1
result_timeout_s = 120

[scanner]
wedge_max_gap_ms = 35   # keys closer than this (and >= min_length of them) are a scan
wedge_min_length = 6
"""


class ConfigError(ValueError):
    """The config file is wrong; the message names the file, the key and what to write."""


@dataclass(frozen=True, slots=True)
class PrinterConfig:
    uri: str
    profile: str | None = None
    code_page: str = "CP858"


@dataclass(frozen=True, slots=True)
class DrawerConfig:
    pin: int = 2
    on_ms: int = 50
    off_ms: int = 500
    open_on_cash: bool = True


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


@dataclass(frozen=True, slots=True)
class TillConfig:
    data_dir: Path
    printer: PrinterConfig | None = None
    drawer: DrawerConfig = field(default_factory=DrawerConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    terminal: TerminalConfig | None = None
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
        printer = PrinterConfig(
            uri=uri, profile=section.get("profile"), code_page=section.get("code_page", "CP858")
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
    )
    s = raw.get("scanner", {})
    scanner = ScannerConfig(
        wedge_max_gap_ms=_int(s, "wedge_max_gap_ms", 35, 5, 200, f"{path} [scanner]"),
        wedge_min_length=_int(s, "wedge_min_length", 6, 3, 64, f"{path} [scanner]"),
    )
    return TillConfig(data_dir=data_dir, printer=printer, drawer=drawer, scanner=scanner, demo=demo)
