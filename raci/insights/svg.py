"""Server-rendered SVG figures. Pure module: strings in, markup out, no external assets.

The markup is complete and escaped here, so a template may output it as is.
"""

from __future__ import annotations

import math
from html import escape

# Circle radii in user units: the larger role gets MAX_RADIUS, an empty one MIN_RADIUS.
MIN_RADIUS = 70.0
MAX_RADIUS = 110.0
MARGIN = 16.0
# Distance between the centres as a fraction of the sum of the radii: the circles overlap.
CENTRE_DISTANCE = 0.62


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _tasks(count: int) -> str:
    return f"{count} task" if count == 1 else f"{count} tasks"


def venn_svg(
    *, a_label: str, b_label: str, only_a: int, shared: int, only_b: int, id_prefix: str = "venn"
) -> str:
    """Two overlapping circles with the counts of tasks only ``a`` owns, both own and only ``b`` owns.

    Each circle's area grows with the tasks its role owns (within fixed bounds, so a role owning
    nothing still shows). The figure is an image to assistive technology, named by its
    ``<title>`` and described in words by its ``<desc>``; every area carries its count as text.
    """
    total_a, total_b = only_a + shared, only_b + shared
    largest = max(total_a, total_b, 1)

    def radius(total: int) -> float:
        return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(total / largest)

    ra, rb = radius(total_a), radius(total_b)
    distance = (ra + rb) * CENTRE_DISTANCE
    label_space = 34.0
    cy = MARGIN + label_space + max(ra, rb)
    cxa = MARGIN + ra
    cxb = cxa + distance
    width = cxb + rb + MARGIN
    height = cy + max(ra, rb) + MARGIN

    # Each count sits in the middle of its area along the line through the centres.
    left_a, right_a, left_b, right_b = cxa - ra, cxa + ra, cxb - rb, cxb + rb
    x_only_a = (left_a + min(left_b, right_a)) / 2
    x_shared = (left_b + right_a) / 2
    x_only_b = (max(right_a, left_b) + right_b) / 2

    a, b = escape(a_label), escape(b_label)
    prefix = escape(id_prefix)
    title = f"Overlap of {a} and {b}"
    desc = (
        f"{a} alone owns {_tasks(only_a)}; {a} and {b} both own {_tasks(shared)}; "
        f"{b} alone owns {_tasks(only_b)}."
    )

    def count(x: float, value: int, caption: str) -> str:
        return (
            f'<text x="{_fmt(x)}" y="{_fmt(cy + 4)}" class="venn-count" text-anchor="middle" '
            f'font-size="26" font-weight="700" fill="#1d2330">{value}</text>'
            f'<text x="{_fmt(x)}" y="{_fmt(cy + 24)}" class="venn-caption" text-anchor="middle" '
            f'font-size="12" fill="#1d2330">{caption}</text>'
        )

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="venn" role="img" '
        f'viewBox="0 0 {_fmt(width)} {_fmt(height)}" width="{_fmt(width)}" height="{_fmt(height)}" '
        f'aria-labelledby="{prefix}-title {prefix}-desc">',
        f'<title id="{prefix}-title">{title}</title>',
        f'<desc id="{prefix}-desc">{desc}</desc>',
        f'<circle cx="{_fmt(cxa)}" cy="{_fmt(cy)}" r="{_fmt(ra)}" class="venn-a" '
        f'fill="#2457c5" fill-opacity="0.18" stroke="#2457c5" stroke-width="2"/>',
        f'<circle cx="{_fmt(cxb)}" cy="{_fmt(cy)}" r="{_fmt(rb)}" class="venn-b" '
        f'fill="#c55a24" fill-opacity="0.18" stroke="#c55a24" stroke-width="2" stroke-dasharray="6 3"/>',
        f'<text x="{_fmt(cxa)}" y="{_fmt(cy - ra - 10)}" class="venn-label" text-anchor="middle" '
        f'font-size="16" font-weight="700" fill="#1d2330">{a}</text>',
        f'<text x="{_fmt(cxb)}" y="{_fmt(cy - rb - 10)}" class="venn-label" text-anchor="middle" '
        f'font-size="16" font-weight="700" fill="#1d2330">{b}</text>',
        count(x_only_a, only_a, "only"),
        count(x_shared, shared, "both"),
        count(x_only_b, only_b, "only"),
        "</svg>",
    ]
    return "".join(parts)
