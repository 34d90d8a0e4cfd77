"""Stock count (Ctrl+Shift+C, a manager): scan the shelf, fix quantities on the pad, post.

Every scan counts one more of the item (a weight label counts its weight); a number typed or
tapped on the pad and Enter sets the chosen row's count. The table shows expected (as of the
count's start), counted and the variance. "Post count" closes it and queues it for the cloud;
"Close" keeps it open to carry on later.
"""

from __future__ import annotations

from pos_desktop.services.stock_counts import StockCountService

from .scan_table import ScanDocumentDialog, quantity_text


class StockCountDialog(ScanDocumentDialog):
    HEADERS = ("Product", "Expected", "Counted", "Variance")
    POST_TEXT = "Post count"
    CLOSE_TEXT = "Close (carry on later)"
    ENTRY_HINT = "Scan items; or type the count of the chosen row, Enter"

    def __init__(
        self, counts: StockCountService, user_name: str, parent=None, *, approval=None
    ) -> None:
        super().__init__("Stock count", "Scan each item on the shelf.", parent)
        self.counts, self.user_name = counts, user_name
        self.count_id = counts.start(user_name, approval=approval)
        self.quantity = self.entry  # the field a count is typed into
        self.show_lines()
        self.entry.setFocus()

    def lines(self):
        return self.counts.lines(self.count_id)

    def cells(self, line) -> tuple[str, ...]:
        return (line.name, quantity_text(line.expected), quantity_text(line.counted),
                quantity_text(line.variance))  # fmt: skip

    def line_message(self, line) -> str:
        return f"{line.name}: {quantity_text(line.counted)} counted."

    def scan_line(self, code: str):
        return self.counts.scan(self.count_id, code)

    def set_line(self, sku: str, text: str):
        return self.counts.set_counted(self.count_id, sku, text)

    def post(self) -> str:
        lines = self.counts.post(self.count_id, self.user_name)
        off = sum(1 for line in lines if line.variance)
        return f"Count posted: {len(lines)} products, {off} with a variance."
