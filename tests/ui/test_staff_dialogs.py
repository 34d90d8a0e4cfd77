"""Login PIN pad, approval dialog and shift dialogs, offscreen with pytest-qt."""

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

sys.path.insert(0, str(Path(__file__).parents[1] / "integration"))
from test_shifts_support import PIN, make_env, ring_sale  # noqa: E402

from pos_desktop.domain.staff import Action  # noqa: E402
from pos_desktop.ui.views.approval_dialog import ApprovalDialog  # noqa: E402
from pos_desktop.ui.views.login_dialog import LoginDialog  # noqa: E402
from pos_desktop.ui.views.shift_dialogs import (  # noqa: E402
    CloseShiftDialog,
    OpenShiftDialog,
    ReportViewerDialog,
)


@pytest.fixture
def env(tmp_path, qapp):
    env = make_env(tmp_path)
    yield env
    env.close()


def test_login_with_pad_and_keyboard(qtbot, env):
    dlg = LoginDialog(env.auth)
    qtbot.addWidget(dlg)
    dlg.names.setCurrentIndex(dlg.names.findData("Cashier"))
    for digit in "1112":
        qtbot.mouseClick(dlg.pad.buttons[digit], Qt.MouseButton.LeftButton)
    assert dlg.pin.echoMode() == dlg.pin.EchoMode.Password
    qtbot.mouseClick(dlg.pad.buttons["Enter"], Qt.MouseButton.LeftButton)
    assert "Wrong PIN for Cashier" in dlg.message.text() and dlg.pin.text() == ""
    qtbot.keyClicks(dlg.pin, "11\x1b11x")  # control chars and letters never get in
    assert dlg.pin.text() == "1111"
    qtbot.keyClick(dlg.pin, Qt.Key.Key_Return)
    assert dlg.result() == dlg.DialogCode.Accepted and dlg.user.name == "Cashier"


def test_approval_dialog_shows_action_and_records_approver(qtbot, env):
    dlg = ApprovalDialog(env.auth, Action.VOID_LINE, env.users["cashier"], "Line 2: Milk")
    qtbot.addWidget(dlg)
    texts = " ".join(w.text() for w in dlg.findChildren(type(dlg.message)))
    assert "Approve: Void a line" in texts and "Requested by Cashier" in texts
    assert "Cashier" not in [dlg.approver.itemData(i) for i in range(dlg.approver.count())]
    dlg.approver.setCurrentIndex(dlg.approver.findData("Supervisor"))
    qtbot.keyClicks(dlg.pin, PIN["supervisor"])
    dlg.approve()
    approval = dlg.result_value
    assert (approval.requester, approval.approver, approval.reason) == (
        "Cashier",
        "Supervisor",
        "MISSCAN",
    )


def test_open_then_blind_close_with_recount_and_approval(qtbot, env):
    opener = OpenShiftDialog(env.shifts, env.users["cashier"], "en_IE")
    qtbot.addWidget(opener)
    opener.counter.spins[1000].setValue(5)
    opener.submit()
    assert opener.shift and opener.shift.float_count.total().amount_minor == 5000
    ring_sale(env, [(2500, "A")])

    class AutoApprove(ApprovalDialog):  # answers like a manager would
        def exec(self):
            self.approver.setCurrentIndex(self.approver.findData("Manager"))
            self.pin.setText(PIN["manager"])
            self.approve()
            return self.result() == self.DialogCode.Accepted

    closer = CloseShiftDialog(env.shifts, env.auth, env.users["cashier"], "en_IE")
    closer.approval_dialog_factory = AutoApprove
    qtbot.addWidget(closer)
    assert "75" not in closer.counter.total.text()  # the expected 75.00 is never shown
    closer.counter.spins[1000].setValue(5)
    closer.submit()
    assert "Count the drawer again" in closer.message.text()
    assert closer.counter.count().total().amount_minor == 0
    closer.counter.spins[1000].setValue(5)
    closer.submit()
    z = closer.z_report
    assert z.data["approved_by"] == "Manager" and z.data["variances"][0]["outcome"] == "short"

    printed, pdf = [], Path(env.db.database).parent / "z.pdf"
    viewer = ReportViewerDialog(
        z, "en_IE", print_report=printed.append, ask_pdf_path=lambda: str(pdf)
    )
    qtbot.addWidget(viewer)
    assert viewer.windowTitle() == "Z report 1"
    viewer.print_now()
    viewer.save_pdf()
    assert printed == [z] and pdf.read_bytes().startswith(b"%PDF")
    # formatted like the printed report: sections, aligned amounts, the variance highlighted
    texts = viewer.view.texts()
    assert "Corner Market (demo)" in texts and "Currency EUR" in texts
    assert {"Sales by tax rate", "Tenders", "Cash", "Cashiers"} <= set(viewer.view.sections)
    highlighted = [w for w in viewer.findChildren(QLabel) if w.property("highlight")]
    assert [w.text() for w in highlighted] == ["Variance (short)", "", "-25.00"]
    amount = highlighted[-1]
    assert amount.alignment() & Qt.AlignmentFlag.AlignRight
