"""Layer rules import-linter cannot express as allow-lists.

- ``pos_desktop.domain`` is pure Python: it may import only the standard-library modules listed
  in ``PURE_STDLIB`` (no files, sockets, databases, processes, clocks of the machine), itself, and
  the ``pos_common`` modules that are themselves that pure (``gs1``, ``currencies``).
- ``pos_common`` imports only the standard library.
- Services, sync and storage reach devices only through the ports in ``SERVICE_PORTS``.
- Services leave SQL to the repositories in ``pos_desktop.storage`` (each table has one owner):
  no ``execute_sql``/cursor calls, no SQL text, and from peewee only the database handle (for
  ``db.atomic`` transactions) and its ``IntegrityError``.
- Every top-level module of ``pos_desktop`` is placed in the layers contract of pyproject.toml.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "pos_desktop"

# Computation only: no I/O, no OS, no network, no threads, no third-party code.
PURE_STDLIB = frozenset(
    {
        "__future__",
        "abc",
        "bisect",
        "calendar",
        "collections",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "enum",
        "fractions",
        "functools",
        "hashlib",
        "itertools",
        "math",
        "operator",
        "re",
        "string",
        "typing",
        "unicodedata",
        "uuid",
    }
)

SERVICE_PORTS = frozenset({"hardware.base", "hardware.receipt", "hardware.terminals.base"})


def imported_modules(path: Path, package: str) -> Iterator[tuple[int, str]]:
    """Yield (line, absolute module name) for every import in ``path`` (also inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield node.lineno, module


def module_files(subpackage: str) -> Iterator[tuple[Path, str]]:
    for path in sorted((PACKAGE / subpackage).resolve().rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        package = ".".join(rel.parts[:-1])
        yield path, package


def _pure_common_modules() -> set[str]:
    """pos_common modules that import only PURE_STDLIB (and each other): the domain may use them."""
    imports = {
        package + "." + path.stem if path.stem != "__init__" else package: {
            m for _, m in imported_modules(path, package)
        }
        for path, package in module_files("../pos_common")
    }
    pure: set[str] = set()
    changed = True
    while changed:
        changed = False
        for module, used in imports.items():
            if module not in pure and all(m in PURE_STDLIB or m in pure for m in used):
                pure.add(module)
                changed = True
    return pure


def test_domain_imports_only_pure_standard_library() -> None:
    allowed = PURE_STDLIB | _pure_common_modules() | {"pos_common"}
    offenders = []
    for path, package in module_files("domain"):
        for line, module in imported_modules(path, package):
            if module in allowed or module.split(".")[:2] == ["pos_desktop", "domain"]:
                continue
            offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offenders, "domain must stay pure Python:\n" + "\n".join(offenders)


def test_pos_common_imports_only_the_standard_library() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path, package in module_files("../pos_common")
        for line, module in imported_modules(path, package)
        if module.split(".")[0] not in sys.stdlib_module_names | {"pos_common"}
    ]
    assert not offenders, "pos_common is shared by all and depends on none:\n" + "\n".join(
        offenders
    )


def test_the_allow_list_catches_an_impure_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import sqlite3\nfrom ..config import TillConfig\nfrom . import money\n")
    found = [m for _, m in imported_modules(probe, "pos_desktop.domain")]
    assert found == ["sqlite3", "pos_desktop.config", "pos_desktop.domain"]
    assert not set(found[:2]) & PURE_STDLIB


def test_services_reach_devices_only_through_ports() -> None:
    offenders = []
    for sub in ("services", "sync", "storage", "domain"):
        for path, package in module_files(sub):
            for line, module in imported_modules(path, package):
                top = module.split(".")[0]
                if top in {"hardware", "escpos", "serial", "usb"} and module not in SERVICE_PORTS:
                    offenders.append(f"{path.relative_to(ROOT)}:{line} imports {module}")
    assert not offenders, (
        "use a port from " + ", ".join(sorted(SERVICE_PORTS)) + ":\n" + "\n".join(offenders)
    )


def test_every_pos_desktop_module_is_in_a_layer() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    present = {
        f"pos_desktop.{p.stem if p.is_file() else p.name}"
        for p in PACKAGE.iterdir()
        if (p.suffix == ".py" and p.name != "__init__.py") or (p / "__init__.py").exists()
    }
    assert present - placed == set(), "add these to the layers contract in pyproject.toml"


# What a service may take from peewee: the handle its transactions run on, and the error a
# unique key raises. Models, query builders and ``SQL`` stay in storage.
SERVICE_PEEWEE = frozenset({"SqliteDatabase", "IntegrityError"})
DB_CALLS = frozenset({"execute_sql", "execute", "executemany", "executescript", "cursor"})
SQL_TEXT = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|ALTER|DROP|PRAGMA|WITH)\s")


def sql_in_module(path: Path, package: str) -> Iterator[str]:
    """Where ``path`` runs SQL itself or builds queries: one line per finding."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in DB_CALLS or node.func.attr == "connection":
                yield f"{node.lineno}: calls .{node.func.attr}()"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL_TEXT.match(node.value):
                yield f"{node.lineno}: SQL text {node.value[:40]!r}"
        elif isinstance(node, ast.ImportFrom) and node.module == "peewee":
            for alias in node.names:
                if alias.name not in SERVICE_PEEWEE:
                    yield f"{node.lineno}: imports peewee.{alias.name}"
    for line, module in imported_modules(path, package):
        if module.split(".")[0] == "playhouse" or module == "pos_desktop.storage.models":
            yield f"{line}: imports {module}"


def test_services_leave_sql_to_the_repositories() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{finding}"
        for path, package in module_files("services")
        for finding in sql_in_module(path, package)
    ]
    assert not offenders, (
        "move these into the repository in pos_desktop/storage that owns the table:\n"
        + "\n".join(offenders)
    )


def test_the_sql_check_catches_a_query_in_a_service(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from peewee import SqliteDatabase, fn\n"
        "def f(db: SqliteDatabase):\n"
        "    db.connection().executemany('DELETE FROM print_job WHERE id = ?', [])\n"
        "    return db.execute_sql('select 1')\n"
    )
    found = list(sql_in_module(probe, "pos_desktop.services"))
    assert len(found) == 5, found  # peewee.fn, .connection(), .executemany(), DELETE, .execute_sql
