"""Small inline SVG charts (no JavaScript, no external library): bars for breakdowns, columns for trends.

Each chart is named for screen readers (role="img" with a title), labels wrap instead of being cut, and a
hidden or withheld cell is drawn as a stub carrying its mark («<5», «скрыто»), never as a number."""

import textwrap

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

COLOURS = ["#0b5c8a", "#8fb8d3"]
INK, MUTED = "#1d2733", "#4d5b6a"


def _open(width, height, name):
    # width="100%" with a viewBox: the chart scales to its card and keeps its proportions.
    return [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{escape(name)}" width="100%" '
            f'viewBox="0 0 {width} {height}"><title>{escape(name)}</title>']


def _close(parts):
    parts.append("</svg>")
    # Every text piece is escaped above.
    return mark_safe("".join(parts))  # nosec


def bars(rows, name="", width=560, bar=18, gap=10, label_width=250, chars=38):
    """Horizontal bars; each label wrapped over as many lines as it needs."""
    numbers = [n for _label, n in rows if isinstance(n, int)]
    top = max(numbers, default=0) or 1
    lines = [textwrap.wrap(str(label), chars) or [""] for label, _n in rows]
    heights = [max(bar, 13 * len(wrapped)) for wrapped in lines]
    parts = _open(width, sum(heights) + gap * (len(rows) + 1), name)
    y = gap
    for (_label, n), wrapped, h in zip(rows, lines, heights, strict=True):
        length = (width - label_width - 60) * (n / top if isinstance(n, int) else 0.02)
        text = "".join(f'<tspan x="0" dy="{0 if i == 0 else 13}">{escape(line)}</tspan>'
                       for i, line in enumerate(wrapped))
        parts.append(f'<text x="0" y="{y + 11}" font-size="11" fill="{INK}">{text}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{max(length, 2):.1f}" height="{bar}" '
                     f'fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{label_width + max(length, 2) + 4:.1f}" y="{y + bar - 5}" font-size="11" '
                     f'fill="{INK}">{escape(str(n))}</text>')
        y += h + gap
    return _close(parts)


def columns(series, previous=None, name="", width=560, height=160):
    """Monthly columns; the previous period, when given, as a lighter column beside each, paired by the month's
    place in the period (the first month of this quarter beside the first of the previous one), with a legend."""
    values = [n for _m, n in series if isinstance(n, int)] + [n for _m, n in (previous or []) if isinstance(n, int)]
    top = max(values, default=0) or 1
    count = max(len(series), 1)
    slot = (width - 20) / count
    legend = 22 if previous else 0
    parts = _open(width, height + 20 + legend, name)
    parts.append(f'<line x1="10" y1="{height}" x2="{width - 10}" y2="{height}" stroke="#8795a3"/>')
    every = -(-count // 12)  # at most twelve month labels
    for i, (month, n) in enumerate(series):
        x = 10 + i * slot
        h = (height - 20) * (n / top if isinstance(n, int) else 0.02)
        parts.append(f'<rect x="{x + slot * 0.12:.1f}" y="{height - h:.1f}" width="{slot * 0.36:.1f}" '
                     f'height="{h:.1f}" fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{x + slot * 0.12:.1f}" y="{height - h - 3:.1f}" font-size="10" '
                     f'fill="{INK}">{escape(str(n))}</text>')
        if previous and i < len(previous):
            p = previous[i][1]
            ph = (height - 20) * (p / top if isinstance(p, int) else 0.02)
            parts.append(f'<rect x="{x + slot * 0.5:.1f}" y="{height - ph:.1f}" width="{slot * 0.36:.1f}" '
                         f'height="{ph:.1f}" fill="{COLOURS[1]}"/>')
        label = month.strftime("%m.%y") if hasattr(month, "strftime") else str(month)
        if i % every == 0:
            parts.append(f'<text x="{x + slot * 0.12:.1f}" y="{height + 14}" font-size="10" fill="{MUTED}">'
                         f'{escape(label)}</text>')
    if previous:
        y = height + 28
        for i, text in enumerate((_("this period"), _("previous period"))):
            x = 10 + i * 170
            parts.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{COLOURS[i]}"/>'
                         f'<text x="{x + 18}" y="{y + 10}" font-size="11" fill="{INK}">{escape(text)}</text>')
    return _close(parts)
