"""Documents both the till and the cloud produce (the X/Z report as a PDF).

``pos_common`` holds what everything shares with the standard library alone; the documents
need ReportLab, so they live here. This package may import ``pos_common`` and ReportLab, never
the till, the cloud, the device drivers or Qt (an import-linter contract in pyproject.toml).
"""
