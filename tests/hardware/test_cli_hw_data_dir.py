"""pos-hw reads the printer (and the other devices) from a till's config.toml (--data-dir)."""

from __future__ import annotations

from hardware.cli import main
from hardware.escpos_parse import DrawerPulse, parse_escpos


def write_config(data_dir, text: str) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.toml").write_text(text, encoding="utf-8")


def test_status_and_kick_use_the_configured_printer_and_drawer(sim, tmp_path, capsys):
    write_config(tmp_path, f'[printer]\nuri = "{sim.uri}"\n\n[drawer]\npin = 5\non_ms = 100\n')
    assert main(["status", "--data-dir", str(tmp_path)]) == 0  # after the command
    assert "state: ready" in capsys.readouterr().out
    assert main(["--data-dir", str(tmp_path), "kick-drawer"]) == 0  # before it
    # The status poll's connection is a job of its own: wait for the one with the pulse.
    assert sim.wait_until(lambda: any(b"\x1bp" in job for job in sim.jobs), 5)
    pulses = parse_escpos(b"".join(sim.jobs)).of_type(DrawerPulse)
    assert pulses == [DrawerPulse(5, 100, 500)]


def test_the_command_line_wins_over_the_config(sim, tmp_path):
    write_config(tmp_path, '[printer]\nuri = "tcp://127.0.0.1:9"\n')
    assert main(["print-test", "--data-dir", str(tmp_path), "--printer", sim.uri]) == 0


def test_no_printer_anywhere_says_what_to_give(tmp_path, capsys):
    write_config(tmp_path, "[till]\nlock_after_idle_s = 300\n")
    assert main(["status", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "Give --printer URI" in err and "has no printer" in err
    assert main(["weigh", "--data-dir", str(tmp_path / "nowhere")]) == 1
    assert "does not exist" in capsys.readouterr().err
