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
        ('[printer]\nuri = "192.168.1.50"', "[printer] uri must be a device URI"),
        ("[drawer]\npin = 3", "pin must be 2 or 5"),
        ("[drawer]\non_ms = 5000", "on_ms] must be a whole number from 2 to 510"),
        ('[terminal]\nuri = "serial:///dev/x"\nprotocol = "zvt"', "not supported"),
        ('[scale]\nuri = "COM3"', "[scale] uri must be a URI"),
    ],
)
def test_bad_config_says_what_is_wrong(tmp_path, text, message):
    config_path(tmp_path).write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path)
    assert message in str(err.value) and str(config_path(tmp_path)) in str(err.value)
