"""Charts drawn on the server as SVG, so they show the same in the page and in the PDF (WeasyPrint
draws inline SVG) without any JavaScript.

Only presentation attributes are used (no style attributes or <style> elements): the site's
Content Security Policy allows no inline styles. Every name is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

BAR_COLOUR = "#15406b"
MUTED_COLOUR = "#495057"
MARK_COLOUR = "#8f1d16"
GRID_COLOUR = "#ced4da"
FONT = "Liberation Sans, DejaVu Sans, Arial, sans-serif"


@dataclass
class Bar:
    label: str
    value: int
    marked: bool = False  # drawn with a text mark (e.g. "not reached"), not only a colour


def _nice_step(maximum: int, ticks: int = 5) -> int:
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return int(factor * magnitude)
    return int(10 * magnitude)


def horizontal_bar_chart(
    *,
    bars: list[Bar],
    chart_id: str,
    title: str,
    description: str,
    mark_text: str = "",
    axis_label: str = "",
    width: int = 680,
    label_width: int = 190,
    row_height: int = 16,
) -> SafeString:
    """One labelled horizontal bar per item, in the order given, with its value written next to
    it. Items with `marked=True` get `mark_text` written in the bar area (and a hollow marker),
    so they stand out without relying on colour."""
    top, bottom = 8, 34 if axis_label else 20
    height = top + row_height * max(len(bars), 1) + bottom
    plot_left = label_width + 8
    plot_width = width - plot_left - 40
    maximum = max((bar.value for bar in bars), default=0)
    step = _nice_step(maximum)
    scale_max = max(step * math.ceil(maximum / step), step) if maximum else step
    chart_id = escape(chart_id)

    def x_of(value: float) -> float:
        return plot_left + plot_width * value / scale_max

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="bar-chart" id="{chart_id}" role="img" '
        f'aria-label="{escape(title)}" aria-describedby="{chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="{FONT}" font-size="11">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    # Grid lines with their values along the bottom.
    axis_y = top + row_height * max(len(bars), 1)
    tick = 0
    while tick <= scale_max:
        x = x_of(tick)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{axis_y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{axis_y + 12}" text-anchor="middle" '
            f'fill="{MUTED_COLOUR}" font-size="9.5">{tick}</text>'
        )
        tick += step
    if axis_label:
        parts.append(
            f'<text x="{plot_left + plot_width / 2:.1f}" y="{axis_y + 27}" text-anchor="middle" '
            f'fill="{MUTED_COLOUR}" font-size="10">{escape(axis_label)}</text>'
        )
    for index, bar in enumerate(bars):
        y = top + index * row_height
        middle = y + row_height / 2 + 4
        label = escape(bar.label)
        parts.append('<g class="bar">')
        parts.append(
            f'<text x="{label_width}" y="{middle:.1f}" text-anchor="end" fill="#212529">{label}</text>'
        )
        if bar.marked:
            cx = plot_left + 5
            parts.append(
                f'<circle cx="{cx}" cy="{y + row_height / 2:.1f}" r="3.5" fill="none" '
                f'stroke="{MARK_COLOUR}" stroke-width="1.4"/>'
            )
            parts.append(
                f'<text x="{cx + 8}" y="{middle:.1f}" fill="{MARK_COLOUR}" font-style="italic">'
                f"{bar.value} — {escape(mark_text)}</text>"
            )
        else:
            end = x_of(bar.value)
            parts.append(
                f'<rect x="{plot_left}" y="{y + 3}" width="{end - plot_left:.1f}" '
                f'height="{row_height - 6}" fill="{BAR_COLOUR}"/>'
            )
            parts.append(f'<text x="{end + 4:.1f}" y="{middle:.1f}" fill="#212529">{bar.value}</text>')
        parts.append("</g>")
    parts.append(
        f'<line x1="{plot_left}" y1="{top}" x2="{plot_left}" y2="{axis_y}" '
        f'stroke="{MUTED_COLOUR}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through escape()


def engagement_chart(engagement, *, year: int, chart_id: str = "engagement-chart") -> SafeString:
    """Ledenbinding: attendances per member municipality over the year, most first; the
    municipalities nobody came from are marked "not reached"."""
    bars = [
        Bar(label=row.organisation.name, value=row.attendances, marked=row.attendances == 0)
        for row in engagement.rows
    ]
    title = _("Attendance per member municipality in %(year)s") % {"year": year}
    description = _(
        "Horizontal bar chart: for each of the %(members)s member municipalities, how many times its people "
        "attended an event in %(year)s, sorted from most to fewest. %(reached)s municipalities were reached; "
        "%(not_reached)s were not reached at all. The table next to the chart gives the same figures."
    ) % {
        "members": engagement.members,
        "year": year,
        "reached": engagement.reached,
        "not_reached": len(engagement.not_reached),
    }
    return horizontal_bar_chart(
        bars=bars,
        chart_id=chart_id,
        title=title,
        description=description,
        mark_text=_("not reached"),
        axis_label=_("attendances"),
    )
