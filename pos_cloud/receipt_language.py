"""The language of a digital receipt: the one its till printed the paper receipt in.

A till puts its store language and locale into every ``sale.completed`` (``language``: ``de``,
``locale``: ``de_DE``), so a German shop's customer reads the web page, the PDF, the invoice
and the e-mail in German, whatever language the cloud or the customer's browser speaks: the
digital receipt is a copy of the paper one. The words come from the till's own catalogues
(:mod:`pos_common.catalogues`); amounts, numbers and the date are written by Babel in the
sale's locale, as the till writes them. A sale sent before tills said their language (no
``language``) stays English, exactly as it was shown before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from pos_common import catalogues
from pos_common.currencies import exponent
from pos_common.receipt_layout import ENGLISH, ReceiptLanguage


def of_sale(payload: Mapping[str, Any]) -> ReceiptLanguage:
    """How the receipt of the ``sale.completed`` ``payload`` speaks (English when it does not
    say, or names a language without a catalogue)."""
    code = payload.get("language")
    if not isinstance(code, str) or not (
        code == catalogues.SOURCE_LANGUAGE or catalogues.shipped(code)
    ):
        return ENGLISH
    locale = payload.get("locale")
    return language(code, locale if isinstance(locale, str) else "")


@lru_cache(maxsize=32)
def language(code: str, locale: str = "") -> ReceiptLanguage:
    """``code``'s words with ``locale``'s amounts and dates (a locale of another language, or
    none Babel knows, is replaced by the language's own: ``de``)."""
    loc = _locale(locale, code)

    def money(minor: int, currency: str) -> str:
        value = Decimal(int(minor)).scaleb(-exponent(currency))
        return format_currency(
            value, currency, format="#,##0.00", locale=loc, currency_digits=True
        ).strip()

    def number(value: Decimal) -> str:
        return str(format_decimal(value, locale=loc))

    def moment(when: datetime) -> str:
        return f"{format_date(when, 'medium', locale=loc)} {format_time(when, 'short', locale=loc)}"

    return ReceiptLanguage(
        code=code,
        translate=catalogues.translations(code).gettext,
        money=money,
        number=number,
        moment=moment,
    )


def _locale(name: str, code: str) -> Locale:
    try:
        loc = Locale.parse(name.replace("-", "_")) if name else None
    except (UnknownLocaleError, ValueError, TypeError):
        loc = None
    if loc is None or loc.language != code:
        loc = Locale.parse(code)
    return loc
