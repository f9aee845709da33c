"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, nothing fetched.

Each chart is an image with a name (``role="img"``, ``<title>`` and ``<desc>`` referenced by
``aria-labelledby``) and text labels on every bar or point; the page puts a table with the
same numbers next to it, which is what a screen reader or a spreadsheet should use.

Presentation attributes only, never ``style``: the Content-Security-Policy forbids inline
styles. Every text goes through ``format_html``, which escapes it.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from violeta.training.coverage import percent_text

INK = "#1d1b20"
MUTED = "#4f4a55"
GRID = "#d9d4de"
TRACK = "#f3edf8"
BAR = "#4b1f73"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"
WIDTH = 720
CHAR_WIDTH = 7.0  # an estimate at 13px: there are no font metrics on the server
LABEL_MAX_CHARS = 32
TICKS = (0, 25, 50, 75, 100)


@dataclasses.dataclass(frozen=True)
class Bar:
    label: str
    percent: float | None  # None: nobody to count
    note: str = ""  # e.g. "5 de 8"


@dataclasses.dataclass(frozen=True)
class Point:
    label: str  # short, under the axis
    percent: float | None
    label_second_line: str = ""


def _fit(text: str, limit: int = LABEL_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _n(value: float) -> str:
    """Coordinates with at most one decimal: short, stable output."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(
    *, chart_id: str, title: str, description: str, height: float, parts: list[SafeString]
) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" font-family="{font}" font-size="13" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=_n(height),
        font=FONT,
        ink=INK,
        title=title,
        desc=description,
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    missing: str | None = None,
) -> SafeString:
    """Horizontal bars from 0 to 100 %, one per row, each labelled and with its value.
    ``missing`` is what a bar without a value says (by default, that nobody is counted)."""
    label_width = min(
        max((len(_fit(bar.label)) for bar in bars), default=10) * CHAR_WIDTH + 12, 250
    )
    value_width = 150.0
    x0 = label_width
    plot = WIDTH - label_width - value_width
    top, row_height, bar_height = 26.0, 28.0, 16.0
    height = top + max(len(bars), 1) * row_height + 8
    parts: list[SafeString] = []
    for tick in TICKS:
        x = x0 + plot * tick / 100
        parts.append(
            format_html(
                '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{grid}" stroke-width="1"/>'
                '<text x="{x}" y="14" text-anchor="middle" font-size="11" fill="{muted}">'
                "{label}</text>",
                x=_n(x),
                y1=_n(top - 6),
                y2=_n(height - 4),
                grid=GRID,
                muted=MUTED,
                label=f"{tick} %",
            )
        )
    if not bars:
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" fill="{muted}">{text}</text>',
                x=_n(x0 + 8),
                y=_n(top + 18),
                muted=MUTED,
                text=_("Sin datos"),
            )
        )
    for index, bar in enumerate(bars):
        y = top + index * row_height
        baseline = y + row_height / 2 + 4
        width = 0.0 if bar.percent is None else plot * max(0.0, min(bar.percent, 100.0)) / 100
        if bar.percent is None:
            value = missing if missing is not None else _("sin personal")
        else:
            value = percent_text(bar.percent)
        if bar.note:
            value = f"{value} ({bar.note})"
        parts.append(
            format_html(
                '<g><text x="{lx}" y="{by}" text-anchor="end">{label}</text>'
                '<rect x="{x0}" y="{ry}" width="{plot}" height="{bh}" fill="{track}"/>'
                '<rect x="{x0}" y="{ry}" width="{bw}" height="{bh}" fill="{bar}"/>'
                '<text x="{vx}" y="{by}">{value}</text></g>',
                lx=_n(x0 - 8),
                by=_n(baseline),
                label=_fit(bar.label),
                x0=_n(x0),
                ry=_n(y + (row_height - bar_height) / 2),
                plot=_n(plot),
                bh=_n(bar_height),
                track=TRACK,
                bw=_n(width),
                bar=BAR,
                vx=_n(x0 + plot + 6),
                value=value,
            )
        )
    return _svg(chart_id=chart_id, title=title, description=description, height=height, parts=parts)


def step_chart(
    *, chart_id: str, title: str, description: str, points: Sequence[Point]
) -> SafeString:
    """A step line of a percentage over consecutive periods (each step is one period's value,
    held until the next), from 0 to 100 %, with the last value written at its end."""
    left, right, top, bottom = 52.0, 70.0, 16.0, 44.0
    height = 260.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    parts: list[SafeString] = []

    def y_of(percent: float) -> float:
        return top + plot_h * (1 - max(0.0, min(percent, 100.0)) / 100)

    for tick in TICKS:
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="{grid}" stroke-width="1"/>'
                '<text x="{tx}" y="{ty}" text-anchor="end" font-size="11" fill="{muted}">'
                "{label}</text>",
                x1=_n(left),
                x2=_n(left + plot_w),
                y=_n(y),
                grid=GRID,
                tx=_n(left - 6),
                ty=_n(y + 4),
                muted=MUTED,
                label=f"{tick} %",
            )
        )
    count = len(points)
    if count == 0 or all(point.percent is None for point in points):
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" fill="{muted}">{text}</text>',
                x=_n(left + 12),
                y=_n(top + plot_h / 2),
                muted=MUTED,
                text=_("Sin datos") if count == 0 else _("sin personal"),
            )
        )
    slot = plot_w / max(count, 1)
    every = max(1, math.ceil(count / 12))
    path: list[str] = []
    previous: float | None = None
    last_point: tuple[float, float, float] | None = None
    for index, point in enumerate(points):
        x_start, x_end = left + index * slot, left + (index + 1) * slot
        if point.percent is None:
            previous = None
        else:
            y = y_of(point.percent)
            path.append(f"{'L' if previous is not None else 'M'}{_n(x_start)} {_n(y)}")
            path.append(f"H{_n(x_end)}")
            previous = point.percent
            last_point = (x_end, y, point.percent)
        if index % every == 0 or index == count - 1:
            parts.append(
                format_html(
                    '<text x="{x}" y="{y1}" text-anchor="middle" font-size="11" fill="{muted}">'
                    '{first}<tspan x="{x}" dy="13">{second}</tspan></text>',
                    x=_n((x_start + x_end) / 2),
                    y1=_n(top + plot_h + 16),
                    muted=MUTED,
                    first=point.label,
                    second=point.label_second_line,
                )
            )
    if path:
        parts.append(
            format_html(
                '<path d="{d}" fill="none" stroke="{bar}" stroke-width="3" '
                'stroke-linejoin="round"/>',
                d=" ".join(path),
                bar=BAR,
            )
        )
    if last_point is not None:
        x, y, percent = last_point
        parts.append(
            format_html(
                '<circle cx="{x}" cy="{y}" r="4" fill="{bar}"/>'
                '<text x="{tx}" y="{ty}">{value}</text>',
                x=_n(x),
                y=_n(y),
                bar=BAR,
                tx=_n(x + 8),
                ty=_n(y + 4),
                value=percent_text(percent),
            )
        )
    return _svg(chart_id=chart_id, title=title, description=description, height=height, parts=parts)
