"""Store settings > Approvals: the approval policy (role x action) as a table a manager edits.

Each cell is a drop-down (allowed alone / needs approval / refused), the last column demands a
second person. ``policy()`` builds the edited table through ``ApprovalPolicy.with_decision``, so
a table nobody could approve is refused with the domain's message before anything is saved.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pos_desktop.domain.policy import ApprovalPolicy, Decision
from pos_desktop.domain.staff import Action, Role, action_label
from pos_desktop.services.i18n import N_, _

DECISION_TEXTS = {
    Decision.ALLOWED: N_("Allowed"),
    Decision.APPROVAL: N_("Approval"),
    Decision.REFUSED: N_("Refused"),
}
ROLE_TEXTS = {
    Role.CASHIER: N_("Cashier"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.MANAGER: N_("Manager"),
    Role.ADMIN: N_("Admin"),
}


class PolicyPage(QWidget):
    """The policy table; ``policy()`` is the edited policy (raises ``DomainError``)."""

    def __init__(self, policy: ApprovalPolicy, parent=None) -> None:
        super().__init__(parent)
        self.base = policy
        self.roles = list(Role)
        self.actions = list(Action)
        self.table = QTableWidget(len(self.actions), len(self.roles) + 1)
        self.table.setObjectName("policyTable")
        self.table.setHorizontalHeaderLabels(
            [_(ROLE_TEXTS[r]) for r in self.roles] + [_("Second person")]
        )
        self.table.setVerticalHeaderLabels([_(action_label(a)) for a in self.actions])
        self._cells: dict[tuple[Action, Role], QComboBox] = {}
        self._second: dict[Action, QTableWidgetItem] = {}
        for row, action in enumerate(self.actions):
            for col, role in enumerate(self.roles):
                combo = QComboBox()
                combo.setAccessibleName(f"{_(action_label(action))}: {_(ROLE_TEXTS[role])}")
                for decision, text in DECISION_TEXTS.items():
                    combo.addItem(_(text), decision.value)
                combo.setCurrentIndex(combo.findData(policy.decide(role, action).value))
                self.table.setCellWidget(row, col, combo)
                self._cells[(action, role)] = combo
            check = QTableWidgetItem()
            check.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            second = policy.needs_second_person(action)
            check.setCheckState(Qt.CheckState.Checked if second else Qt.CheckState.Unchecked)
            self.table.setItem(row, len(self.roles), check)
            self._second[action] = check
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel(
            _(
                "Allowed: the role does it, confirming with their own PIN. Approval: somebody "
                "allowed enters their PIN. Second person: never the one who asks."
            )
        )
        note.setWordWrap(True)
        box = QVBoxLayout(self)
        box.addWidget(self.table, 1)
        box.addWidget(note)

    def cell(self, action: Action | str, role: Role | str) -> QComboBox:
        """The drop-down for ``role`` doing ``action``."""
        return self._cells[(Action(action), Role(role))]

    def policy(self) -> ApprovalPolicy:
        """The edited policy.

        Raises:
            DomainError: the table would leave nobody to approve an action (or take user
                management from admins).
        """
        changed = [
            (role, action, Decision(combo.currentData()))
            for (action, role), combo in self._cells.items()
            if Decision(combo.currentData()) is not self.base.decide(role, action)
        ]
        # Grants first: every step then allows at least what the final table allows, so only a
        # final table nobody could approve is refused.
        changed.sort(key=lambda c: c[2] is not Decision.ALLOWED)
        policy = self.base
        for role, action, decision in changed:
            policy = policy.with_decision(role, action, decision)
        for action, check in self._second.items():
            required = check.checkState() == Qt.CheckState.Checked
            if required != policy.needs_second_person(action):
                policy = policy.with_second_person(action, required)
        return policy
