"""The till's language on screen: our own texts (gettext, services/i18n) *and* Qt's.

Qt draws some words itself: the standard buttons of dialogs (Save, Cancel, Yes, No), the
wizard's Back/Next/Finish, the context menu of a text field. Those come from Qt's own
catalogues (``qtbase_<lang>.qm``, shipped inside PySide6), which a QTranslator must load;
without it a German till said "Save" under a German question.
"""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication

from pos_desktop.services.i18n import SOURCE_LANGUAGE, current_language, set_language

_installed: list[QTranslator] = []  # Qt keeps only a pointer: the translator must stay alive


def speak(language: str) -> None:
    """Speak ``language`` from now on: our catalogue and Qt's standard texts.

    Widgets made afterwards use it; Qt also sends every widget a LanguageChange event.
    """
    set_language(language)
    app = QApplication.instance()
    if app is None:
        return
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    code = current_language()
    if code == SOURCE_LANGUAGE:
        return
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if translator.load(f"qtbase_{code}", folder):
        app.installTranslator(translator)
        _installed.append(translator)
