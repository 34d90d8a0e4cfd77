"""The till's own words in the store's language: gettext catalogues, read with Babel.

One mechanism for every layer that speaks to people (screens, receipts, reports): wrap a text
in ``_()`` (or ``ngettext`` for counts) where it is written, with ``{name}`` placeholders filled
*after* translation (``_("Receipt {number}").format(number=n)``), so translators see the whole
sentence. The catalogues are ``resources/locale/<lang>/LC_MESSAGES/pos.po``; they ship in the
wheel and are compiled in memory when a language is chosen (no build step, a fresh clone
works). English is the source language and needs no catalogue. Errors raised by the domain
and services carry an ``N_``-marked message that ``str(err)`` translates through ``_`` (installed
below). See docs/TRANSLATING.md.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from pos_desktop.domain import errors
from pos_desktop.domain.countries import LANGUAGES

DOMAIN = "pos"
SOURCE_LANGUAGE = "en"

_active: list[gettext.NullTranslations] = [gettext.NullTranslations()]
_code: list[str] = [SOURCE_LANGUAGE]


def catalogue(language: str) -> Traversable:
    """The ``.po`` file of ``language`` inside the ``resources`` package."""
    return resources.files("resources") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """``language``'s catalogue compiled in memory (fuzzy entries left out: English shows)."""
    if language == SOURCE_LANGUAGE or language not in LANGUAGES:
        return gettext.NullTranslations()
    with catalogue(language).open("rb") as po:
        messages = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def set_language(language: str) -> None:
    """Speak ``language`` from now on (an unknown code falls back to English)."""
    code = language if language in LANGUAGES else SOURCE_LANGUAGE
    _active[0] = translations(code)
    _code[0] = code


def current_language() -> str:
    return _code[0]


def _(message: str) -> str:
    """``message`` in the till's language."""
    return _active[0].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The singular or plural form for ``count`` in the till's language."""
    return _active[0].ngettext(singular, plural, count)


def N_(message: str) -> str:  # noqa: N802 (the gettext convention)
    """Marks ``message`` for extraction where it is defined; ``_()`` translates it when shown."""
    return message


# A domain error's message (marked ``N_``) is translated when it is shown: ``str(err)`` speaks
# the language chosen by then, wherever the screen prints it.
errors.use_translation(_)
