"""The terminal's config file (``config.toml`` in the data dir): devices and till behaviour.

Store-wide business settings (currency, tax mode, receipt texts) live in the database instead,
because they replicate from the cloud.

The file is validated by pydantic models (``_FileModel`` below: types, ranges, device URIs and
their schemes, and no unknown section or key: a typo is an error naming the file and line, not a
silently ignored setting). A UTF-8 BOM (Notepad) is accepted. :func:`save_config` edits the
existing file with tomlkit, so the owner's comments and layout survive the Devices screen.
The public types (:class:`TillConfig` and its sections) are plain frozen dataclasses.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import tomlkit
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hardware.printers.codepages import code_page
from hardware.uri import DeviceUriError, parse_device_uri

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

# [smtp]                # e-mailed receipts (docs/CUSTOMERS.md); queued while unreachable
# host = "mail.example.com"
# port = 587
# sender = "shop@example.com"
# username = "shop@example.com"       # the password comes from the environment variable
# password_env = "POS_SMTP_PASSWORD"  # named here, never from this file
# starttls = true

# [customer_display]    # what the customer sees (docs/CHECKOUT.md)
# window = true         # a second window for the customer, on screen number `screen`
# screen = 1
# pole_uri = "serial:///dev/ttyUSB3?baudrate=9600"   # a 2x20 pole display (Epson commands)
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
class CustomerDisplayConfig:
    window: bool = False  # a second window facing the customer
    screen: int = 1  # the screen it opens on (0 = the till's own screen)
    pole_uri: str | None = None  # a 2x20 pole display


@dataclass(frozen=True, slots=True)
class ApiConfig:
    """The POS API other apps call. Loopback only unless the shop binds it to its LAN."""

    host: str = "127.0.0.1"
    port: int = 8765
    max_amount_minor: int = 1_000_000
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    """Where e-mailed receipts go out; the password is read from ``password_env``."""

    host: str
    sender: str
    port: int = 587
    username: str | None = None
    password_env: str = "POS_SMTP_PASSWORD"  # noqa: S105 (the name of a variable, no secret)
    starttls: bool = True
    timeout_s: int = 10


@dataclass(frozen=True, slots=True)
class TillConfig:
    data_dir: Path
    printer: PrinterConfig | None = None
    drawer: DrawerConfig = field(default_factory=DrawerConfig)
    scanner: ScannerConfig = field(default_factory=ScannerConfig)
    terminal: TerminalConfig | None = None
    scale: ScaleConfig | None = None
    api: ApiConfig = field(default_factory=ApiConfig)
    customer_display: CustomerDisplayConfig = field(default_factory=CustomerDisplayConfig)
    lock_after_idle_s: int = 300  # [till]: the screen locks after this long untouched
    smtp: SmtpConfig | None = None
    demo: bool = False

    @property
    def database_path(self) -> Path:
        return database_path(self.data_dir)


# Which URI schemes each kind of device can use (hardware/uri.py describes them).
PRINTER_SCHEMES = ("tcp", "serial", "usb", "file", "socket", "sim")
SERIAL_SCHEMES = ("serial", "socket", "loop")
URI_EXAMPLES = {
    "printer": "tcp://192.168.1.50:9100",
    "terminal": "serial:///dev/ttyACM0?baudrate=9600",
    "scanner": "serial:///dev/ttyACM1?baudrate=9600",
    "scale": "serial:///dev/ttyUSB1?baudrate=9600&bytesize=7&parity=E",
    "drawer": "serial:///dev/ttyUSB2?baudrate=9600",
    "pole display": "serial:///dev/ttyUSB3?baudrate=9600",
}


def check_device_uri(uri: str, kind: str) -> str:
    """``uri`` if a ``kind`` device can use it; else ValueError saying what to write."""
    schemes = PRINTER_SCHEMES if kind == "printer" else SERIAL_SCHEMES
    example = URI_EXAMPLES[kind]
    if "://" not in uri:
        raise ValueError(f"{uri!r} is not a device URI; write it like {example!r}")
    scheme = uri.split("://", 1)[0].lower()
    if scheme not in schemes:
        raise ValueError(
            f"a {kind} cannot use {scheme}://; use one of "
            f"{', '.join(s + '://' for s in schemes)} (e.g. {example!r})"
        )
    try:
        parse_device_uri(uri)
    except DeviceUriError as err:
        raise ValueError(str(err)) from None
    return uri


class _Section(BaseModel):
    # strict: "5" is not 5 and 1 is not true; forbid: a misspelt key is an error
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Printer(_Section):
    uri: str
    profile: str | None = None
    code_page: str = "CP858"
    logo: str | None = None

    @field_validator("uri")
    @classmethod
    def _uri(cls, value: str) -> str:
        return check_device_uri(value, "printer")

    @field_validator("code_page")
    @classmethod
    def _code_page(cls, value: str) -> str:
        code_page(value)  # the printer's profile is checked when the driver is built
        return value


class _Drawer(_Section):
    pin: Literal[2, 5] = 2
    on_ms: int = Field(50, ge=2, le=510)
    off_ms: int = Field(500, ge=2, le=510)
    open_on_cash: bool = True
    open_level: Literal["high", "low"] = "high"
    uri: str | None = None
    open_sequence_hex: str = "00"
    pulse_dtr: bool = False

    @field_validator("uri")
    @classmethod
    def _uri(cls, value: str | None) -> str | None:
        return None if value is None else check_device_uri(value, "drawer")

    @field_validator("open_sequence_hex")
    @classmethod
    def _hex(cls, value: str) -> str:
        try:
            bytes.fromhex(value)
        except ValueError:
            raise ValueError(f'must be hex bytes such as "1b 70 00", not {value!r}') from None
        return value


class _Terminal(_Section):
    uri: str
    protocol: Literal["concert"] = "concert"
    pos_number: int = Field(1, ge=1, le=99)
    result_timeout_s: int = Field(120, ge=10, le=600)

    @field_validator("uri")
    @classmethod
    def _uri(cls, value: str) -> str:
        return check_device_uri(value, "terminal")


class _Scanner(_Section):
    wedge_max_gap_ms: int = Field(35, ge=5, le=200)
    wedge_min_length: int = Field(6, ge=3, le=64)
    wedge_prefix: str = ""
    wedge_suffix: str = ""
    wedge_gs_substitute: str = ""
    serial_uri: str | None = None
    serial_suffix: Literal["\r", "\n", "\r\n"] = "\r"

    @field_validator("serial_uri")
    @classmethod
    def _uri(cls, value: str | None) -> str | None:
        return None if value is None else check_device_uri(value, "scanner")


class _Scale(_Section):
    uri: str

    @field_validator("uri")
    @classmethod
    def _uri(cls, value: str) -> str:
        return check_device_uri(value, "scale")


class _Api(_Section):
    host: str = Field("127.0.0.1", min_length=1)
    port: int = Field(8765, ge=1, le=65535)
    max_amount_minor: int = Field(1_000_000, ge=1, le=10**12)
    enabled: bool = True


class _CustomerDisplay(_Section):
    window: bool = False
    screen: int = Field(1, ge=0, le=8)
    pole_uri: str | None = None

    @field_validator("pole_uri")
    @classmethod
    def _uri(cls, value: str | None) -> str | None:
        return None if value is None else check_device_uri(value, "pole display")


class _Smtp(_Section):
    host: str = Field(min_length=1, max_length=253)
    sender: str = Field(min_length=3, max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")
    port: int = Field(587, ge=1, le=65535)
    username: str | None = None
    password_env: str = Field("POS_SMTP_PASSWORD", min_length=1, max_length=100)
    starttls: bool = True
    timeout_s: int = Field(10, ge=1, le=120)


class _Till(_Section):
    lock_after_idle_s: int = Field(300, ge=30, le=86_400)


class _FileModel(_Section):
    printer: _Printer | None = None
    drawer: _Drawer = _Drawer()
    terminal: _Terminal | None = None
    scanner: _Scanner = _Scanner()
    scale: _Scale | None = None
    api: _Api = _Api()
    customer_display: _CustomerDisplay = _CustomerDisplay()
    till: _Till = _Till()
    smtp: _Smtp | None = None


# What a key must hold, for messages (pydantic's own words are for programmers).
_HINTS = {
    "pin": "2 or 5 (the kick-connector pin the drawer is wired to)",
    "open_level": '"high" or "low"',
    "protocol": '"concert" (the only card-terminal protocol supported)',
    "serial_suffix": '"\\r", "\\n" or "\\r\\n"',
    "host": 'an address such as "127.0.0.1"',
}
_KINDS = {
    "string_type": "text in double quotes",
    "int_type": "a whole number",
    "bool_type": "true or false",
}


def _line_of(text: str, section: str | None, key: str | None) -> int | None:
    """The line of ``[section]`` (or of ``key`` in it); TOML readers give no positions."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"\s*\[\s*([^\]\s]+)\s*\]", line)
        if header:
            current = header.group(1).strip('"')
            if key is None and current == section:
                return number
            continue
        if key is not None and current == section:
            if re.match(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=", line):
                return number
    return None


def _section_model(section: str) -> type[_Section]:
    annotation = _FileModel.model_fields[section].annotation
    return next(a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type))


def _bounds(section: str, key: str) -> tuple[Any, Any]:
    metadata = _section_model(section).model_fields[key].metadata
    lo = next((m.ge for m in metadata if hasattr(m, "ge")), None)
    hi = next((m.le for m in metadata if hasattr(m, "le")), None)
    return lo, hi


def _describe(error: dict[str, Any], text: str, path: Path) -> str:
    loc = [str(part) for part in error["loc"]]
    section, key = loc[0], loc[1] if len(loc) > 1 else None
    where = f"{path}"
    line = _line_of(text, section, key) or _line_of(text, section, None)
    if line:
        where += f" line {line}"
    if error["type"] == "extra_forbidden":
        if key is None:
            known = ", ".join(f"[{name}]" for name in _FileModel.model_fields)
            return f"{where}: unknown section [{section}]; the sections are {known}."
        known = ", ".join(_section_model(section).model_fields)
        return f"{where}: unknown key {key!r} in [{section}]; the keys there are {known}."
    name = f"[{section}] {key}" if key else f"[{section}]"
    if error["type"] == "missing":
        example = URI_EXAMPLES.get(section, "")
        return f'{where}: {name} is missing; write it like {key} = "{example}".'
    if error["type"] == "value_error":
        return f"{where}: {name}: {error['ctx']['error']}."
    if error["type"] == "model_type":
        return f"{where}: {name} must be a table such as [{section}] on a line of its own."
    if error["type"] in ("greater_than_equal", "less_than_equal"):
        lo, hi = _bounds(section, key or "")
        return f"{where}: {name} must be a whole number from {lo} to {hi}, not {error['input']!r}."
    wanted = _HINTS.get(key or "") or _KINDS.get(error["type"]) or error["msg"]
    return f"{where}: {name} must be {wanted}, not {error['input']!r}."


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a BOM (Notepad) is fine
    except UnicodeDecodeError as err:
        raise ConfigError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8.") from None
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML ({err}); see the example in README.") from None


def load_config(data_dir: Path, *, demo: bool = False) -> TillConfig:
    """Read ``config.toml`` from ``data_dir`` (a missing file means defaults, no printer).

    Raises:
        ConfigError: naming the file, the line and what to write, when the file is not TOML,
            has an unknown section or key, or a value of the wrong type or out of range.
    """
    path = config_path(data_dir)
    if not path.exists():
        return TillConfig(data_dir=data_dir, demo=demo)
    text, raw = _read(path)
    try:
        model = _FileModel.model_validate(raw)
    except ValidationError as err:
        problems = [_describe(e, text, path) for e in err.errors(include_url=False)]
        raise ConfigError("\n".join(problems)) from None
    return _from_model(model, data_dir, demo)


def _from_model(m: _FileModel, data_dir: Path, demo: bool) -> TillConfig:
    d = m.drawer
    printer = None
    if m.printer is not None:
        printer = PrinterConfig(**m.printer.model_dump())
    return TillConfig(
        data_dir=data_dir,
        printer=printer,
        drawer=DrawerConfig(
            pin=d.pin,
            on_ms=d.on_ms,
            off_ms=d.off_ms,
            open_on_cash=d.open_on_cash,
            open_when_high=d.open_level == "high",
            **(
                {"uri": d.uri, "open_sequence_hex": d.open_sequence_hex, "pulse_dtr": d.pulse_dtr}
                if d.uri
                else {}
            ),
        ),
        scanner=ScannerConfig(**m.scanner.model_dump()),
        terminal=TerminalConfig(**m.terminal.model_dump()) if m.terminal else None,
        scale=ScaleConfig(m.scale.uri) if m.scale else None,
        api=ApiConfig(**m.api.model_dump()),
        customer_display=CustomerDisplayConfig(**m.customer_display.model_dump()),
        lock_after_idle_s=m.till.lock_after_idle_s,
        smtp=SmtpConfig(**m.smtp.model_dump()) if m.smtp else None,
        demo=demo,
    )


def _sections(config: TillConfig) -> dict[str, dict[str, Any] | None]:
    """What the file should say, per section (None: the section is absent)."""
    p, d, t, sc, a = config.printer, config.drawer, config.terminal, config.scanner, config.api
    drawer: dict[str, Any] = {
        "pin": d.pin,
        "on_ms": d.on_ms,
        "off_ms": d.off_ms,
        "open_on_cash": d.open_on_cash,
        "open_level": "high" if d.open_when_high else "low",
        "uri": d.uri,
        "open_sequence_hex": d.open_sequence_hex if d.uri else None,
        "pulse_dtr": d.pulse_dtr if d.uri else None,
    }
    return {
        "printer": None
        if p is None
        else {"uri": p.uri, "profile": p.profile, "code_page": p.code_page, "logo": p.logo},
        "drawer": drawer,
        "terminal": None
        if t is None
        else {
            "uri": t.uri,
            "protocol": t.protocol,
            "pos_number": t.pos_number,
            "result_timeout_s": t.result_timeout_s,
        },
        "scanner": {
            "wedge_max_gap_ms": sc.wedge_max_gap_ms,
            "wedge_min_length": sc.wedge_min_length,
            "wedge_prefix": sc.wedge_prefix or None,  # None: the key is left out
            "wedge_suffix": sc.wedge_suffix or None,
            "wedge_gs_substitute": sc.wedge_gs_substitute or None,
            "serial_uri": sc.serial_uri,
            "serial_suffix": sc.serial_suffix if sc.serial_uri else None,
        },
        "scale": None if config.scale is None else {"uri": config.scale.uri},
        "api": {
            "enabled": a.enabled,
            "host": a.host,
            "port": a.port,
            "max_amount_minor": a.max_amount_minor,
        },
        "customer_display": {
            "window": config.customer_display.window,
            "screen": config.customer_display.screen,
            "pole_uri": config.customer_display.pole_uri,
        },
        "till": {"lock_after_idle_s": config.lock_after_idle_s},
        "smtp": None
        if config.smtp is None
        else {
            "host": config.smtp.host,
            "sender": config.smtp.sender,
            "port": config.smtp.port,
            "username": config.smtp.username,
            "password_env": config.smtp.password_env,
            "starttls": config.smtp.starttls,
            "timeout_s": config.smtp.timeout_s,
        },
    }


def _defaults() -> dict[str, dict[str, Any] | None]:
    return _sections(
        TillConfig(
            data_dir=Path(),
            printer=PrinterConfig(uri=""),
            terminal=TerminalConfig(uri=""),
            scale=ScaleConfig(uri=""),
            smtp=SmtpConfig(host="", sender=""),
        )
    )


def config_document(config: TillConfig, existing: str = "") -> tomlkit.TOMLDocument:
    """``existing`` (the file as it is) with ``config``'s values; comments and layout kept.

    A key is written when its value differs from what the file says now, or from the default
    when the file does not say it; keys whose setting is gone are removed.
    """
    doc = tomlkit.parse(existing) if existing.strip() else tomlkit.document()
    if not existing.strip():
        doc.add(tomlkit.comment("Countertop POS terminal configuration (see README)"))
    defaults = _defaults()
    for name, values in _sections(config).items():
        if values is None:
            if name in doc:
                del doc[name]
            continue
        table = doc.get(name)
        for key, value in values.items():
            if value is None:
                if table is not None and key in table:
                    del table[key]
                continue
            default = (defaults.get(name) or {}).get(key)
            if table is not None and key in table:
                if table[key] != value:
                    table[key] = value
            elif value != default:
                if table is None:
                    table = tomlkit.table()
                    doc[name] = table
                    table = doc[name]
                table[key] = value
    return doc


def config_text(config: TillConfig, existing: str = "") -> str:
    """The config as TOML (the file the Devices screen writes), keeping ``existing``'s comments."""
    return tomlkit.dumps(config_document(config, existing))


def save_config(config: TillConfig) -> None:
    """Write ``config.toml`` atomically (a crash never leaves half a file), then re-read it.

    The file is edited, not regenerated: the owner's comments and key order stay.
    """
    path = config_path(config.data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    existing = _read(path)[0] if path.exists() else ""
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(config_text(config, existing), encoding="utf-8")
    tmp.replace(path)
    load_config(config.data_dir)  # fail loudly here, not at the next start
