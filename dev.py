#!/usr/bin/env python3
"""Set-up and run commands for a fresh clone (only Python 3.11+ needed).

    python3 dev.py demo    # the till in demo mode (own data dir, demo catalogue, simulated printer)
    python3 dev.py test    # the whole suite: ruff, import-linter layer contracts, mypy, pytest

Both create or refresh the virtual environment in .venv first (again only when pyproject.toml
changed). Extra arguments go to pos-desktop / pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".dev-stamp"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 (runs under any python3 to say so)
        sys.exit("dev.py: Python 3.11 or newer is needed; this is " + sys.version.split()[0])
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if PY.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PY.exists():
        print("dev.py: creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("dev.py: installing the project and its dependencies into .venv ...", flush=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[dev]"], check=True)
    STAMP.write_text(wanted)


def run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    return subprocess.run(cmd, cwd=ROOT, env=env).returncode


def demo(extra: list[str]) -> int:
    return run([str(BIN / "pos-desktop"), "--demo", *extra])


def test(extra: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    for step in (
        [str(PY), "-m", "ruff", "check", "."],
        [str(PY), "-m", "ruff", "format", "--check", "."],
        [str(BIN / "lint-imports")],
        # type checks: strict where the rules live, plain (but passing) on the services and
        # on the composition root that wires them
        [str(PY), "-m", "mypy", "--strict", "pos_desktop/domain", "pos_common", "pos_documents"],
        [str(PY), "-m", "mypy", "pos_desktop/services", "pos_desktop/container.py"],
    ):
        print("dev.py:", Path(step[0]).name, *step[1:], flush=True)
        code = run(step, env)
        if code:
            return code
    return run([str(PY), "-m", "pytest", *extra], env)


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test"}:
        print(__doc__)
        return 2
    ensure_venv()
    command, extra = sys.argv[1], sys.argv[2:]
    return demo(extra) if command == "demo" else test(extra)


if __name__ == "__main__":
    sys.exit(main())
