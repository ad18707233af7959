"""Small inline SVG charts (no JavaScript, no external library): bars for breakdowns, columns for trends."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

COLOURS = ["#0b5c8a", "#6a9fc0"]


def bars(rows, width=520, bar=18, gap=8, label_width=230):
    """Horizontal bars; hidden cells ("<5") are drawn as a hatched stub with their label."""
    numbers = [n for _label, n in rows if isinstance(n, int)]
    top = max(numbers, default=0) or 1
    height = len(rows) * (bar + gap) + gap
    # width="100%" with a viewBox: the chart scales to its card and keeps its proportions.
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {width} {height}">']
    for i, (label, n) in enumerate(rows):
        y = gap + i * (bar + gap)
        length = (width - label_width - 50) * (n / top if isinstance(n, int) else 0.02)
        short = label if len(label) <= 34 else label[:33] + "…"
        parts.append(f'<text x="0" y="{y + bar - 5}" font-size="11" fill="#1d2733"><title>{escape(label)}</title>'
                     f'{escape(short)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y}" width="{max(length, 2):.1f}" height="{bar}" '
                     f'fill="{COLOURS[0]}"/>')
        parts.append(f'<text x="{label_width + max(length, 2) + 4:.1f}" y="{y + bar - 5}" font-size="11" '
                     f'fill="#1d2733">{escape(str(n))}</text>')
    parts.append("</svg>")
    # Every text piece is escaped above.
    return mark_safe("".join(parts))  # nosec


def columns(series, previous=None, width=520, height=160):
    """Monthly columns; the previous period, when given, as a lighter column beside each."""
    values = [n for _m, n in series if isinstance(n, int)] + [n for _m, n in (previous or []) if isinstance(n, int)]
    top = max(values, default=0) or 1
    count = max(len(series), 1)
    slot = (width - 20) / count
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {width} {height + 20}">',
             f'<line x1="10" y1="{height}" x2="{width - 10}" y2="{height}" stroke="#8795a3"/>']
    every = -(-count // 12)  # at most twelve month labels
    for i, (month, n) in enumerate(series):
        x = 10 + i * slot
        h = (height - 20) * (n / top if isinstance(n, int) else 0.02)
        parts.append(f'<rect x="{x + slot * 0.15:.1f}" y="{height - h:.1f}" width="{slot * 0.35:.1f}" '
                     f'height="{h:.1f}" fill="{COLOURS[0]}"/>')
        if previous and i < len(previous) and isinstance(previous[i][1], int):
            ph = (height - 20) * previous[i][1] / top
            parts.append(f'<rect x="{x + slot * 0.5:.1f}" y="{height - ph:.1f}" width="{slot * 0.35:.1f}" '
                         f'height="{ph:.1f}" fill="{COLOURS[1]}"/>')
        label = month.strftime("%m.%y") if hasattr(month, "strftime") else str(month)
        if i % every == 0:
            parts.append(f'<text x="{x + slot * 0.15:.1f}" y="{height + 14}" font-size="10" fill="#4d5b6a">'
                         f'{escape(label)}</text>')
        parts.append(f'<text x="{x + slot * 0.15:.1f}" y="{height - h - 3:.1f}" font-size="10" '
                     f'fill="#1d2733">{escape(str(n))}</text>')
    parts.append("</svg>")
    # Every text piece is escaped above.
    return mark_safe("".join(parts))  # nosec
