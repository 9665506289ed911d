"""Server-rendered, accessible SVG charts and their companion data tables.

Every chart is an ``<svg role="img">`` labeled by its ``<title>`` and ``<desc>`` (a text summary of the
data), prints every value as text (nothing relies on color alone), uses presentation attributes only
(no inline styles or scripts, so it works under a strict Content-Security-Policy) and is deterministic:
the same data give byte-identical output. All text is XML-escaped.
"""

from __future__ import annotations

import hashlib
import math
import re
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
BAR = "#2f5f8a"
TRACK = "#e4e9ef"
GRID = "#c8d0d9"
TARGET = "#a4262c"
PAD = 12
CHAR = 7.0               # rough width of one 13px character, to truncate labels that would overflow
SMALL = 6.2              # the same for 11px text
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: object) -> str:
    """Return `text` escaped for XML and HTML, without characters XML forbids."""
    return escape(_INVALID_XML.sub("", str(text)), quote=True)


def _fmt(value: float) -> str:
    """Return a number with at most one decimal ("70", "12.5")."""
    if not math.isfinite(value):
        return "n/a"
    text = f"{value:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


def _val(value: float, unit: str) -> str:
    return f"{_fmt(value)} {unit}" if unit else _fmt(value)


def _share(value: float, max_value: float) -> float:
    """Return value / max_value clamped to 0..1 (non-numbers count as 0)."""
    if not math.isfinite(value):
        return 0.0
    return min(1.0, max(0.0, value / max_value))


def _fit(text: str, width: float, char: float = CHAR) -> str:
    """Truncate `text` with an ellipsis so it fits roughly `width` pixels (`char` pixels a character)."""
    room = max(1, int(width / char))
    return text if len(text) <= room else text[:max(0, room - 1)].rstrip() + "\u2026"


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 13, weight: str = "",
          fill: str = INK) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{_fmt(x)}" y="{_fmt(y)}" text-anchor="{anchor}" font-size="{size}"{bold} fill="{fill}">'
            f"{_esc(text)}</text>")


def _svg(kind: str, title: str, desc: str, width: int, height: int, body: list[str],
         heading_room: float | None = None) -> str:
    """Wrap chart `body` in an accessible <svg> with a content-derived, deterministic id."""
    digest = hashlib.sha256("\x1f".join([kind, title, desc, *body]).encode()).hexdigest()[:10]
    ident = f"chart-{digest}"
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" role="img" '
            f'aria-labelledby="{ident}-title {ident}-desc" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" font-family="{FONT}">')
    heading = _text(PAD, 20, _fit(title, heading_room or width - 2 * PAD, 8.6), size=15, weight="600")
    return "\n".join([head, f'<title id="{ident}-title">{_esc(title)}</title>',
                      f'<desc id="{ident}-desc">{_esc(desc)}</desc>', heading, *body, "</svg>"])


def _empty(kind: str, title: str, width: int) -> str:
    body = [f'<rect x="{PAD}" y="32" width="{width - 2 * PAD}" height="44" fill="none" stroke="{GRID}" '
            'stroke-dasharray="4 3"/>', _text(width / 2, 59, "No data yet", anchor="middle", fill=MUTED)]
    return _svg(kind, title, "No data yet.", width, 88, body)


def _target_note(target: float | None, unit: str) -> str:
    return f" Target: {_val(target, unit)}." if target is not None else ""


def _check(max_value: float, width: int) -> None:
    if not max_value > 0:
        raise ValueError("max_value must be greater than 0")
    if width < 160:
        raise ValueError("width must be at least 160")


def bar_chart(title: str, bars: list[tuple[str, float]], *, max_value: float = 100, unit: str = "%",
              target: float | None = None, width: int = 640) -> str:
    """Return a horizontal bar chart: a label above each bar, its value printed at the right."""
    _check(max_value, width)
    if not bars:
        return _empty("bar", title, width)
    desc = "; ".join(f"{label}: {_val(value, unit)}" for label, value in bars)
    desc = f"{len(bars)} bars. {desc}.{_target_note(target, unit)}"
    area = width - 2 * PAD - 76
    top, row = 36, 44
    body = []
    for i, (label, value) in enumerate(bars):
        y = top + i * row
        length = area * _share(value, max_value)
        body.append(f"<g><title>{_esc(label)}: {_esc(_val(value, unit))}</title>")
        body.append(_text(PAD, y + 13, _fit(str(label), width - 2 * PAD)))
        body.append(f'<rect x="{PAD}" y="{y + 19}" width="{_fmt(area)}" height="18" fill="{TRACK}"/>')
        if length > 0:
            body.append(f'<rect x="{PAD}" y="{y + 19}" width="{_fmt(length)}" height="18" fill="{BAR}" '
                        f'stroke="{INK}" stroke-width="0.5"/>')
        body.append(_text(PAD + area + 8, y + 33, _val(value, unit), weight="600"))
        body.append("</g>")
    height = top + len(bars) * row + 8
    if target is not None:
        x = PAD + area * _share(target, max_value)
        body.append(f'<line x1="{_fmt(x)}" y1="{top + 14}" x2="{_fmt(x)}" y2="{height}" stroke="{TARGET}" '
                    'stroke-width="2" stroke-dasharray="5 3"/>')
        anchor = "end" if x > width / 2 else "start"
        body.append(_text(x + (-4 if anchor == "end" else 4), height + 14, f"Target {_val(target, unit)}",
                          anchor=anchor, size=12, fill=TARGET))
        height += 22
    return _svg("bar", title, desc, width, height, body)


def _label_indices(count: int, spacing: float, need: float) -> list[int]:
    """Return evenly stepped indices of `count` points `spacing` apart whose labels need `need` pixels each."""
    if count == 1:
        return [0]
    step = max(1, math.ceil(need / spacing))
    shown = list(range(0, count, step))
    if shown[-1] != count - 1:
        if (count - 1 - shown[-1]) * spacing >= need or len(shown) == 1:
            shown.append(count - 1)
        else:
            shown[-1] = count - 1
    return shown


def _line_desc(points: list[tuple[str, float]], unit: str, target: float | None) -> str:
    values = [v for _, v in points]
    low = min(range(len(values)), key=lambda i: (values[i], i))
    high = max(range(len(values)), key=lambda i: (values[i], -i))
    first, last = points[0], points[-1]
    span = f"from {first[0]} to {last[0]}" if len(points) > 1 else f"for {first[0]}"
    return (f"{len(points)} points {span}. Latest: {_val(last[1], unit)} ({last[0]}). "
            f"Lowest: {_val(values[low], unit)} ({points[low][0]}). "
            f"Highest: {_val(values[high], unit)} ({points[high][0]}).{_target_note(target, unit)}")


def line_chart(title: str, points: list[tuple[str, float]], *, max_value: float = 100, unit: str = "%",
               target: float | None = None, width: int = 640, height: int = 240) -> str:
    """Return a line chart over evenly spaced labeled points, values printed above the points."""
    _check(max_value, width)
    if height < 120:
        raise ValueError("height must be at least 120")
    if not points:
        return _empty("line", title, width)
    left, right, top, bottom = PAD + 52, width - PAD - 16, 48, height - 34
    plot_w, plot_h = right - left, bottom - top
    body = []
    for step in range(5):
        y = bottom - plot_h * step / 4
        body.append(f'<line x1="{left}" y1="{_fmt(y)}" x2="{right}" y2="{_fmt(y)}" stroke="{GRID}" '
                    f'stroke-width="{1 if step else 1.5}"/>')
        body.append(_text(left - 6, y + 4, _val(max_value * step / 4, unit), anchor="end", size=11, fill=MUTED))
    count = len(points)
    xs = [left + plot_w / 2] if count == 1 else [left + plot_w * i / (count - 1) for i in range(count)]
    ys = [bottom - plot_h * _share(value, max_value) for _, value in points]
    if target is not None:
        y = bottom - plot_h * _share(target, max_value)
        body.append(f'<line x1="{left}" y1="{_fmt(y)}" x2="{right}" y2="{_fmt(y)}" stroke="{TARGET}" '
                    'stroke-width="2" stroke-dasharray="5 3"/>')
        legend = f"Target {_val(target, unit)}"
        start = right - len(legend) * SMALL - 30
        body.append(f'<line x1="{_fmt(start)}" y1="16" x2="{_fmt(start + 22)}" y2="16" stroke="{TARGET}" '
                    'stroke-width="2" stroke-dasharray="5 3"/>')
        body.append(_text(right, 20, legend, anchor="end", size=12, fill=TARGET))
    if count > 1:
        coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in zip(xs, ys, strict=True))
        body.append(f'<polyline points="{coords}" fill="none" stroke="{BAR}" stroke-width="2.5"/>')
    for i in range(count):
        body.append(f'<circle cx="{_fmt(xs[i])}" cy="{_fmt(ys[i])}" r="4" fill="{BAR}" stroke="#ffffff" '
                    f'stroke-width="1"><title>{_esc(points[i][0])}: {_esc(_val(points[i][1], unit))}</title>'
                    "</circle>")
    widest = max(max(len(str(label)), len(_val(value, unit))) for label, value in points)
    labeled = _label_indices(count, plot_w / max(1, count - 1), 1.5 * min(widest * SMALL, 96) + 8)
    room = plot_w / max(1, len(labeled) - 1)
    for i in labeled:
        anchor = "middle" if 0 < i < count - 1 or count == 1 else ("start" if i == 0 else "end")
        body.append(_text(xs[i], ys[i] - 9, _val(points[i][1], unit), anchor=anchor, size=11, weight="600"))
        label = _fit(str(points[i][0]), (room - 8) / 1.5, SMALL)
        body.append(_text(xs[i], bottom + 18, label, anchor=anchor, size=11, fill=MUTED))
    room = width - 2 * PAD - (CHAR * (len(_val(target, unit)) + 14) if target is not None else 0)
    return _svg("line", title, _line_desc(points, unit, target), width, height, body, heading_room=room)


def progress_bar(label: str, value: float, target: float, *, unit: str = "h") -> str:
    """Return a single bar of `value` against `target`, e.g. study hours against the program's target."""
    if not target > 0:
        raise ValueError("target must be greater than 0")
    width = 640
    percent = 100 * value / target if math.isfinite(value) else float("nan")
    summary = f"{_val(value, unit)} of {_val(target, unit)} ({_val(percent, '%')})"
    area = width - 2 * PAD
    length = area * _share(value, target)
    body = [_text(width - PAD, 20, summary, anchor="end", weight="600"),
            f'<rect x="{PAD}" y="30" width="{area}" height="20" fill="{TRACK}" stroke="{GRID}"/>']
    if length > 0:
        body.append(f'<rect x="{PAD}" y="30" width="{_fmt(length)}" height="20" fill="{BAR}" stroke="{INK}" '
                    'stroke-width="0.5"/>')
    desc = f"{label}: {_val(value, unit)} against a target of {_val(target, unit)}, {_val(percent, '%')} of it."
    return _svg("progress", label, desc, width, 60, body, heading_room=area - 8 * (len(summary) + 3))


def data_table(caption: str, headers: list[str], rows: list[list[str]]) -> str:
    """Return an escaped HTML data table (first cell of a row is its header) to sit beside a chart."""
    head = "".join(f'<th scope="col">{_esc(h)}</th>' for h in headers)
    body = []
    for row in rows:
        cells = [f'<th scope="row">{_esc(cell)}</th>' if i == 0 else f"<td>{_esc(cell)}</td>"
                 for i, cell in enumerate(row)]
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not rows:
        body.append(f'<tr><td colspan="{max(1, len(headers))}">No data yet</td></tr>')
    return (f'<table class="data"><caption>{_esc(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n'
            f"<tbody>\n" + "\n".join(body) + "\n</tbody></table>")
