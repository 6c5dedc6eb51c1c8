"""Server-rendered SVG charts: no chart library, no script, presentation attributes only (strict CSP)."""

from __future__ import annotations

from datetime import date
from typing import Any

from markupsafe import Markup, escape

from services.portal.i18n import as_date

COLOURS = {"current": "#1f5f8b", "target": "#c2410c", "grid": "#c8ced6", "text": "#1b1f24",
           "bar": "#2f6f4f", "low": "#eef4fb", "high": "#123e5c"}


def _svg(width: int, height: int, title: str, body: list[str]) -> Markup:
    """WIDTH and HEIGHT are also the drawn size: on a phone a chart keeps it and scrolls in its region (portal.css),
    as scaling it to 360 px wide shrank 12 px labels to 7 px."""
    return Markup(
        f'<svg class="chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _cut(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def skill_bars(skills: list[dict[str, Any]], title: str, current_label: str, target_label: str) -> Markup:
    """Current level (bar) against target level (marker) per skill, on the 0-5 scale."""
    left, unit, row = 240, 70, 30
    height = 40 + row * max(len(skills), 1)
    body = []
    for level in range(6):
        x = left + level * unit
        body.append(f'<line x1="{x}" y1="22" x2="{x}" y2="{height - 8}" stroke="{COLOURS["grid"]}"/>'
                    f'<text x="{x}" y="16" font-size="11" text-anchor="middle" fill="{COLOURS["text"]}">{level}</text>')
    for index, skill in enumerate(skills):
        y = 28 + index * row
        level = max(0, min(5, int(skill.get("level") or 0)))
        body.append(f'<text x="{left - 8}" y="{y + 15}" font-size="12" text-anchor="end" fill="{COLOURS["text"]}">'
                    f'{escape(_cut(str(skill.get("skill", "")), 28))}</text>')
        body.append(f'<rect x="{left}" y="{y + 4}" width="{level * unit}" height="14" rx="2" '
                    f'fill="{COLOURS["current"]}"><title>{escape(current_label)}: {level}</title></rect>')
        target = skill.get("target_level")
        if target is not None:
            x = left + int(target) * unit
            body.append(f'<path d="M{x} {y} l6 11 l-6 11 l-6 -11 z" fill="{COLOURS["target"]}">'
                        f'<title>{escape(target_label)}: {int(target)}</title></path>')
    legend_y = height - 2
    body.append(f'<rect x="{left}" y="{legend_y - 9}" width="12" height="8" fill="{COLOURS["current"]}"/>'
                f'<text x="{left + 16}" y="{legend_y}" font-size="11" fill="{COLOURS["text"]}">'
                f'{escape(current_label)}</text>'
                f'<path d="M{left + 150} {legend_y - 10} l5 5 l-5 5 l-5 -5 z" fill="{COLOURS["target"]}"/>'
                f'<text x="{left + 160}" y="{legend_y}" font-size="11" fill="{COLOURS["text"]}">'
                f'{escape(target_label)}</text>')
    return _svg(left + 5 * unit + 20, height + 12, title, body)


def timeline(actions: list[dict[str, Any]], start: Any, end: Any, title: str) -> Markup:
    """A Gantt strip of learning actions across the plan period, one row per action."""
    first, last = as_date(start), as_date(end)
    if not first or not last or last <= first:
        return Markup("")
    left, width, row = 230, 520, 24
    span = (last - first).days or 1
    height = 34 + row * max(len(actions), 1)

    def x_of(day: date) -> float:
        return left + width * max(0, min(span, (day - first).days)) / span

    body = []
    for year in range(first.year, last.year + 1):
        for month in (1, 7):
            mark = date(year, month, 1)
            if first <= mark <= last:
                x = x_of(mark)
                body.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height}" stroke="{COLOURS["grid"]}"/>'
                            f'<text x="{x + 3:.1f}" y="14" font-size="11" fill="{COLOURS["text"]}">'
                            f'{year}-H{1 if month == 1 else 2}</text>')
    colours = {"planned": "#1f5f8b", "started": "#b45309", "completed": "#2f6f4f", "cancelled": "#6b7280"}
    for index, action in enumerate(actions):
        y = 22 + index * row
        a, b = as_date(action.get("planned_start")), as_date(action.get("planned_end"))
        if not a or not b:
            continue
        x1, x2 = x_of(a), x_of(b)
        body.append(f'<text x="{left - 8}" y="{y + 14}" font-size="12" text-anchor="end" fill="{COLOURS["text"]}">'
                    f'{escape(_cut(str(action.get("title", "")), 30))}</text>'
                    f'<rect x="{x1:.1f}" y="{y + 3}" width="{max(x2 - x1, 4):.1f}" height="14" rx="3" '
                    f'fill="{colours.get(action.get("status"), "#1f5f8b")}">'
                    f'<title>{escape(action.get("title", ""))}: {a.isoformat()} – {b.isoformat()}</title></rect>')
    today = date.today()
    if first <= today <= last:
        x = x_of(today)
        body.append(f'<line x1="{x:.1f}" y1="18" x2="{x:.1f}" y2="{height}" stroke="#c2410c" stroke-dasharray="4 3"/>')
    return _svg(left + width + 20, height + 6, title, body)


def bars(items: list[tuple[str, float]], title: str, unit: str = "") -> Markup:
    """Horizontal bars for a ranked list (reports)."""
    if not items:
        return Markup("")
    left, width, row = 230, 380, 26
    top = max(value for _, value in items) or 1
    body = []
    for index, (name, value) in enumerate(items):
        y = 6 + index * row
        w = width * value / top
        body.append(f'<text x="{left - 8}" y="{y + 14}" font-size="12" text-anchor="end" fill="{COLOURS["text"]}">'
                    f'{escape(_cut(str(name), 34))}</text>'
                    f'<rect x="{left}" y="{y + 2}" width="{max(w, 1):.1f}" height="16" fill="{COLOURS["bar"]}"/>'
                    f'<text x="{left + w + 6:.1f}" y="{y + 15}" font-size="11" fill="{COLOURS["text"]}">'
                    f'{escape(_number(value))}{escape(unit)}</text>')
    return _svg(left + width + 80, 12 + row * len(items), title, body)


def heatmap(rows: list[str], columns: list[str], values: dict[tuple[str, str], float | None], title: str,
            maximum: float = 5.0) -> Markup:
    """A grid of cells shaded by value (e.g. mean skill level per department); empty cells stay blank."""
    if not rows or not columns:
        return Markup("")
    left, top, cell = 170, 120, 44
    body = []
    for c, column in enumerate(columns):
        x = left + c * cell + cell / 2
        body.append(f'<text transform="translate({x:.1f},{top - 6}) rotate(-45)" font-size="11" '
                    f'fill="{COLOURS["text"]}">{escape(_cut(column, 22))}</text>')
    for r, row_name in enumerate(rows):
        y = top + r * cell
        body.append(f'<text x="{left - 8}" y="{y + cell / 2 + 4:.1f}" font-size="12" text-anchor="end" '
                    f'fill="{COLOURS["text"]}">{escape(_cut(row_name, 24))}</text>')
        for c, column in enumerate(columns):
            value = values.get((row_name, column))
            x = left + c * cell
            if value is None:
                body.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="#ffffff" '
                            f'stroke="{COLOURS["grid"]}"/>')
                continue
            share = max(0.0, min(1.0, value / maximum))
            fill = _blend(COLOURS["low"], COLOURS["high"], share)
            ink = "#ffffff" if share > 0.5 else COLOURS["text"]
            body.append(f'<rect x="{x}" y="{y}" width="{cell - 2}" height="{cell - 2}" fill="{fill}">'
                        f'<title>{escape(row_name)} · {escape(column)}: {_number(value)}</title></rect>'
                        f'<text x="{x + cell / 2 - 1:.1f}" y="{y + cell / 2 + 4:.1f}" font-size="11" '
                        f'text-anchor="middle" fill="{ink}">{_number(value)}</text>')
    return _svg(left + cell * len(columns) + 110, top + cell * len(rows) + 10, title, body)


def _blend(low: str, high: str, share: float) -> str:
    a = [int(low[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b, strict=True))


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
