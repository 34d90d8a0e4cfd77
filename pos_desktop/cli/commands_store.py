"""``pos-admin init``, ``demo-catalog`` and ``import-products``: the store and its catalogue."""

from __future__ import annotations

import re
import sys
import time
from argparse import Namespace
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import is_currency

from pos_desktop.domain.countries import CountryPreset, preset_for
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.money import validate_currency
from pos_desktop.domain.store import StoreSettings
from pos_desktop.domain.tax import TaxRate
from pos_desktop.paths import database_path
from pos_desktop.services.auth import AuthService
from pos_desktop.services.csv_import import (
    CsvImportError,
    ImportMode,
    ImportReport,
    import_products_csv,
)
from pos_desktop.services.demo_data import write_demo_catalog
from pos_desktop.services.ports import SystemClock
from pos_desktop.services.store_setup import ensure_demo_store, init_store
from pos_desktop.storage.checkout_settings_repo import (
    load_checkout_settings,
    save_checkout_settings,
)
from pos_desktop.storage.settings_repo import load_settings

from .common import opened_db, require_store
from .errors import CommandError, UsageError
from .progress import ProgressBar

_TERMINAL_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
DEMO_TAX_CODES = {"A", "B"}
BATCH = 50_000  # fewer, larger transactions: one fsync per 50k products


def parse_tax_rate(text: str) -> TaxRate:
    """``CODE:NAME:PERCENT`` (``B:Reduced:5.5``) as a tax rate.

    Raises:
        UsageError: naming the form to use.
    """
    parts = text.split(":")
    if len(parts) != 3 or not parts[0].strip() or not parts[1].strip():
        raise UsageError(
            f"--tax-rate '{text}' must look like CODE:NAME:PERCENT, e.g. A:Standard:20"
        )
    code, name, percent = (p.strip() for p in parts)
    try:
        return TaxRate(code, name, Decimal(percent.replace(",", ".")))
    except (InvalidOperation, DomainError) as err:
        detail = str(err) if isinstance(err, DomainError) else f"'{percent}' is not a percentage"
        raise UsageError(f"--tax-rate '{text}': {detail}") from None


def _checked_currency(text: str) -> str:
    try:
        code = validate_currency(text)
    except DomainError as err:
        raise UsageError(f"--currency: {err}") from None
    if not is_currency(code):
        raise UsageError(f"--currency: {code} is not an ISO 4217 currency; use e.g. EUR or GBP.")
    return code


def _checked_locale(text: str) -> str:
    try:
        Locale.parse(text)
    except (ValueError, UnknownLocaleError):
        raise UsageError(
            f"--locale: '{text}' is not a known locale; use e.g. en_GB or de_DE."
        ) from None
    return text


def _preset(args: Namespace) -> CountryPreset | None:
    if not getattr(args, "country", None):
        return None
    try:
        return preset_for(args.country)
    except KeyError as err:
        raise UsageError(f"--country: {err.args[0]}") from None


def _text(value: str | None, current: str) -> str:
    return current if value is None else value.replace("\\n", "\n").strip()


def _settings_from_args(args: Namespace, existing: StoreSettings | None) -> StoreSettings:
    base = existing or StoreSettings(name="", currency="EUR", prices_include_tax=True)
    preset = _preset(args)
    if preset is not None:  # the country's defaults; options given as well still win
        base = replace(
            base,
            currency=preset.currency,
            prices_include_tax=preset.prices_include_tax,
            locale=preset.locale,
            barcode_region=preset.barcode_region,
            country=preset.code,
        )
    name = args.store_name.strip()
    if not name:
        raise UsageError("--store-name must not be empty.")
    terminal_id = args.terminal_id or base.terminal_id
    if not _TERMINAL_ID.match(terminal_id):
        raise UsageError(
            f"--terminal-id '{terminal_id}': use 1-16 letters, digits, '-' or '_', e.g. T01."
        )
    include = (
        base.prices_include_tax if args.prices_include_tax is None else args.prices_include_tax
    )
    return replace(
        base,
        name=name,
        currency=_checked_currency(args.currency) if args.currency else base.currency,
        prices_include_tax=include,
        address=_text(getattr(args, "address", None), base.address),
        receipt_header=_text(getattr(args, "receipt_header", None), base.receipt_header),
        receipt_footer=_text(getattr(args, "receipt_footer", None), base.receipt_footer),
        tax_id=_text(getattr(args, "tax_id", None), base.tax_id),
        language=getattr(args, "language", None) or base.language,
        terminal_id=terminal_id,
        locale=_checked_locale(args.locale) if args.locale else base.locale,
    )


def run_init(args: Namespace) -> int:
    if bool(args.admin_name) != bool(args.admin_pin):
        raise UsageError("--admin-name and --admin-pin go together (the first administrator).")
    preset = _preset(args)
    rates = tuple(parse_tax_rate(text) for text in args.tax_rates)
    if not rates and preset is not None:
        rates = preset.tax_rates
    codes = [r.code for r in rates]
    if len(set(codes)) != len(codes):
        raise UsageError("--tax-rate: each tax code may be given once.")
    with opened_db(args.data_dir, create=True) as db:
        existing = load_settings(db)
        settings = _settings_from_args(args, existing)
        sales = db.execute_sql("SELECT COUNT(*) FROM sale").fetchone()[0]
        if existing is not None and sales and not args.force:
            raise CommandError(
                f"The store in {args.data_dir} already has {sales:,} sales; re-initialising "
                "changes how they are reported. Add --force if that is what you want."
            )
        if existing and existing.currency != settings.currency and _product_count(db):
            raise CommandError(
                f"The catalogue is priced in {existing.currency}; changing the currency to "
                f"{settings.currency} would misprice it. Start a new data dir instead."
            )
        init_store(db, settings, rates)
        if preset is not None:
            checkout = load_checkout_settings(db)
            save_checkout_settings(
                db, replace(checkout, cash_increment_minor=preset.cash_increment_minor)
            )
        if args.admin_name:
            auth = AuthService(db, SystemClock())
            if auth.users.by_name(args.admin_name) is None:
                from .admin_staff import _pin

                pin = _pin(args.admin_pin)  # '-': from stdin, not the shell history
                auth.add_user(args.admin_name, "admin", pin, by="pos-admin init")
        all_rates = db.execute_sql("SELECT code, name, percent FROM tax_rate ORDER BY code")
        rate_text = ", ".join(f"{c} {n} {p} %" for c, n, p in all_rates) or "none"
    verb = "updated" if existing else "created"
    tax_mode = "include" if settings.prices_include_tax else "exclude"
    print(f"Store '{settings.name}' {verb} in {database_path(args.data_dir)}")
    print(
        f"  currency {settings.currency}, prices {tax_mode} tax, terminal {settings.terminal_id},"
        f" locale {settings.locale}"
    )
    print(f"  tax rates: {rate_text}")
    if settings.address or settings.tax_id:
        print(
            f"  address: {settings.address.replace(chr(10), ', ') or '-'}; tax id: "
            f"{settings.tax_id or '-'}"
        )
    if rate_text == "none":
        print("  Add a tax rate (--tax-rate A:Standard:20) before importing products.")
    if args.admin_name:
        print(f"  administrator: {args.admin_name} (log in at the till with the PIN given)")
        if len(args.admin_pin) < 6:
            print(
                "  A 6-digit PIN is much harder to guess: 'pos-admin users reset-pin "
                f"{args.admin_name} --pin ...' changes it."
            )
    return 0


def _product_count(db) -> int:
    return db.execute_sql("SELECT COUNT(*) FROM product").fetchone()[0]


def run_demo_catalog(args: Namespace) -> int:
    count = args.products
    with opened_db(args.data_dir, create=True) as db:
        settings = ensure_demo_store(db)
        codes = {r[0] for r in db.execute_sql("SELECT code FROM tax_rate")}
        if not DEMO_TAX_CODES <= codes:
            raise CommandError(
                "The demo catalogue uses tax codes A and B, but this store has "
                f"{', '.join(sorted(codes)) or 'none'}; add them with 'pos-admin init "
                "--store-name ... --tax-rate A:Standard:20 B:Reduced:5.5'."
            )
        bar = ProgressBar("Writing products", count)
        started = time.perf_counter()
        try:
            written = write_demo_catalog(db, count, batch=BATCH, progress=bar.update)
        finally:
            bar.finish()
        elapsed = time.perf_counter() - started
    rate = written / elapsed if elapsed > 0 else float(written)
    print(
        f"Wrote {written:,} demo products for '{settings.name}' in {elapsed:.1f} s "
        f"({rate:,.0f} products/s)."
    )
    return 0


def run_import(args: Namespace) -> int:
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file; give the path of a .csv file.")
    with opened_db(args.data_dir) as db:
        require_store(db, args.data_dir)
        try:
            report = import_products_csv(
                db, args.file, mode=ImportMode(args.mode), dry_run=args.dry_run
            )
        except CsvImportError as err:
            raise CommandError(str(err)) from None
    for error in report.errors:
        print(f"{args.file}: {error}", file=sys.stderr)
    if report.reading():
        print(f"{args.file}: {report.reading()}")
    print(_summary(report, args.file))
    if report.errors and (args.dry_run or report.mode is ImportMode.ALL_OR_NOTHING):
        return 1
    return 0


def _summary(report: ImportReport, path) -> str:
    counts = f"{report.good_rows:,} products ({report.created:,} new, {report.updated:,} updated)"
    bad = len(report.errors)
    if report.dry_run:
        return (
            f"Dry run of {path}: {report.rows_read:,} rows, {counts} would be written, "
            f"{bad:,} bad; nothing was written."
        )
    if bad and report.mode is ImportMode.ALL_OR_NOTHING:
        return (
            f"Nothing imported: {bad:,} of {report.rows_read:,} rows in {path} are bad. Fix "
            "them, or use --skip-bad-rows to import only the good rows."
        )
    skipped = f"; skipped {bad:,} bad rows listed above" if bad else ""
    return f"Imported {counts} from {path}{skipped}."
