"""First-run setup: what a new till asks before it can sell, one page at a time.

Language, country (its presets: currency, tax rates, tax-inclusive prices, cash rounding), the
store, receipt texts, the first administrator with a PIN on the pad, then the receipt printer
(may be skipped). Each page's answers are saved when the person presses Next, so a wizard left
half-way resumes where it was; the administrator is created (PIN hashed) on the admin page, the
store and the printer on Finish. Everything can be changed later (Till > Store settings,
Till > Devices).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWizard

from pos_desktop.config import ConfigError, load_config, save_config
from pos_desktop.domain.errors import DomainError
from pos_desktop.services.i18n import _, current_language
from pos_desktop.services.store_setup import SetupAnswers, create_store
from pos_desktop.storage.settings_repo import load_settings
from pos_desktop.storage.setup_progress_repo import clear_progress, load_progress

from .language import speak
from .views.login_dialog import show_error
from .views.setup_pages import (
    AT,
    AdminPage,
    CountryPage,
    DevicesPage,
    LanguagePage,
    ReceiptPage,
    StorePage,
)


def needs_setup(db) -> bool:
    """True for a new data dir, and for a setup that was left before Finish."""
    return load_settings(db) is None or bool(load_progress(db))


class SetupWizard(QWizard):
    """The first-run setup; ``exec()`` is true once the store exists."""

    def __init__(self, db, data_dir, tasks, parent=None) -> None:
        super().__init__(parent)
        self.db, self.data_dir, self.tasks = db, data_dir, tasks
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        # A setup resumed after its language page speaks the language chosen there.
        chosen = load_progress(db).get(LanguagePage.key, {}).get("language")
        if chosen:
            speak(chosen)
        self.setWindowTitle(_("Set up your till"))
        self.language_page = LanguagePage()
        self.setPage(0, self.language_page)
        self._add_pages_after_language()
        self.resize(760, 600)
        self.resume_at = self._restore()

    def _add_pages_after_language(self) -> None:
        """The pages after the language page, made in the current language."""
        self.country_page = CountryPage()
        self.store_page = StorePage()
        self.receipt_page = ReceiptPage()
        self.admin_page = AdminPage()
        self.devices_page = DevicesPage(self.tasks)
        self.pages = (
            self.language_page,
            self.country_page,
            self.store_page,
            self.receipt_page,
            self.admin_page,
            self.devices_page,
        )
        for index, page in enumerate(self.pages[1:], start=1):
            self.setPage(index, page)

    def speak(self, language: str) -> None:
        """The language page's choice: every later page (and Qt's buttons) in that language.

        The pages' texts are set when they are made, so they are made again; answers already
        saved on them come back (a person who went back to change the language).
        """
        if language == current_language():
            return
        speak(language)
        self.setWindowTitle(_("Set up your till"))
        for index in range(1, len(self.pages)):
            page = self.page(index)
            self.removePage(index)
            page.deleteLater()
        self._add_pages_after_language()
        self._restore()

    def _restore(self) -> int:
        progress = load_progress(self.db)
        for page in self.pages:
            if page.key in progress:
                page.restore(progress[page.key])
        return min(progress.get(AT, {}).get("page", 0), len(self.pages) - 1)

    def resume(self) -> None:
        """Go forward to the page the person left (each earlier page re-checks its answers)."""
        while self.currentId() < self.resume_at and self.currentPage().validatePage():
            self.next()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        if self.resume_at and self.currentId() == 0:
            self.resume()

    def finish(self) -> bool:
        """Create the store and save the printer (Finish on the last page); False: not yet."""
        answers = {}
        for page in (self.language_page, self.country_page, self.store_page, self.receipt_page):
            answers.update(page.answers())
        try:
            create_store(self.db, SetupAnswers(**answers))
        except (KeyError, ValueError, DomainError) as err:
            show_error(
                self.devices_page.message,
                _("The store could not be created: {err}").format(err=err),
            )
            return False
        printer = self.devices_page.answers()
        if printer["uri"]:
            from .views.devices_dialog import with_printer

            try:
                config = load_config(self.data_dir)
                save_config(with_printer(config, printer["uri"], printer["profile"]))
            except (ConfigError, OSError) as err:  # the store stays; Finish can be pressed again
                show_error(
                    self.devices_page.message,
                    _("The printer could not be saved: {err}").format(err=err),
                )
                return False
        clear_progress(self.db)
        return True


def run_setup(db, data_dir, tasks, parent=None) -> bool:
    """Show the wizard when the till needs it; True when the store is (now) set up."""
    if not needs_setup(db):
        return True
    wizard = SetupWizard(db, data_dir, tasks, parent)
    return bool(wizard.exec())
