"""Print jobs as plain data (stored with the job) and back, for exact reprints."""

from __future__ import annotations

import dataclasses
import json

from hardware.receipt import Barcode, Cut, DrawerPulse, Feed, Image, PrintJob, QRCode, TextLine

_KINDS = {cls.__name__: cls for cls in (TextLine, Barcode, QRCode, Feed, Cut, DrawerPulse, Image)}


def job_to_json(job: PrintJob) -> str:
    blocks = [{"kind": type(b).__name__, **dataclasses.asdict(b)} for b in job.blocks]
    return json.dumps({"columns": job.columns, "blocks": blocks}, ensure_ascii=False)


def job_from_json(text: str) -> PrintJob:
    data = json.loads(text)
    blocks = []
    for raw in data["blocks"]:
        fields = dict(raw)
        blocks.append(_KINDS[fields.pop("kind")](**fields))
    return PrintJob(blocks=tuple(blocks), columns=data["columns"])


def as_copy(job: PrintJob) -> PrintJob:
    """The same receipt marked as a copy, without the drawer kick (a reprint opens nothing)."""
    banner = TextLine("*** COPY ***", align="center", bold=True)
    blocks = [b for b in job.blocks if not isinstance(b, DrawerPulse)]
    return PrintJob(blocks=(banner, *blocks), columns=job.columns)


def job_as_text(job: PrintJob) -> str:
    """The receipt as the paper would show it, for the screen (no printer, or a look first)."""
    width = job.columns
    lines: list[str] = []
    for block in job.blocks:
        if isinstance(block, TextLine):
            text = block.text[:width]
            if block.align == "center":
                text = text.center(width).rstrip()
            elif block.align == "right":
                text = text.rjust(width)
            lines.append(text)
        elif isinstance(block, Barcode | QRCode):
            lines.append(f"|| {block.data} ||".center(width).rstrip())
        elif isinstance(block, Feed):
            lines.extend([""] * block.lines)
    return "\n".join(lines).rstrip() + "\n"
