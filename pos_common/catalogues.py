"""The gettext catalogues (``resources/locale/<lang>/LC_MESSAGES/pos.po``) for the till and
the cloud: one loader, so a German till's paper receipt and its digital receipt in the cloud
use the same words.

The ``.po`` text is read and compiled in memory with the standard library (``pos_common``
depends on no package): the catalogues use only what ``pybabel update`` writes (``msgid``,
``msgid_plural``, ``msgstr``/``msgstr[n]``, ``msgctxt``, ``#,`` flags, ``#~`` obsolete
entries), and the result is the same as Babel's ``read_po`` + ``write_mo(use_fuzzy=False)``
(``tests/unit/test_catalogues.py`` compares every entry). Fuzzy and untranslated entries are
left out, so English shows. English is the source language and has no catalogue.
"""

from __future__ import annotations

import ast
import gettext
import struct
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from io import BytesIO

DOMAIN = "pos"
SOURCE_LANGUAGE = "en"


def catalogue(language: str) -> Traversable:
    """The ``.po`` file of ``language`` inside the ``resources`` package."""
    return resources.files("resources") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def shipped(language: str) -> bool:
    """A catalogue exists for ``language`` (a plain code like ``de``; never a path)."""
    return language.isalpha() and language.islower() and catalogue(language).is_file()


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """``language``'s catalogue compiled in memory; English (or no catalogue): as written."""
    if language == SOURCE_LANGUAGE or not shipped(language):
        return gettext.NullTranslations()
    text = catalogue(language).read_text(encoding="utf-8")
    return gettext.GNUTranslations(BytesIO(compile_mo(parse_po(text))))


@dataclass
class _Entry:
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    strings: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False


def _unquote(token: str) -> str:
    value = ast.literal_eval(token)  # a C-style "..." string: \n \t \" \\ as in Python
    if not isinstance(value, str):
        raise ValueError(f"not a quoted string: {token!r}")
    return value


def parse_po(text: str) -> dict[bytes, bytes]:
    """The translated entries of a ``.po`` text as ``.mo`` keys and values (the header, with
    its Plural-Forms, under the empty key; plural forms joined by NUL, a context by EOT)."""
    entries: list[_Entry] = []
    entry = _Entry()
    target: tuple[str, int] | None = None
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        keyword, _, rest = line.partition(" ")
        starts_entry = keyword in ("msgctxt", "msgid") and (target or ("",))[0] == "msgstr"
        if not line or line.startswith("#") or starts_entry:
            if target is not None:  # the entry read so far is complete
                entries.append(entry)
                entry, target = _Entry(), None
            if line.startswith("#,") and "fuzzy" in line[2:].replace(",", " ").split():
                entry.fuzzy = True
            if not starts_entry:
                continue  # comments, obsolete (#~) entries and blank lines
        if line.startswith('"'):
            if target is None:
                raise ValueError(f"a string outside an entry: {raw!r}")
            rest = line
        elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
            target = (keyword, 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            target = ("msgstr", int(keyword[7:-1]))
        else:
            raise ValueError(f"not a catalogue line: {raw!r}")
        _append(entry, target, _unquote(rest))
    return _mo_messages(entries)


def _append(entry: _Entry, target: tuple[str, int], value: str) -> None:
    kind, index = target
    if kind == "msgctxt":
        entry.context = (entry.context or "") + value
    elif kind == "msgid":
        entry.msgid += value
    elif kind == "msgid_plural":
        entry.plural = (entry.plural or "") + value
    else:
        entry.strings[index] = entry.strings.get(index, "") + value


def _mo_messages(entries: list[_Entry]) -> dict[bytes, bytes]:
    """What Babel's ``write_mo(use_fuzzy=False)`` keeps: the header, and every entry that is
    not fuzzy and has a translation (a plural's empty form falls back to its msgid)."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        header = e.msgid == "" and e.context is None
        if e.plural is None:
            value = e.strings.get(0, "")
            if not header and (e.fuzzy or not value):
                continue
            key = e.msgid
        else:
            if e.fuzzy:
                continue
            ids = (e.msgid, e.plural)
            forms = [e.strings[i] or ids[min(i, 1)] for i in sorted(e.strings)]
            key, value = "\0".join(ids), "\0".join(forms)
        if e.context is not None:
            key = f"{e.context}\x04{key}"
        messages[key.encode()] = value.encode()
    return messages


def compile_mo(messages: dict[bytes, bytes]) -> bytes:
    """``messages`` as the bytes of a GNU ``.mo`` file (keys sorted, no hash table)."""
    keys = sorted(messages)
    ids = b"".join(k + b"\0" for k in keys)
    strs = b"".join(messages[k] + b"\0" for k in keys)
    count = len(keys)
    start = 7 * 4 + 16 * count  # header, then the two tables of (length, offset)
    table: list[int] = []
    offset = start
    for k in keys:
        table += [len(k), offset]
        offset += len(k) + 1
    for k in keys:
        table += [len(messages[k]), offset]
        offset += len(messages[k]) + 1
    header = struct.pack("Iiiiiii", 0x950412DE, 0, count, 7 * 4, 7 * 4 + count * 8, 0, 0)
    return header + struct.pack(f"{len(table)}i", *table) + ids + strs
