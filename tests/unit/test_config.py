import pytest

from pos_desktop.config import (
    ConfigError,
    PrinterConfig,
    ScaleConfig,
    ScannerConfig,
    TerminalConfig,
    TillConfig,
    load_config,
    save_config,
)
from pos_desktop.paths import config_path


def test_missing_file_means_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.printer is None and config.terminal is None and config.drawer.pin == 2


def test_round_trip_every_section(tmp_path):
    config = TillConfig(
        data_dir=tmp_path,
        printer=PrinterConfig(uri="tcp://192.168.1.50:9100", profile="TM-T20II"),
        terminal=TerminalConfig(uri="serial:///dev/ttyACM0?baudrate=9600", pos_number=3),
        scanner=ScannerConfig(serial_uri="serial:///dev/ttyACM1", serial_suffix="\r\n"),
        scale=ScaleConfig(uri="serial:///dev/ttyUSB1?bytesize=7&parity=E"),
    )
    save_config(config)
    assert load_config(tmp_path) == config


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[printer\nuri=", "not valid TOML"),
        ('[printer]\nuri = "192.168.1.50"', "line 2: [printer] uri: '192.168.1.50' is not a"),
        ("[drawer]\npin = 3", "line 2: [drawer] pin must be 2 or 5"),
        ("[drawer]\non_ms = 5000", "[drawer] on_ms must be a whole number from 2 to 510, not 5000"),
        ('[terminal]\nuri = "serial:///dev/x"\nprotocol = "zvt"', "line 3: [terminal] protocol"),
        ('[scale]\nuri = "COM3"', "[scale] uri: 'COM3' is not a device URI; write it like"),
        ('[drawer]\nopen_on_cash = "yes"', "open_on_cash must be true or false, not 'yes'"),
        ("[till]\nlock_after_idle_s = 1.5", "lock_after_idle_s must be a whole number"),
        ('[printer]\nuri = "tcp://x:9100"\ncode_page = "CP999"', "Code page 'CP999' is not"),
        ('[terminal]\nprotocol = "concert"', '[terminal] uri is missing; write it like uri = "'),
    ],
)
def test_bad_config_says_what_is_wrong(tmp_path, text, message):
    config_path(tmp_path).write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert message in str(err.value) and str(config_path(tmp_path)) in str(err.value)


def write(tmp_path, text: str | bytes):
    path = config_path(tmp_path)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def error_of(tmp_path) -> str:
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    return str(err.value)


def test_an_unknown_key_is_an_error_naming_file_line_and_the_right_keys(tmp_path):
    path = write(tmp_path, "# my till\n[drawer]\npin = 2\nopen_on_csh = true\n")
    assert error_of(tmp_path) == (
        f"{path} line 4: unknown key 'open_on_csh' in [drawer]; the keys there are pin, on_ms,"
        " off_ms, open_on_cash, open_level, uri, open_sequence_hex, pulse_dtr."
    )


def test_an_unknown_section_is_an_error(tmp_path):
    path = write(tmp_path, '[till]\nlock_after_idle_s = 60\n\n[printr]\nuri = "tcp://x:9100"\n')
    assert error_of(tmp_path).startswith(f"{path} line 4: unknown section [printr]; the sections")


def test_an_unknown_uri_scheme_is_a_clear_message(tmp_path):
    path = write(tmp_path, '[printer]\nuri = "ftp://192.168.1.50"\n')
    assert error_of(tmp_path) == (
        f"{path} line 2: [printer] uri: a printer cannot use ftp://; use one of tcp://, serial://,"
        " usb://, file://, socket://, sim:// (e.g. 'tcp://192.168.1.50:9100')."
    )
    write(tmp_path, '[scale]\nuri = "tcp://192.168.1.9:4001"\n')
    assert "a scale cannot use tcp://; use one of serial://, socket://, loop://" in error_of(
        tmp_path
    )


def test_a_utf8_bom_is_accepted(tmp_path):
    write(tmp_path, b'\xef\xbb\xbf[printer]\nuri = "tcp://192.168.1.50:9100"\n')
    assert load_config(tmp_path).printer.uri == "tcp://192.168.1.50:9100"


def test_every_problem_is_listed_at_once(tmp_path):
    write(tmp_path, "[drawer]\npin = 3\non_ms = 1\n")
    lines = error_of(tmp_path).splitlines()
    assert [line.split(": ", 1)[1][:14] for line in lines] == ["[drawer] pin m", "[drawer] on_ms"]


def test_saving_keeps_the_owners_comments_and_only_changes_what_changed(tmp_path):
    from dataclasses import replace

    original = (
        "# Till 2, by the door. Call Sam before changing the printer.\n"
        "[printer]\n"
        'uri = "tcp://192.168.1.50:9100"   # the kitchen printer\n'
        'profile = "TM-T20II"\n'
        "\n"
        "[drawer]\n"
        "pin = 2 # wired by the installer\n"
    )
    path = write(tmp_path, original)
    config = load_config(tmp_path)
    save_config(replace(config, drawer=replace(config.drawer, pin=5), lock_after_idle_s=600))
    assert path.read_text() == (
        original.replace("pin = 2 # wired", "pin = 5 # wired")
        + "\n[till]\nlock_after_idle_s = 600\n"
    )
    assert load_config(tmp_path).drawer.pin == 5


def test_removing_a_device_removes_its_section_only(tmp_path):
    from dataclasses import replace

    path = write(
        tmp_path,
        '# keep me\n[printer]\nuri = "tcp://x:9100"\n\n[scale]\nuri = "serial:///dev/ttyUSB1"\n',
    )
    save_config(replace(load_config(tmp_path), scale=None))
    assert path.read_text() == '# keep me\n[printer]\nuri = "tcp://x:9100"\n\n'


def test_the_documented_examples_are_valid(tmp_path):
    import re
    from pathlib import Path

    from pos_desktop.config import EXAMPLE

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Configuration.*?```toml\n(.*?)```", readme, re.S).group(1)
    for text in (EXAMPLE, block):
        write(tmp_path, text)
        assert load_config(tmp_path).printer is not None
