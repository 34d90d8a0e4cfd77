"""One stylesheet: large, high-contrast text readable from 2 m; big touch targets."""

STYLE = """
QWidget { font-size: 15px; }
QMainWindow, QDialog { background: #f4f5f7; }
QLineEdit#scanEntry { font-size: 22px; padding: 8px; border: 2px solid #3b6ea8; border-radius: 6px;
    background: white; }
QTableView { font-size: 17px; background: white; alternate-background-color: #eef2f7;
    selection-background-color: #3b6ea8; selection-color: white; gridline-color: #d0d5dd; }
QHeaderView::section { font-size: 14px; font-weight: bold; padding: 6px; background: #dde3ea;
    border: none; }
QLabel#totalLabel { font-size: 46px; font-weight: bold; color: #102a43; }
QLabel#totalCaption { font-size: 18px; color: #486581; }
QLabel#subtotalLabel, QLabel#taxLabel { font-size: 18px; color: #334e68; }
QLabel#message { font-size: 16px; padding: 6px 10px; border-radius: 4px; }
QLabel#message[kind="error"] { background: #fde8e8; color: #9b1c1c; }
QLabel#message[kind="info"] { background: #e6f4ea; color: #1e6b34; }
QPushButton { font-size: 16px; min-height: 52px; padding: 4px 12px; border-radius: 6px;
    background: #e1e7ef; border: 1px solid #b6c2d1; }
QPushButton:pressed { background: #c5d1e0; }
QPushButton#payButton { background: #1f8a4c; color: white; font-size: 20px; font-weight: bold;
    min-height: 72px; border: none; }
QPushButton#payButton:disabled { background: #9dbfaa; }
QPushButton#quickCash { background: #fff7e0; border-color: #e0c36b; font-weight: bold; }
QPlainTextEdit#receiptPreview { font-family: "DejaVu Sans Mono", monospace; font-size: 11px;
    background: #fffef8; border: 1px solid #d9d2b5; }
QLabel#statusChip { padding: 3px 10px; border-radius: 10px; background: #dde3ea; }
QLabel#statusChip[state="ok"] { background: #d3f0dc; color: #1e6b34; }
QLabel#statusChip[state="warn"] { background: #fff1c2; color: #8a5a00; }
QLabel#statusChip[state="error"] { background: #fde8e8; color: #9b1c1c; }
"""
