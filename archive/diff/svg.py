"""Inline SVG line charts (no JavaScript): one chart per metric, one line per township."""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from html import escape

FONT_STACK = '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif'
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22")


def nice_max(value: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k at or above ``value`` (axis top)."""
    if value <= 0:
        return 1.0
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top = step * 10 ** exponent
        if top >= value:
            return float(top)
    return float(10 ** (exponent + 1))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.4g}"


def line_chart(series: Sequence[tuple[str, Sequence[tuple[int, float]]]], *, title: str,
               unit: str | None = None, width: int = 560, height: int = 260,
               y_ticks: int = 4, max_legend: int = 10, highlight: Sequence[int] = (),
               links: Sequence[Mapping[int, str]] = (), breaks: Sequence[Collection[int]] = (),
               value_labels: bool = False) -> str:
    """An SVG chart of ``series`` [(label, [(year, value), ...]), ...]; all text is escaped.
    ``highlight`` years (the two a diff compares) get a dashed vertical rule. Per series (same
    order): ``links`` maps a year to the in-page href its point links to, ``breaks`` holds the years
    whose figure is measured otherwise than the point before (the segment into them is dashed).
    ``value_labels`` writes each point's value beside it."""
    left, right, top, bottom = 56, 16 + (150 if len(series) > 1 else 0), 44 if value_labels else 34, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    years = sorted({year for _, points in series for year, _ in points})
    values = [value for _, points in series for _, value in points]
    low = min(0.0, min(values, default=0.0))
    high = nice_max(max(values, default=1.0) - low) + low if values else 1.0
    first, last = (years[0], years[-1]) if years else (0, 1)
    span = max(1, last - first)

    def x(year: int) -> float:
        return left + (plot_w * (year - first) / span if len(years) > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / ((high - low) or 1))

    label = title + (f"（{unit}）" if unit else "")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" '
        f'font-family="{escape(FONT_STACK)}" font-size="12">',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(label)}</text>',
    ]
    for k in range(y_ticks + 1):
        value = low + (high - low) * k / y_ticks
        ty = y(value)
        out.append(f'<line x1="{left}" y1="{ty:.1f}" x2="{left + plot_w}" y2="{ty:.1f}" stroke="#e0e0e0"/>')
        out.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end" fill="#555">{escape(_fmt(value))}</text>')
    for year in highlight:
        if year in years:
            out.append(f'<line x1="{x(year):.1f}" y1="{top}" x2="{x(year):.1f}" y2="{top + plot_h}" '
                       f'stroke="#999" stroke-dasharray="4 3"/>')
    for year in years:
        out.append(f'<text x="{x(year):.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#555">{year}</text>')
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#333"/>')
    for n, (name, points) in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        dashed = breaks[n] if n < len(breaks) else ()
        hrefs = links[n] if n < len(links) else {}
        if len(points) > 1 and not dashed:
            coords = " ".join(f"{x(year):.1f},{y(value):.1f}" for year, value in points)
            out.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{coords}"/>')
        elif len(points) > 1:
            for (y0, v0), (y1, v1) in zip(points, points[1:]):
                dash = ' stroke-dasharray="6 4"' if y1 in dashed else ""
                out.append(f'<line x1="{x(y0):.1f}" y1="{y(v0):.1f}" x2="{x(y1):.1f}" y2="{y(v1):.1f}" '
                           f'stroke="{colour}" stroke-width="2.5"{dash}/>')
        for year, value in points:
            dot = (f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="3.5" fill="{colour}">'
                   f'<title>{escape(name)} {year}: {escape(_fmt(value))}</title></circle>')
            if value_labels:
                # the first and last labels lean inwards, clear of the axis and the plot's edge
                anchor, shift = ("middle", 0)
                if len(years) > 1 and year in (first, last):
                    anchor, shift = ("start", 3) if year == first else ("end", -3)
                dot += (f'<text x="{x(year) + shift:.1f}" y="{y(value) - 8:.1f}" text-anchor="{anchor}" font-size="11" '
                        f'fill="#222" stroke="#fff" stroke-width="3" paint-order="stroke">'
                        f'{escape(_fmt(value))}{"†" if year in dashed else ""}</text>')
            href = hrefs.get(year)
            out.append(f'<a href="{escape(href, quote=True)}">{dot}</a>' if href and href.startswith("#") else dot)
        if len(series) > 1 and n < max_legend:
            ly = top + 14 * n + 6
            out.append(f'<rect x="{width - right + 12}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>')
            out.append(f'<text x="{width - right + 26}" y="{ly + 1}">{escape(name)}</text>')
    if len(series) > max_legend:
        out.append(f'<text x="{width - right + 12}" y="{top + 14 * max_legend + 6}" fill="#555">'
                   f'+{len(series) - max_legend}</text>')
    out.append("</svg>")
    return "\n".join(out)
