"""Every text a person sees is translatable, and German and French say all of it.

1. An AST walk over ``pos_desktop/ui``: a string literal (or f-string) handed to a Qt call that
   shows text (setText, QLabel, QPushButton, setWindowTitle, QMessageBox, addTab, addRow, ...)
   must be wrapped in ``_()`` / ``ngettext``.
2. Every message raised in ``pos_desktop/domain`` and ``pos_desktop/services`` is marked
   (``N_()`` for a ``DomainError``, translated when shown; ``_()`` for other errors a person
   reads), so no error reaches the screen in English on a German till.
3. The catalogues: every msgid the source marks (extracted as ``pybabel extract`` does) has a
   German and a French msgstr, none fuzzy, with the same ``{placeholders}``; and no catalogue
   keeps a msgid the source no longer has.
"""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po

from pos_desktop.services.i18n import catalogue, set_language, translations

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "pos_desktop" / "ui"
SHIPPED = ("de", "fr")
EXTRACTED = (
    "pos_desktop/ui",
    "pos_desktop/services",
    "pos_desktop/domain",
    "pos_common/report_layout.py",
    "pos_common/receipt_layout.py",  # the digital receipt, its PDF and invoice (cloud and till)
    "pos_cloud/receipt_mail.py",  # the e-mailed receipt's subject and link
)
RAISED_IN = ("pos_desktop/domain", "pos_desktop/services")
# Errors nobody at the till reads: a programming mistake, a broken config file, or an answer
# to another program. file -> exception names raised there with a plain English text.
NOT_FOR_PEOPLE: dict[str, set[str]] = {
    "*": {"TypeError", "AssertionError", "NotImplementedError"},
    "pos_desktop/domain/allocation.py": {"ValueError"},  # weights are the code's, not typed
    "pos_desktop/domain/payment.py": {"ValueError"},  # settings checked when the till starts
    "pos_desktop/domain/tender.py": {"ValueError"},
    "pos_desktop/domain/refund.py": {"ValueError"},  # a tender kind the code chose
    "pos_desktop/domain/sale.py": {"ValueError"},
    "pos_desktop/domain/variable_measure.py": {"ValueError"},  # region and label layouts
    "pos_desktop/domain/countries.py": {"KeyError"},  # pos-admin --country (English CLI)
    "pos_desktop/services/pos_api.py": {"LookupError"},  # the local API's JSON answers
    "pos_desktop/services/pos_api_rules.py": {"_fail"},
    "pos_desktop/services/demo_data.py": {"ValueError"},  # pos-admin demo (English CLI)
    "pos_desktop/services/demo_sales.py": {"DemoSalesError"},
}

# Calls whose text arguments a person reads: name -> the positions that are text (None: all).
TEXT_CALLS: dict[str, tuple[int, ...] | None] = {
    "setText": (0,),
    "setWindowTitle": (0,),
    "setToolTip": (0,),
    "setPlaceholderText": (0,),
    "setTitle": (0,),
    "setSubTitle": (0,),
    "setButtonText": (1,),
    "setHorizontalHeaderLabels": None,
    "setVerticalHeaderLabels": None,
    "addTab": (1,),
    "addRow": (0,),
    "addMenu": (0,),
    "addButton": (0,),
    "QLabel": (0,),
    "QPushButton": (0,),
    "QCheckBox": (0,),
    "QRadioButton": (0,),
    "QGroupBox": (0,),
    "QAction": (0,),
    "information": (1, 2),
    "warning": (1, 2),
    "critical": (1, 2),
    "question": (1, 2),
    "getText": (1, 2),
    "getItem": (1, 2),
    "show_message": (0,),
    "show_error": (1,),
    "say": (0,),
    "_chip": (0,),  # the status bar's chips (main_window)
    "_set_chip": (1,),
    "set_cashier_text": (0,),
    "set_shift_text": (0,),
}
# Not words: shortcuts, symbols, object names.
NOT_WORDS = re.compile(r"^[^A-Za-z]*(F[^A-Za-z]*)?$|^(Ctrl|Shift|Alt|F\d+)[+A-Za-z0-9]*$")
# Screens not yet translated; each one here is a gap, and leaves the list once it is wrapped.
NOT_YET_WRAPPED: set[str] = set()


def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_wrapped(node: ast.AST) -> bool:
    """``_("...")``, ``_("...").format(...)``, ``ngettext(...)``."""
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in ("_", "ngettext"):
            return True
        if name == "format" and isinstance(node.func, ast.Attribute):
            return _is_wrapped(node.func.value)
    return False


def _bare_texts(node: ast.AST) -> list[ast.AST]:
    """String literals a person would read, unwrapped, in ``node`` (lists and joins too)."""
    if _is_wrapped(node):
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [] if NOT_WORDS.match(node.value.replace("&", "")) else [node]
    if isinstance(node, ast.JoinedStr):
        fixed = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return [] if NOT_WORDS.match(fixed) else [node]
    if isinstance(node, ast.List | ast.Tuple):
        return [bad for item in node.elts for bad in _bare_texts(item)]
    if isinstance(node, ast.BinOp):
        return _bare_texts(node.left) + _bare_texts(node.right)
    if isinstance(node, ast.IfExp):
        return _bare_texts(node.body) + _bare_texts(node.orelse)
    return []


def unwrapped(path: Path) -> list[str]:
    """``file:line: text`` for each bare text handed to a call in ``TEXT_CALLS``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call) or _call_name(node) not in TEXT_CALLS:
            continue
        positions = TEXT_CALLS[_call_name(node)]
        args = [a for i, a in enumerate(node.args) if positions is None or i in positions]
        for arg in args:
            for bad in _bare_texts(arg):
                found.append(f"{path.relative_to(ROOT)}:{bad.lineno}: {ast.unparse(bad)[:60]}")
    return found


def ui_files() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_the_walk_finds_bare_texts(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "b = QPushButton('Pay')\nlabel.setText(f'Total {x}')\nbox.addRow('Name', field)\n"
        "ok = QPushButton(_('Pay'))\nlabel.setText(_('Total {x}').format(x=x))\n"
        "key = QPushButton('F5')\nlabel.setText(str(total))\n"
    )
    found = [line.split(":", 2)[2].strip() for line in _relative(unwrapped, sample)]
    assert found == ["'Pay'", "f'Total {x}'", "'Name'"]


def _relative(check, path: Path) -> list[str]:
    global ROOT
    saved, ROOT = ROOT, path.parent
    try:
        return check(path)
    finally:
        ROOT = saved


def test_every_ui_text_is_wrapped_for_translation():
    bad = [
        line
        for path in ui_files()
        if str(path.relative_to(ROOT)) not in NOT_YET_WRAPPED
        for line in unwrapped(path)
    ]
    assert not bad, "wrap these in _() (pos_desktop.services.i18n):\n" + "\n".join(bad)


def test_the_not_yet_wrapped_list_only_names_files_with_bare_texts():
    done = [name for name in sorted(NOT_YET_WRAPPED) if not unwrapped(ROOT / name)]
    assert not done, f"these are wrapped now; take them off NOT_YET_WRAPPED: {done}"


def _exception_name(call: ast.Call) -> str:
    return _call_name(call)


def _is_marked(node: ast.AST) -> bool:
    """``N_("...")`` / ``_("...")`` (formatted or not) or a name (a constant marked where it
    is defined)."""
    if isinstance(node, ast.Call) and _call_name(node) == "N_":
        return True
    return _is_wrapped(node) or not _bare_texts(node)


def unmarked_raises(path: Path, where: str) -> list[str]:
    """``file:line: Error(text)`` for each error raised with a text nobody marked."""
    allowed = NOT_FOR_PEOPLE["*"] | NOT_FOR_PEOPLE.get(where, set())
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        name = _exception_name(node.exc)
        if name in allowed or not node.exc.args or _is_marked(node.exc.args[0]):
            continue
        found.append(f"{where}:{node.lineno}: {name}({ast.unparse(node.exc.args[0])[:60]})")
    return found


def test_the_raise_check_finds_unmarked_messages(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "raise DomainError('No such item.')\nraise PaymentError(f'Pay {x}')\n"
        "raise DomainError(N_('Item {code}?'), code=c)\n"
        "raise ValueError(_('Bad {x}').format(x=x))\nraise TypeError('not an int')\n"
        "raise DomainError(NO_SHIFT)\nraise ValueError('x' + y)\n"
    )
    found = [line.split(": ", 1)[1] for line in unmarked_raises(sample, "sample.py")]
    assert found == [
        "DomainError('No such item.')",
        "PaymentError(f'Pay {x}')",
        "ValueError('x' + y)",
    ]


def test_every_raised_message_is_marked_for_translation():
    bad = [
        line
        for folder in RAISED_IN
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line in unmarked_raises(path, str(path.relative_to(ROOT)))
    ]
    assert not bad, (
        'mark these messages: DomainError(N_("... {name}"), name=value); other errors a '
        'person reads: _("...").format(...); see docs/TRANSLATING.md:\n' + "\n".join(bad)
    )


def source_messages() -> dict[str, tuple[str, int]]:
    """msgid -> (file, line) for every text the source marks, as ``pybabel extract`` sees it."""
    found: dict[str, tuple[str, int]] = {}
    for entry in EXTRACTED:
        path = ROOT / entry
        if path.is_file():  # one module of a shared package (the report's words)
            marked = [(path.name, *found_in) for found_in in extract_from_file("python", path)]
            folder = str(Path(entry).parent)
        else:
            marked = list(extract_from_dir(path, method_map=[("**.py", "python")]))
            folder = entry
        for filename, lineno, message, _comments, _context in marked:
            msgid = message[0] if isinstance(message, tuple) else message  # plurals: singular
            if msgid:
                found.setdefault(msgid, (f"{folder}/{filename}", lineno))
    return found


def _placeholders(text: str) -> set[str]:
    fields = {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    return fields | set(re.findall(r"%\(?\w*\)?[sdif]", text))


@pytest.mark.parametrize("language", SHIPPED)
def test_every_message_has_a_translation_with_its_placeholders(language):
    with catalogue(language).open("rb") as po:
        catalog = read_po(po, locale=language)
    messages = source_messages()
    problems = []
    for msgid, (where, line) in messages.items():
        entry = catalog.get(msgid)
        if entry is None:
            problems.append(f"{where}:{line}: missing {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        if entry.fuzzy or not all(strings):
            problems.append(f"{where}:{line}: untranslated or fuzzy {msgid!r}")
            continue
        if any(_placeholders(s) != _placeholders(ids[0]) for s in strings):
            problems.append(f"{where}:{line}: placeholders differ in {msgid!r}")
    stale = [m.id for m in catalog if m.id and (m.id if isinstance(m.id, str) else m.id[0])
             not in messages]  # fmt: skip
    assert not problems, f"{language}: " + "\n".join(problems)
    assert not stale, f"{language}: msgids no longer in the source (pybabel update): {stale}"


def test_a_language_switch_translates_and_english_needs_no_catalogue():
    assert translations("en").gettext("Store settings") == "Store settings"
    set_language("de")
    from pos_desktop.services.i18n import _

    assert _("Store settings") == "Einstellungen des Geschäfts"
    set_language("fr")
    assert _("Store settings") == "Paramètres du magasin"
    set_language("xx")  # unknown: English
    assert _("Store settings") == "Store settings"


@pytest.mark.parametrize("language", SHIPPED)
def test_no_message_is_in_a_catalogue_twice(language):
    """Branches append to the catalogues and git merges them with the union driver
    (.gitattributes): a message both sides added would be there twice, which msgfmt refuses."""
    seen: list[str] = []
    lines = catalogue(language).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        if line.startswith("msgid "):
            parts = [line[len("msgid ") :]]
            parts += [ln for ln in _continuation(lines, index + 1)]
            seen.append("".join(parts))
    twice = sorted({msgid for msgid in seen if seen.count(msgid) > 1})
    assert not twice, f"{language}: in the catalogue twice: {twice}"


def _continuation(lines: list[str], start: int):
    for line in lines[start:]:
        if not line.startswith('"'):
            return
        yield line
