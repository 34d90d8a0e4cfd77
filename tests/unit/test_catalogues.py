"""The shared catalogue loader (pos_common.catalogues, standard library only) reads the .po
files exactly as Babel's read_po + write_mo(use_fuzzy=False) did for the till."""

from __future__ import annotations

import gettext
from io import BytesIO

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pos_common.catalogues import catalogue, compile_mo, parse_po, translations

SHIPPED = ("de", "fr")


def _babel(language: str) -> gettext.GNUTranslations:
    with catalogue(language).open("rb") as po:
        messages = read_po(po, locale=language, domain="pos")
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@pytest.mark.parametrize("language", SHIPPED)
def test_every_entry_reads_as_babel_reads_it(language):
    ours, babels = translations(language), _babel(language)
    assert set(ours._catalog) - {""} == set(babels._catalog) - {""}  # noqa: SLF001
    for key, value in babels._catalog.items():  # noqa: SLF001
        if key != "":
            assert ours._catalog[key] == value, key  # noqa: SLF001
    assert ours.plural(1) == babels.plural(1) and ours.plural(2) == babels.plural(2)
    assert ours.plural(0) == babels.plural(0)


def test_fuzzy_untranslated_contexts_plurals_and_escapes():
    po = r"""msgid ""
msgstr ""
"Plural-Forms: nplurals=2; plural=(n > 1);\n"
"Content-Type: text/plain; charset=utf-8\n"

#, fuzzy
msgid "Guess"
msgstr "Vermutung"

msgid "Empty"
msgstr ""

#, python-brace-format
msgid "Two "
"lines {n}\n"
msgstr "Zwei "
"Zeilen {n}\n"
msgctxt "menu"
msgid "Open"
msgstr "Öffnen"

msgid "{n} item"
msgid_plural "{n} items"
msgstr[0] "{n} article"
msgstr[1] "{n} \"articles\""

#~ msgid "Old"
#~ msgstr "Alt"
"""
    t = gettext.GNUTranslations(BytesIO(compile_mo(parse_po(po))))
    assert t.gettext("Guess") == "Guess" and t.gettext("Empty") == "Empty"
    assert t.gettext("Two lines {n}\n") == "Zwei Zeilen {n}\n"
    assert t.pgettext("menu", "Open") == "Öffnen" and t.gettext("Open") == "Open"
    assert t.ngettext("{n} item", "{n} items", 1) == "{n} article"
    assert t.ngettext("{n} item", "{n} items", 0) == "{n} article"  # French: 0 is singular
    assert t.ngettext("{n} item", "{n} items", 2) == '{n} "articles"'
    assert t.gettext("Old") == "Old"


def test_english_and_unknown_languages_are_as_written():
    assert translations("en").gettext("Store settings") == "Store settings"
    assert translations("xx").gettext("Store settings") == "Store settings"
    assert translations("../de").gettext("Store settings") == "Store settings"
    assert translations("de").gettext("Store settings") == "Einstellungen des Geschäfts"
