"""Device drivers and simulators for the till. Never imports Qt or the app.

Import submodules directly (``hardware.printers``, ``hardware.uri``, ...): this package stays
empty so importing it never pulls in optional libraries such as python-escpos.
"""
