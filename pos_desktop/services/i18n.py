"""The till's own words in the store's language: gettext catalogues.

One mechanism for every layer that speaks to people (screens, receipts, reports): wrap a text
in ``_()`` (or ``ngettext`` for counts) where it is written, with ``{name}`` placeholders filled
*after* translation (``_("Receipt {number}").format(number=n)``), so translators see the whole
sentence. The catalogues are ``resources/locale/<lang>/LC_MESSAGES/pos.po``; they ship in the
wheel and are compiled in memory when a language is chosen (no build step, a fresh clone
works) by :mod:`pos_common.catalogues`, which the cloud's digital receipts use too. English is
the source language and needs no catalogue. Errors raised by the domain and services carry
an ``N_``-marked message that ``str(err)`` translates through ``_`` (installed below).
See docs/TRANSLATING.md.
"""

from __future__ import annotations

import gettext

from pos_common import catalogues
from pos_common.catalogues import DOMAIN as DOMAIN
from pos_common.catalogues import SOURCE_LANGUAGE
from pos_common.catalogues import catalogue as catalogue
from pos_desktop.domain import errors
from pos_desktop.domain.countries import LANGUAGES

_active: list[gettext.NullTranslations] = [gettext.NullTranslations()]
_code: list[str] = [SOURCE_LANGUAGE]


def translations(language: str) -> gettext.NullTranslations:
    """``language``'s catalogue compiled in memory (fuzzy entries left out: English shows);
    the loader the cloud's digital receipts use too (:mod:`pos_common.catalogues`)."""
    if language not in LANGUAGES:
        return gettext.NullTranslations()
    return catalogues.translations(language)


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
