"""The [scanner] framing keys: prefix, suffix and the GS substitute load and survive a save."""

from __future__ import annotations

from dataclasses import replace

from pos_desktop.config import config_path, load_config, save_config


def test_scanner_framing_keys_load_and_round_trip(tmp_path):
    config_path(tmp_path).write_text(
        '[scanner]\nwedge_prefix = "#"\nwedge_suffix = "$"\nwedge_gs_substitute = "~"\n'
    )
    scanner = load_config(tmp_path).scanner
    assert (scanner.wedge_prefix, scanner.wedge_suffix, scanner.wedge_gs_substitute) == (
        "#",
        "$",
        "~",
    )
    config = load_config(tmp_path)
    save_config(replace(config, scanner=replace(scanner, wedge_suffix="")))
    again = load_config(tmp_path).scanner
    assert (again.wedge_prefix, again.wedge_suffix, again.wedge_gs_substitute) == ("#", "", "~")
