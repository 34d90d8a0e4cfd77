"""The setup wizard's pages: each keeps its answers as a dict, saved when Next is pressed.

The administrator page creates the administrator (the PIN typed twice on the pad, stored only
hashed); the printer page is the Devices screen's printer form.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWizardPage,
)

from pos_desktop.domain.countries import LANGUAGES, PRESETS, preset_for
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Role
from pos_desktop.services.auth import AuthService
from pos_desktop.services.i18n import N_, _
from pos_desktop.services.ports import SystemClock
from pos_desktop.services.store_admin import amount_text
from pos_desktop.storage.setup_progress_repo import save_page

from .login_dialog import PinPad, pin_entry, show_error
from .printer_setup import PrinterSetup

AT = "_at"  # progress key: the page to resume on
# The country presets' names and tax rate names (English in pos_desktop.domain.countries),
# marked here for the catalogues: the country page shows them in the chosen language.
PRESET_WORDS = (
    N_("Germany"),
    N_("France"),
    N_("Austria"),
    N_("Netherlands"),
    N_("United Kingdom"),
    N_("United States"),
    N_("Switzerland"),
    N_("Standard"),
    N_("Reduced"),
    N_("Intermediate"),
    N_("Zero"),
    N_("Sales tax"),
    N_("Non-taxable"),
    N_("Lodging"),
)
RECOMMENDED_PIN_DIGITS = 6


def _message() -> QLabel:
    label = QLabel("")
    label.setObjectName("message")
    label.setWordWrap(True)
    return label


def _multiline(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(80)
    return edit


class SetupPage(QWizardPage):
    """A page whose answers are a dict, saved on Next."""

    key = ""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.message = _message()

    def answers(self) -> dict:
        return {}

    def restore(self, answers: dict) -> None:
        """Fill the fields from saved answers (a resumed setup)."""

    def check(self) -> str | None:
        """What is wrong with the answers (None: go on)."""
        return None

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        problem = self.check()
        if problem:
            show_error(self.message, problem)
            return False
        self.message.setText("")
        wizard = self.wizard()
        save_page(wizard.db, self.key, self.answers())
        save_page(wizard.db, AT, {"page": wizard.currentId() + 1})
        return True


class LanguagePage(SetupPage):
    key = "language"

    def __init__(self) -> None:
        super().__init__(_("Welcome"), _("Let's set up this till. First, the language it speaks."))
        self.language = QComboBox()
        self.language.setAccessibleName("Language")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        form = QFormLayout(self)
        form.addRow(_("Language"), self.language)
        form.addRow(QLabel(_("More languages arrive with a later version.")))

    def answers(self) -> dict:
        return {"language": self.language.currentData()}

    def validatePage(self) -> bool:  # noqa: N802 (Qt API)
        if not super().validatePage():
            return False
        self.wizard().speak(self.language.currentData())  # the next pages in that language
        return True

    def restore(self, answers: dict) -> None:
        self.language.setCurrentIndex(max(self.language.findData(answers.get("language")), 0))


def preset_summary(code: str) -> str:
    """What the country preset sets, in a sentence per line."""
    p = preset_for(code)
    rates = ", ".join(f"{r.code} {_(r.name)} {r.percent.normalize():f} %" for r in p.tax_rates)
    prices = (
        _("Shelf prices include tax.")
        if p.prices_include_tax
        else _("Sales tax is added per line.")
    )
    rounding = (
        _("Cash totals round to {amount}.").format(
            amount=amount_text(p.cash_increment_minor, p.currency)
        )
        if p.cash_increment_minor > 1
        else _("Cash is not rounded.")
    )
    return "\n".join(
        [
            _("Currency: {currency}").format(currency=p.currency),
            _("Tax rates: {rates}").format(rates=rates),
            prices,
            rounding,
        ]
    )


class CountryPage(SetupPage):
    key = "country"

    def __init__(self) -> None:
        super().__init__(
            _("Country"),
            _(
                "Where is the shop? This sets the currency, the tax rates and cash rounding; "
                "you can change each of them later in Store settings."
            ),
        )
        self.country = QComboBox()
        self.country.setAccessibleName("Country")
        for preset in PRESETS.values():
            self.country.addItem(f"{_(preset.name)} ({preset.code})", preset.code)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.country.currentIndexChanged.connect(
            lambda: self.summary.setText(preset_summary(self.country.currentData()))
        )
        self.summary.setText(preset_summary(self.country.currentData()))
        form = QFormLayout(self)
        form.addRow(_("Country"), self.country)
        form.addRow(self.summary)

    def answers(self) -> dict:
        return {"country": self.country.currentData()}

    def restore(self, answers: dict) -> None:
        self.country.setCurrentIndex(max(self.country.findData(answers.get("country")), 0))


class StorePage(SetupPage):
    key = "store"

    def __init__(self) -> None:
        super().__init__(_("Your store"), _("Printed at the top of every receipt."))
        self.name = QLineEdit()
        self.name.setAccessibleName("Store name")
        self.address = _multiline(_("Street and number\nPostcode and town"))
        self.address.setAccessibleName("Address")
        self.tax_id = QLineEdit()
        self.tax_id.setAccessibleName("Tax id")
        self.tax_id_label = QLabel(_("VAT no."))
        self.currency = QLineEdit()
        self.currency.setMaxLength(3)
        self.currency.setAccessibleName("Currency")
        form = QFormLayout(self)
        form.addRow(_("Store name"), self.name)
        form.addRow(_("Address"), self.address)
        form.addRow(self.tax_id_label, self.tax_id)
        form.addRow(_("Currency"), self.currency)
        form.addRow(self.message)
        self._preset_currency = ""

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        preset = preset_for(self.wizard().country_page.country.currentData())
        self.tax_id_label.setText(preset.tax_id_label)
        if not self.currency.text() or self.currency.text() == self._preset_currency:
            self.currency.setText(preset.currency)  # a changed country changes the default
        self._preset_currency = preset.currency
        self.name.setFocus()

    def answers(self) -> dict:
        return {
            "name": self.name.text().strip(),
            "address": self.address.toPlainText().strip(),
            "tax_id": self.tax_id.text().strip(),
            "currency": self.currency.text().strip().upper(),
        }

    def restore(self, answers: dict) -> None:
        self.name.setText(answers.get("name", ""))
        self.address.setPlainText(answers.get("address", ""))
        self.tax_id.setText(answers.get("tax_id", ""))
        self.currency.setText(answers.get("currency", ""))
        self._preset_currency = answers.get("currency", "")

    def check(self) -> str | None:
        a = self.answers()
        if not a["name"]:
            return "Type the store's name: it heads every receipt."
        from babel.numbers import is_currency

        if len(a["currency"]) != 3 or not is_currency(a["currency"]):
            return "The currency is a three-letter ISO code such as EUR, GBP or CHF."
        return None


class ReceiptPage(SetupPage):
    key = "receipt"

    def __init__(self) -> None:
        super().__init__(
            _("Receipts"), _("Extra lines for the top and the bottom of each receipt.")
        )
        self.header = _multiline(_("e.g. opening hours, a phone number"))
        self.header.setAccessibleName("Receipt header")
        self.footer = _multiline(_("e.g. Thank you for shopping with us!"))
        self.footer.setAccessibleName("Receipt footer")
        self.footer.setPlainText("Thank you!")
        form = QFormLayout(self)
        form.addRow(_("Header"), self.header)
        form.addRow(_("Footer"), self.footer)

    def answers(self) -> dict:
        return {
            "receipt_header": self.header.toPlainText().strip(),
            "receipt_footer": self.footer.toPlainText().strip(),
        }

    def restore(self, answers: dict) -> None:
        self.header.setPlainText(answers.get("receipt_header", ""))
        self.footer.setPlainText(answers.get("receipt_footer", "Thank you!"))


class AdminPage(SetupPage):
    """The first administrator; the PIN is typed twice on the pad and stored only hashed."""

    key = "admin"

    def __init__(self) -> None:
        super().__init__(
            _("Administrator"),
            _(
                "The person who sets up the till and adds the staff. "
                "Pick a 6-digit PIN: it is much harder to guess than 4 digits."
            ),
        )
        self.name = QLineEdit()
        self.name.setAccessibleName("Administrator name")
        self.pin = pin_entry()
        self.repeat = pin_entry()
        self.repeat.setAccessibleName("PIN again")
        self.pad = PinPad(self.pin, self.on_pad_enter)
        for field in (self.pin, self.repeat):  # Enter on the keyboard acts as the pad's
            field.installEventFilter(self)
        self.existing: str | None = None  # created on an earlier run of this setup
        self._short_pin_ok = ""
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("PIN"), self.pin)
        form.addRow(_("PIN again"), self.repeat)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.pad)
        layout.addWidget(self.message)

    def initializePage(self) -> None:  # noqa: N802 (Qt API)
        (self.pin if self.name.text() else self.name).setFocus()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt API)
        """Enter in a PIN field is the pad's Enter, not the wizard's Next (which would check
        the PIN before it was typed twice)."""
        if event.type() == QEvent.Type.KeyPress and event.key() in (
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self.pad.entry = watched
            self.on_pad_enter()
            return True
        return super().eventFilter(watched, event)

    def on_pad_enter(self) -> None:
        """Enter after the first PIN moves on to repeating it; after the second, Next."""
        if self.pad.entry is self.pin and self.pin.text():
            self.pad.entry = self.repeat
            self.repeat.setFocus()
            self.message.setText(_("Type the same PIN again."))
            return
        self.wizard().next()

    def answers(self) -> dict:
        return {"name": self.name.text().strip()}  # never the PIN

    def restore(self, answers: dict) -> None:
        self.name.setText(answers.get("name", ""))
        self.existing = answers.get("name") or None

    def _start_over(self, problem: str) -> str:
        self.pin.clear()
        self.repeat.clear()
        self.pad.entry = self.pin
        self.pin.setFocus()
        return problem

    def check(self) -> str | None:
        name, pin = self.name.text().strip(), self.pin.text()
        if not name:
            return "Type the administrator's name."
        if self.existing == name and not pin:
            return None  # created on an earlier run; the PIN chosen then stays
        if not 4 <= len(pin) <= 8:
            return self._start_over("The PIN has 4 to 8 digits; 6 are recommended.")
        if pin != self.repeat.text():
            return self._start_over("The two PINs differ: type the PIN again, twice.")
        if len(pin) < RECOMMENDED_PIN_DIGITS and self._short_pin_ok != pin:
            self._short_pin_ok = pin
            return (
                f"A {len(pin)}-digit PIN is easy to guess; 6 digits are recommended. "
                "Press Next again to keep it."
            )
        auth = AuthService(self.wizard().db, SystemClock())
        try:
            if auth.users.by_name(name) is None:
                auth.add_user(name, Role.ADMIN, pin, by="setup")
            else:
                auth.reset_pin(name, pin, by="setup")
        except DomainError as err:
            return self._start_over(str(err))
        self.existing = name
        self.pin.clear()
        self.repeat.clear()
        self.pad.entry = self.pin
        return None


class DevicesPage(SetupPage):
    key = "devices"

    def __init__(self, tasks) -> None:
        super().__init__(
            _("Receipt printer"),
            _(
                "Pick the printer's model and how it is connected, then Test. No printer? Keep "
                "'No receipt printer': sales complete and the receipt shows on screen. "
                "Till > Devices changes this later."
            ),
        )
        from pos_desktop.devices.printer import try_printer

        self.printer = PrinterSetup(tasks, lambda uri, profile: try_printer(uri, profile=profile))
        layout = QVBoxLayout(self)
        layout.addWidget(self.printer)
        layout.addWidget(self.message)

    def answers(self) -> dict:
        try:
            uri = self.printer.uri()
        except ValueError:
            uri = None
        return {"uri": uri, "profile": self.printer.profile()}

    def restore(self, answers: dict) -> None:
        self.printer.show_current(answers.get("uri"), answers.get("profile"))

    def check(self) -> str | None:
        try:
            self.printer.uri()
        except ValueError as err:
            return str(err)
        return None

    def validatePage(self) -> bool:  # noqa: N802 (Qt API): Finish, the last page
        return super().validatePage() and self.wizard().finish()
