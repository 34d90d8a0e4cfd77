"""Store settings (manager): everything store-wide in one place, saved together or not at all.

The same keys as ``pos-admin store set`` (services.store_admin checks them); the idle lock is
this till's config.toml. Saved settings apply to the next sale and receipt, without a restart.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.config import ConfigError, load_config, save_config
from pos_desktop.devices.printer import logo_problem
from pos_desktop.domain.countries import LANGUAGES, PRESETS
from pos_desktop.domain.errors import DomainError
from pos_desktop.domain.staff import Action
from pos_desktop.services.i18n import _
from pos_desktop.services.policy_admin import PolicyChange
from pos_desktop.services.store_admin import (
    StoreSettingError,
    load_state,
    set_values_at_till,
    shown_values,
)
from pos_desktop.services.timezones import known_timezones, local_zone_text

from ..language import speak
from .policy_page import PolicyPage

EXTRA_TENDER_ROWS = 2  # empty rows to add tenders in


def _multiline(text: str) -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(72)
    return edit


class StoreSettingsDialog(QDialog):
    def __init__(self, container, parent=None, *, approval=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Store settings"))
        self.container = container
        self.approval = approval  # STORE_SETTINGS token; the service uses it up on saving
        self.saved = None  # the StoreSettings once saved
        state = load_state(container.db)
        s, c = state.settings, state.checkout
        shown = shown_values(state)

        tabs = QTabWidget()
        # -- store --
        self.name = QLineEdit(s.name)
        self.address = _multiline(s.address)
        self.tax_id = QLineEdit(s.tax_id)
        self.country = QComboBox()
        self.country.addItem("(none)", "")
        for preset in PRESETS.values():
            self.country.addItem(f"{preset.name} ({preset.code})", preset.code)
        self.country.setCurrentIndex(max(self.country.findData(s.country), 0))
        self.language = QComboBox()
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(self.language.findData(s.language), 0))
        self.timezone = QComboBox()
        self.timezone.setEditable(True)  # type "Europe/Be..." and pick, or pick from the list
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.setAccessibleName("Time zone")
        self.timezone.addItem(local_zone_text(), "")
        for name in known_timezones():
            self.timezone.addItem(name, name)
        self.timezone.setCurrentIndex(max(self.timezone.findData(s.timezone), 0))
        self.timezone.completer().setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.completer().setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        store = QWidget()
        form = QFormLayout(store)
        form.addRow(_("Store name"), self.name)
        form.addRow(_("Address"), self.address)
        form.addRow(_("VAT / tax id"), self.tax_id)
        form.addRow(_("Country"), self.country)
        form.addRow(_("Language"), self.language)
        form.addRow(_("Time zone (X/Z reports)"), self.timezone)
        form.addRow(_("Currency"), QLabel(s.currency))
        tabs.addTab(store, _("Store"))
        # -- receipts --
        self.header = _multiline(s.receipt_header)
        self.footer = _multiline(s.receipt_footer)
        self.logo = QLineEdit(s.receipt_logo)
        self.logo.setPlaceholderText(_("no logo"))
        browse = QPushButton(_("Choose..."))
        browse.clicked.connect(self.on_browse_logo_clicked)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        receipts = QWidget()
        form = QFormLayout(receipts)
        form.addRow(_("Header lines"), self.header)
        form.addRow(_("Footer lines"), self.footer)
        form.addRow(_("Logo (PNG/JPEG)"), logo_row)
        self.receipt_qr = QCheckBox(_("QR code for the digital receipt (needs the cloud)"))
        self.receipt_qr.setChecked(s.receipt_qr)
        form.addRow("", self.receipt_qr)
        tabs.addTab(receipts, _("Receipts"))
        # -- taxes --
        self.prices_include_tax = QCheckBox(_("Shelf prices include tax"))
        self.prices_include_tax.setChecked(s.prices_include_tax)
        self.rates = QTableWidget(len(state.tax_rates) + 1, 3)
        self.rates.setHorizontalHeaderLabels([_("Code"), _("Name"), _("Percent")])
        for row, rate in enumerate(state.tax_rates):
            for col, text in enumerate((rate.code, rate.name, f"{rate.percent.normalize():f}")):
                item = QTableWidgetItem(text)
                if col == 0:  # products point at the code: change the name and rate only
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.rates.setItem(row, col, item)
        self.rates.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        taxes = QWidget()
        box = QVBoxLayout(taxes)
        box.addWidget(self.prices_include_tax)
        box.addWidget(self.rates)
        box.addWidget(QLabel(_("Add a rate in the empty row. A rate in use cannot be removed.")))
        tabs.addTab(taxes, _("Taxes"))
        # -- payments --
        self.cash_rounding = QLineEdit(shown["cash_rounding"])
        self.cash_rounding.setAccessibleName("Cash rounding")
        self.discount_limit = QLineEdit(shown["discount_limit"])
        self.loyalty_points = QLineEdit(shown["loyalty_points"])
        self.loyalty_point_value = QLineEdit(shown["loyalty_point_value"])
        self.loyalty_group_rates = QLineEdit(shown["loyalty_group_rates"])
        self.loyalty_group_rates.setPlaceholderText(_("e.g. Coffee=2, Tobacco=0"))
        self.loyalty_tiers = QLineEdit(shown["loyalty_tiers"])
        self.loyalty_tiers.setPlaceholderText(_("e.g. Silver=500:1.25, Gold=2000:1.5"))
        self.tenders = QTableWidget(len(c.other_tenders) + EXTRA_TENDER_ROWS, 2)
        self.tenders.setHorizontalHeaderLabels([_("Other tender"), _("Opens the drawer")])
        for row in range(self.tenders.rowCount()):
            name = c.other_tenders[row] if row < len(c.other_tenders) else ""
            self.tenders.setItem(row, 0, QTableWidgetItem(name))
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            opens = name in c.drawer_tenders
            check.setCheckState(Qt.CheckState.Checked if opens else Qt.CheckState.Unchecked)
            self.tenders.setItem(row, 1, check)
        self.tenders.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        payments = QWidget()
        form = QFormLayout(payments)
        form.addRow(_("Cash rounding step"), self.cash_rounding)
        form.addRow(_("Discounts above (%) need a manager"), self.discount_limit)
        form.addRow(_("Loyalty points per 1 unit paid (0: off)"), self.loyalty_points)
        form.addRow(_("What one point pays"), self.loyalty_point_value)
        form.addRow(_("Points per product group (x the rate)"), self.loyalty_group_rates)
        form.addRow(_("Loyalty tiers (points earned in 365 days)"), self.loyalty_tiers)
        form.addRow(self.tenders)
        tabs.addTab(payments, _("Payments"))
        # -- approvals --
        self.policy_page = PolicyPage(container.auth.policy)
        tabs.addTab(self.policy_page, _("Approvals"))
        # -- this till --
        self.idle_lock = QSpinBox()
        self.idle_lock.setRange(1, 1440)
        self.idle_lock.setSuffix(" min")
        self.idle_lock.setValue(max(container.config.lock_after_idle_s // 60, 1))
        till = QWidget()
        form = QFormLayout(till)
        form.addRow(_("Lock the screen after"), self.idle_lock)
        tabs.addTab(till, _("This till"))

        self.message = QLabel("")
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.on_save_clicked)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.tabs = tabs
        self.resize(900, 600)

    def on_browse_logo_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Receipt logo", "", "Pictures (*.png *.jpg *.jpeg *.bmp)"
        )
        if path:
            self.logo.setText(path)

    def changes(self) -> list[tuple[str, str]]:
        """Every field as (key, text) in the order the checks need (tenders before drawer)."""
        pairs = [
            ("name", self.name.text()),
            ("address", self.address.toPlainText()),
            ("tax_id", self.tax_id.text()),
            ("country", self.country.currentData()),
            ("language", self.language.currentData()),
            ("timezone", self._timezone_text()),
            ("receipt_header", self.header.toPlainText()),
            ("receipt_footer", self.footer.toPlainText()),
            ("receipt_logo", self.logo.text()),
            ("receipt_qr", "yes" if self.receipt_qr.isChecked() else "no"),
            ("prices_include_tax", "yes" if self.prices_include_tax.isChecked() else "no"),
            ("cash_rounding", self.cash_rounding.text()),
            ("discount_limit", self.discount_limit.text()),
            ("loyalty_points", self.loyalty_points.text()),
            ("loyalty_point_value", self.loyalty_point_value.text()),
            ("loyalty_group_rates", self.loyalty_group_rates.text()),
            ("loyalty_tiers", self.loyalty_tiers.text()),
        ]
        for row in range(self.rates.rowCount()):
            cells = [self.rates.item(row, col) for col in range(3)]
            texts = [cell.text().strip() if cell else "" for cell in cells]
            if any(texts):
                pairs.append(("tax_rate", ":".join(texts)))
        names, drawer = [], []
        for row in range(self.tenders.rowCount()):
            item, check = self.tenders.item(row, 0), self.tenders.item(row, 1)
            name = item.text().strip() if item else ""
            if name:
                names.append(name)
                if check is not None and check.checkState() == Qt.CheckState.Checked:
                    drawer.append(name)
        pairs.append(("tenders", ", ".join(names)))
        pairs.append(("drawer_tenders", ", ".join(drawer)))
        return pairs

    def policy_change(self) -> PolicyChange:
        """The edited approval policy, to save with the settings (raises ``DomainError``)."""
        staff = getattr(self.parent(), "staff", None)
        user = staff.user.name if staff is not None and staff.user is not None else "till"
        page = self.policy_page
        return PolicyChange(page.base, page.policy(), user, self.container.clock.now())

    def _timezone_text(self) -> str:
        """The zone as typed or picked; the first entry ("Local (CET)") is the till's own."""
        text = self.timezone.currentText().strip()
        return "" if text == self.timezone.itemText(0) else text

    def on_save_clicked(self) -> None:
        container = self.container
        try:
            policy = self.policy_change()
        except DomainError as err:  # a table nobody could approve: nothing is saved
            self.say(str(err))
            return
        try:
            state = set_values_at_till(
                container.db,
                self.changes(),
                self.approval,
                data_dir=container.config.data_dir,
                check_logo=logo_problem,
                policy=policy,
            )
        except StoreSettingError as err:
            self.say(str(err))  # checked before the approval is used: it still holds
            return
        except DomainError as err:  # the approval expired (the dialog stayed open for long)
            self.approval = None
            self.say(_("{err} Press Save again.").format(err=err))
            self._reapprove()
            return
        seconds = self.idle_lock.value() * 60
        if seconds != container.config.lock_after_idle_s:
            try:
                config = replace(load_config(container.config.data_dir), lock_after_idle_s=seconds)
                save_config(config)
            except (ConfigError, OSError) as err:
                self.say(
                    _("The store settings are saved, but not the screen lock: {err}").format(
                        err=err
                    )
                )
                return
            container.config = replace(container.config, lock_after_idle_s=seconds)
            staff = getattr(self.parent(), "staff", None)
            if staff is not None:
                staff.idle.setInterval(seconds * 1000)
        container.use_store_settings(state.settings, state.checkout)
        speak(state.settings.language)  # receipts and new screens; the window at restart
        self.saved = state.settings
        self.accept()

    def _reapprove(self) -> None:
        """A fresh token from the window's policy check (a manager: silent; others: the PIN)."""
        if self.approval is None and hasattr(self.parent(), "approve_screen"):
            self.approval = self.parent().approve_screen(
                Action.STORE_SETTINGS, "The store's policy no longer lets you save these settings."
            )

    def say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "error")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
