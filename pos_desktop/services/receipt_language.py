"""The language a sale's receipt document (the PDF e-mailed by the till) is written in.

The one the paper receipt was printed in, which the sale carries (``language``, ``locale`` in
``sale.completed``), with the till's own catalogues (:func:`.i18n.translations`) and its
money formatting (:mod:`.formatting`): the till's fallback e-mail attaches the same PDF the
cloud would (``pos_cloud/receipt_language.py`` does the same there). A sale stored before
sales carried their language: English.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from pos_common.receipt_layout import ENGLISH, ReceiptLanguage
from pos_desktop.domain.countries import LANGUAGES
from pos_desktop.domain.money import Money

from .formatting import money_text
from .i18n import translations


def of_sale(payload: Mapping[str, Any]) -> ReceiptLanguage:
    """How the receipt of the ``sale.completed`` ``payload`` speaks (English when it does not
    say, or names a language the till does not speak)."""
    code = payload.get("language")
    if not isinstance(code, str) or code not in LANGUAGES:
        return ENGLISH
    locale = payload.get("locale")
    return _language(code, locale if isinstance(locale, str) else "")


@lru_cache(maxsize=16)
def _language(code: str, locale: str) -> ReceiptLanguage:
    loc = _locale(locale, code)

    def money(minor: int, currency: str) -> str:
        return money_text(Money(int(minor), currency), str(loc))

    def number(value: Decimal) -> str:
        return str(format_decimal(value, locale=loc))

    def moment(when: datetime) -> str:
        return f"{format_date(when, 'medium', locale=loc)} {format_time(when, 'short', locale=loc)}"

    return ReceiptLanguage(code, translations(code).gettext, money, number, moment)


def _locale(name: str, code: str) -> Locale:
    try:
        loc = Locale.parse(name.replace("-", "_")) if name else None
    except (UnknownLocaleError, ValueError, TypeError):
        loc = None
    return loc if loc is not None and loc.language == code else Locale.parse(code)
