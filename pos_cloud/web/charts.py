"""Bar charts as inline SVG, drawn on the server (no chart library, nothing to download)."""

from __future__ import annotations

from markupsafe import Markup, escape

from .analytics import Bucket

WIDTH, HEIGHT, PAD_BOTTOM, PAD_TOP = 720, 220, 22, 10


def bar_chart(buckets: list[Bucket], title: str) -> Markup:
    """Filled bars for the period, outlined bars for the previous one, labels below."""
    if not buckets:
        return Markup("")  # noqa: S704 (constant)
    top = max([1, *(b.current for b in buckets), *(b.previous for b in buckets)])
    slot = WIDTH / len(buckets)
    plot = HEIGHT - PAD_BOTTOM - PAD_TOP
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    every = max(1, len(buckets) // 12)  # keep labels readable on a phone
    for i, b in enumerate(buckets):
        x = i * slot
        w = max(slot * 0.7, 1)
        h_cur = plot * b.current / top
        h_prev = plot * b.previous / top
        parts.append(
            f'<rect class="cur" x="{x + slot * 0.15:.1f}" y="{PAD_TOP + plot - h_cur:.1f}" '
            f'width="{w:.1f}" height="{h_cur:.1f}">'
            f"<title>{escape(b.label)}: {b.current}</title></rect>"
        )
        if b.previous:
            parts.append(
                f'<rect class="prev" x="{x + slot * 0.15:.1f}" y="{PAD_TOP + plot - h_prev:.1f}" '
                f'width="{w:.1f}" height="{h_prev:.1f}"/>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + slot / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle">'
                f"{escape(b.label)}</text>"
            )
    parts.append("</svg>")
    # Every piece of text above went through escape(); the rest are numbers we formatted.
    return Markup("".join(parts))  # noqa: S704
