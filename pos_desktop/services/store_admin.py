"""Store-wide settings by key: what ``pos-admin store show|set`` and the Store settings screen
change. Every value is checked before anything is written; a bad one raises
:class:`StoreSettingError` saying what is wrong and what to write instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from peewee import SqliteDatabase

from pos_desktop.domain.countries import LANGUAGES, PRESETS
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.loyalty_rules import (
    group_rates_text,
    parse_group_rates,
    parse_tiers,
    tiers_text,
)
from pos_desktop.domain.money import Money, currency_exponent, validate_currency
from pos_desktop.domain.payment import CheckoutSettings
from pos_desktop.domain.staff import Action
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.domain.variable_measure import REGION_LAYOUTS
from pos_desktop.storage.catalog_repo import has_products, tax_rate_rows, upsert_tax_rates
from pos_desktop.storage.checkout_settings_repo import (
    load_checkout_settings,
    save_checkout_settings,
)
from pos_desktop.storage.sales_repo import SalesRepository
from pos_desktop.storage.settings_repo import load_settings, save_settings

from .auth import Approval, redeem
from .i18n import _
from .policy_admin import PolicyChange
from .timezones import UnknownTimeZone, check_timezone

# Reads a picture the way the printer will; returns what is wrong with it, or None.
LogoCheck = Callable[[Path], str | None]


class StoreSettingError(ValueError):
    """A store setting cannot take the value given; the message says what to write."""


# key -> what it is (shown by ``pos-admin store show --help`` and next to errors).
STORE_KEYS: dict[str, str] = {
    "name": "the store's name, printed at the top of receipts",
    "address": "the address printed under the name (\\n starts a new line)",
    "tax_id": "VAT number / tax id printed in the receipt header",
    "country": "ISO country code the setup presets came from (DE, FR, AT, NL, GB, US, CH)",
    "language": "the till's language: en, de or fr (screens and receipts)",
    "currency": "ISO 4217 currency; only before the first product or sale",
    "locale": "how amounts and dates are written, e.g. en_GB or de_DE",
    "timezone": "the store's time zone for X/Z reports, e.g. Europe/Berlin (local: the till's)",
    "prices_include_tax": "yes: shelf prices include tax; no: tax is added per line",
    "receipt_header": "extra lines under the address (\\n starts a new line)",
    "receipt_footer": "lines at the bottom of the receipt (\\n starts a new line)",
    "receipt_logo": "a PNG/JPEG printed at the top of receipts (empty: none)",
    "receipt_qr": "yes: a QR code on receipts opens the digital receipt (only with a cloud)",
    "cash_rounding": "cash totals round to this step, e.g. 0.05; 0.01 or 0: no rounding",
    "discount_limit": "discounts above this percentage need a manager, e.g. 10",
    "tenders": "the other tenders offered, comma-separated: Mobile wallet, BNPL, Cheque",
    "drawer_tenders": "which of those open the cash drawer, comma-separated: Cheque",
    "tax_rate": "add or change a tax rate: CODE:NAME:PERCENT, e.g. B:Reduced:7",
    "loyalty_points": "loyalty points a customer earns per 1 unit of the currency; 0: off",
    "loyalty_point_value": "what one point pays when the customer spends it, e.g. 0.01",
    "loyalty_group_rates": "per product group (category) a multiplier of loyalty_points: "
    "Coffee=2, Tobacco=0 (others: x1; empty: none)",
    "loyalty_tiers": "optional tiers by points earned in the last 365 days, each multiplying "
    "what the customer earns: Silver=500:1.25, Gold=2000:1.5 (empty: none)",
    "gift_card_offline_limit": "how much of one gift card a till may spend offline; 0: none",
    "gift_card_offline_till_limit": "how much of all gift cards together a till may spend "
    "offline until it syncs; 0: no total limit",
    "barcode_region": "layout of in-store weight/price labels: " + ", ".join(REGION_LAYOUTS),
}
TEXT_KEYS = ("name", "address", "tax_id", "receipt_header", "receipt_footer")


@dataclass(frozen=True, slots=True)
class StoreState:
    """Everything store-wide, as stored."""

    settings: StoreSettings
    checkout: CheckoutSettings
    tax_rates: tuple[TaxRate, ...]


def load_state(db: SqliteDatabase) -> StoreState | None:
    """The store's settings, checkout settings and tax rates; None before setup."""
    settings = load_settings(db)
    if settings is None:
        return None
    rates = tuple(TaxRate(c, n, p) for c, n, p in tax_rate_rows(db))
    return StoreState(settings, load_checkout_settings(db), rates)


def amount_text(minor: int, currency: str) -> str:
    """``5`` in EUR -> ``0.05`` (a plain decimal, no currency sign)."""
    exp = currency_exponent(currency)
    return f"{Decimal(minor).scaleb(-exp):.{exp}f}"


def shown_values(state: StoreState) -> dict[str, str]:
    """Every key's current value as text (``\\n`` for line breaks), for ``store show``."""
    s, c = state.settings, state.checkout
    values = {
        "name": s.name,
        "address": s.address,
        "tax_id": s.tax_id,
        "country": s.country,
        "language": s.language,
        "currency": s.currency,
        "locale": s.locale,
        "timezone": s.timezone or "local",
        "prices_include_tax": "yes" if s.prices_include_tax else "no",
        "receipt_header": s.receipt_header,
        "receipt_footer": s.receipt_footer,
        "receipt_logo": s.receipt_logo,
        "receipt_qr": "yes" if s.receipt_qr else "no",
        "cash_rounding": amount_text(c.cash_increment_minor, s.currency),
        "discount_limit": f"{c.max_discount_percent.normalize():f}",
        "tenders": ", ".join(c.other_tenders),
        "drawer_tenders": ", ".join(c.drawer_tenders),
        "tax_rate": ", ".join(
            f"{r.code}:{r.name}:{r.percent.normalize():f}" for r in state.tax_rates
        ),
        "barcode_region": s.barcode_region,
        "loyalty_points": str(c.loyalty_points_per_unit),
        "loyalty_point_value": amount_text(c.loyalty_point_value_minor, s.currency),
        "loyalty_group_rates": group_rates_text(c.loyalty_group_rates),
        "loyalty_tiers": tiers_text(c.loyalty_tiers),
        "gift_card_offline_limit": amount_text(c.gift_card_offline_limit_minor, s.currency),
        "gift_card_offline_till_limit": amount_text(
            c.gift_card_offline_till_limit_minor, s.currency
        ),
    }
    return {key: value.replace("\n", "\\n") for key, value in values.items()}


def parse_yes_no(key: str, text: str) -> bool:
    word = text.strip().lower()
    if word in ("yes", "true", "1", "on"):
        return True
    if word in ("no", "false", "0", "off"):
        return False
    raise StoreSettingError(_("{key}: write yes or no, not {text!r}.").format(key=key, text=text))


def parse_cash_rounding(text: str, currency: str, *, key: str = "cash_rounding") -> int:
    """``0.05`` -> 5 minor units (EUR); ``0`` or one minor unit means no rounding."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise StoreSettingError(
            _("{key}: {text!r} is not an amount; write a step such as 0.05.").format(
                key=key, text=text
            )
        ) from None
    minor = value.scaleb(currency_exponent(currency))
    if minor < 0 or minor != minor.to_integral_value() or minor > 10_000:
        raise StoreSettingError(
            _("{key}: {text!r} is not a step in {currency}; write e.g. 0.05 or 0.10.").format(
                key=key, text=text, currency=currency
            )
        )
    return max(int(minor), 1)


def parse_percent(key: str, text: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        raise StoreSettingError(
            _("{key}: {text!r} is not a percentage; write e.g. 10.").format(key=key, text=text)
        ) from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
        raise StoreSettingError(
            _("{key}: {text!r} must be from 0 to 100.").format(key=key, text=text)
        )
    return value


def parse_tax_rate(text: str) -> TaxRate:
    """``CODE:NAME:PERCENT`` (``B:Reduced:5.5``) as a tax rate."""
    parts = [p.strip() for p in text.split(":")]
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise StoreSettingError(
            _("tax_rate: {text!r} must look like CODE:NAME:PERCENT, e.g. A:Standard:20.").format(
                text=text
            )
        )
    code, name, percent = parts
    if len(code) > 4 or not code.isalnum():
        raise StoreSettingError(
            _("tax_rate: the code {code!r} must be 1-4 letters or digits.").format(code=code)
        )
    try:
        return TaxRate(code.upper(), name, Decimal(percent.replace(",", ".")))
    except InvalidOperation:
        raise StoreSettingError(
            _("tax_rate: {percent!r} is not a percentage.").format(percent=percent)
        ) from None
    except DomainError as err:
        raise StoreSettingError(_("tax_rate: {err}").format(err=err)) from None


def parse_names(key: str, text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if any(len(n) > 30 for n in names):
        raise StoreSettingError(_("{key}: keep each name to 30 characters.").format(key=key))
    return names


def _checked_logo(text: str, data_dir: Path | None, check_logo: LogoCheck | None) -> str:
    path_text = text.strip()
    if not path_text:
        return ""
    path = Path(path_text).expanduser()
    full = path if path.is_absolute() or data_dir is None else data_dir / path
    if check_logo is None:  # no picture reader given: the file must at least be there
        if not full.is_file():
            raise StoreSettingError(_("receipt_logo: there is no file {full}.").format(full=full))
        return str(path)
    problem = check_logo(full)
    if problem:
        raise StoreSettingError(_("receipt_logo: {problem}").format(problem=problem))
    return str(path)


def apply_value(
    db: SqliteDatabase,
    state: StoreState,
    key: str,
    text: str,
    *,
    data_dir: Path | None = None,
    check_logo: LogoCheck | None = None,
) -> StoreState:
    """The state with ``key`` set from ``text`` (checked, not yet saved).

    ``check_logo`` reads a receipt logo as the printer would (the caller's device adapter);
    without it a logo is only checked to exist.

    Raises:
        StoreSettingError: an unknown key or a bad value; nothing is changed.
    """
    s, c = state.settings, state.checkout
    if key not in STORE_KEYS:
        raise StoreSettingError(
            _("There is no store setting {key!r}; the settings are: {keys}.").format(
                key=key, keys=", ".join(STORE_KEYS)
            )
        )
    if key in TEXT_KEYS:
        value = text.replace("\\n", "\n").strip()
        if key == "name" and not value:
            raise StoreSettingError(_("name: the store needs a name."))
        if len(value) > 400:
            raise StoreSettingError(_("{key}: keep it under 400 characters.").format(key=key))
        changed: dict[str, Any] = {key: value}  # a text field, checked above
        return replace(state, settings=replace(s, **changed))
    if key == "country":
        code = text.strip().upper()
        if code and (len(code) != 2 or not code.isalpha()):
            known = ", ".join(PRESETS)
            raise StoreSettingError(
                _("country: write a two-letter code such as {known}.").format(known=known)
            )
        return replace(state, settings=replace(s, country=code))
    if key == "language":
        code = text.strip().lower()
        if code not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise StoreSettingError(
                _("language: {text!r} is not available; use {known}.").format(
                    text=text, known=known
                )
            )
        return replace(state, settings=replace(s, language=code))
    if key == "currency":
        try:
            code = validate_currency(text)
        except DomainError as err:
            raise StoreSettingError(_("currency: {err}").format(err=err)) from None
        if code != s.currency and (has_products(db) or SalesRepository(db).has_any()):
            raise StoreSettingError(
                _(
                    "currency: the catalogue and sales are in {currency}; changing it "
                    "would misprice them. Start a new data dir instead."
                ).format(currency=s.currency)
            )
        return replace(state, settings=replace(s, currency=code))
    if key == "locale":
        return replace(state, settings=replace(s, locale=_checked_locale(text)))
    if key == "timezone":
        try:
            zone = check_timezone(text)
        except UnknownTimeZone as err:
            raise StoreSettingError(_("timezone: {err}").format(err=err)) from None
        return replace(state, settings=replace(s, timezone=zone))
    if key == "prices_include_tax":
        return replace(state, settings=replace(s, prices_include_tax=parse_yes_no(key, text)))
    if key == "receipt_qr":
        return replace(state, settings=replace(s, receipt_qr=parse_yes_no(key, text)))
    if key == "receipt_logo":
        logo = _checked_logo(text, data_dir, check_logo)
        return replace(state, settings=replace(s, receipt_logo=logo))
    if key == "barcode_region":
        region = text.strip().upper()
        if region not in REGION_LAYOUTS:
            raise StoreSettingError(
                _("barcode_region: use one of {regions}.").format(regions=", ".join(REGION_LAYOUTS))
            )
        return replace(state, settings=replace(s, barcode_region=region))
    if key == "cash_rounding":
        minor = parse_cash_rounding(text, s.currency)
        return replace(state, checkout=replace(c, cash_increment_minor=minor))
    if key == "discount_limit":
        return replace(state, checkout=replace(c, max_discount_percent=parse_percent(key, text)))
    if key == "loyalty_points":
        if not text.strip().isdigit() or int(text) > 10_000:
            raise StoreSettingError(
                _("loyalty_points: write a whole number from 0 to 10000, not {text!r}.").format(
                    text=text
                )
            )
        return replace(state, checkout=replace(c, loyalty_points_per_unit=int(text)))
    if key == "loyalty_group_rates":
        try:
            group_rates = parse_group_rates(text)
        except DomainError as err:
            raise StoreSettingError(_("loyalty_group_rates: {err}").format(err=err)) from None
        return replace(state, checkout=replace(c, loyalty_group_rates=group_rates))
    if key == "loyalty_tiers":
        try:
            tiers = parse_tiers(text)
        except DomainError as err:
            raise StoreSettingError(_("loyalty_tiers: {err}").format(err=err)) from None
        return replace(state, checkout=replace(c, loyalty_tiers=tiers))
    if key in ("gift_card_offline_limit", "gift_card_offline_till_limit"):
        try:
            limit = Money.parse(text.strip(), s.currency).amount_minor
        except ValueError:
            raise StoreSettingError(
                _("{key}: write an amount such as 20.00, not {text!r}.").format(key=key, text=text)
            ) from None
        if key == "gift_card_offline_limit":
            return replace(state, checkout=replace(c, gift_card_offline_limit_minor=limit))
        return replace(state, checkout=replace(c, gift_card_offline_till_limit_minor=limit))
    if key == "loyalty_point_value":
        minor = parse_cash_rounding(text, s.currency, key=key)
        if Decimal(text.strip().replace(",", ".")) <= 0:
            raise StoreSettingError(
                _("{key}: a point must be worth something, e.g. 0.01.").format(key=key)
            )
        return replace(state, checkout=replace(c, loyalty_point_value_minor=minor))
    if key == "tenders":
        names = parse_names(key, text)
        kept = tuple(n for n in c.drawer_tenders if n in names)
        return replace(state, checkout=replace(c, other_tenders=names, drawer_tenders=kept))
    if key == "drawer_tenders":
        names = parse_names(key, text)
        unknown = [n for n in names if n not in c.other_tenders]
        if unknown:
            raise StoreSettingError(
                _(
                    "drawer_tenders: {codes} is not a tender of this store; the tenders "
                    "are: {tenders}."
                ).format(codes=", ".join(unknown), tenders=", ".join(c.other_tenders) or "none")
            )
        return replace(state, checkout=replace(c, drawer_tenders=names))
    rate = parse_tax_rate(text)  # tax_rate
    rates = {r.code: r for r in state.tax_rates} | {rate.code: rate}
    return replace(state, tax_rates=tuple(rates[k] for k in sorted(rates)))


def _checked_locale(text: str) -> str:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(text.strip())
    except (ValueError, UnknownLocaleError):
        raise StoreSettingError(
            _("locale: {text!r} is not known; write e.g. en_GB or de_DE.").format(text=text)
        ) from None
    return text.strip()


def save_state(db: SqliteDatabase, state: StoreState) -> None:
    """Write settings, checkout settings and tax rates in one transaction."""
    with db.atomic():
        save_settings(db, state.settings)
        save_checkout_settings(db, state.checkout)
        upsert_tax_rates(db, state.tax_rates)


def set_values(
    db: SqliteDatabase,
    changes: dict[str, str] | list[tuple[str, str]],
    *,
    data_dir: Path | None = None,
    check_logo: LogoCheck | None = None,
    policy: PolicyChange | None = None,
) -> StoreState:
    """Check every change (in order: a pair list may set ``tax_rate`` several times), then
    save them all together, or nothing. ``policy``: an approval policy edited on the same
    screen (already checked by ``ApprovalPolicy.with_decision``), saved in the same transaction.

    Raises:
        StoreSettingError: before anything is written.
    """
    state = _checked(db, changes, data_dir, check_logo)
    _save(db, state, policy)
    return state


def _save(db: SqliteDatabase, state: StoreState, policy: PolicyChange | None) -> None:
    with db.atomic():
        save_state(db, state)
        if policy is not None:
            policy.save(db)


def set_values_at_till(
    db: SqliteDatabase,
    changes: dict[str, str] | list[tuple[str, str]],
    approval: Approval | None,
    *,
    data_dir: Path | None = None,
    check_logo: LogoCheck | None = None,
    policy: PolicyChange | None = None,
) -> StoreState:
    """``set_values`` for the till's Store settings dialog: once every change is checked, it
    uses up a ``STORE_SETTINGS`` approval (the store's policy decides who), then saves.

    Raises:
        StoreSettingError: a bad value (the approval is still unused).
        ApprovalRequired: without a valid approval; nothing is written.
    """
    state = _checked(db, changes, data_dir, check_logo)
    redeem(approval, Action.STORE_SETTINGS)
    _save(db, state, policy)
    return state


def _checked(db, changes, data_dir, check_logo) -> StoreState:
    state = load_state(db)
    if state is None:
        raise StoreSettingError(_("No store is set up yet; run the setup first."))
    pairs = list(changes.items()) if isinstance(changes, dict) else list(changes)
    for key, text in pairs:
        state = apply_value(db, state, key, text, data_dir=data_dir, check_logo=check_logo)
    return state
