"""The journey harness itself: a step that fails while the locked screen's login dialog is
open fails the test at once (the lock re-opens its dialog until somebody logs in, so closing
the dialog alone used to leave the test hanging until the journey's timeout)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt

from pos_desktop.ui.views.login_dialog import LoginDialog


def test_a_failure_behind_the_lock_screen_fails_at_once(journey):
    def steps(j):
        yield j.key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        yield j.modal(LoginDialog)
        raise AssertionError("a step failed while the login dialog was open")

    started = time.monotonic()
    with pytest.raises(AssertionError, match="login dialog was open"):
        journey.run(steps, timeout_s=30)
    assert time.monotonic() - started < 10
