"""Charts as inline SVG: estimates with interval whiskers, and monthly revenue movements.

The executive report is read as HTML and as a PDF WeasyPrint prints without a browser, so its
charts cannot be Plotly's JavaScript: these draw the same figures as plain SVG both show alike.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 640
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
RANDOMISED = "#1565c0"
OBSERVATIONAL = "#9e9e9e"
MUTED = "#757575"
CHURNED, CONTRACTED, EXPANDED, SAVED = "#c62828", "#ef6c00", "#2e7d32", "#1565c0"


@dataclass(frozen=True)
class IntervalRow:
    """One bar: an estimate with its bounds, or ``None`` when there is too little data to draw."""

    label: str
    estimate: float | None
    low: float | None
    high: float | None
    randomised: bool


@dataclass(frozen=True)
class MonthBars:
    """One month's revenue movements (losses as positive amounts) and the ARR saved so far.

    ``year`` is written under the label where the year starts (or is first shown), else empty.
    """

    label: str
    year: str
    churned: float
    contracted: float
    expanded: float
    saved: float | None


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``low`` to ``high``: steps of 1, 2 or 5 times a power of ten."""
    span = (high - low) or abs(high) or 1.0
    raw = span / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(power * factor for factor in (1, 2, 5, 10) if power * factor >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    if ticks[-1] < high or len(ticks) < 2:
        ticks.append(round(value, 10))
    return ticks


def _text(
    x: float, y: float, said: str, *, anchor: str = "start", size: int = 11, **style: str
) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in style.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" {FONT}{extra}>'
        f"{escape(said)}</text>"
    )


def _svg(height: float, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'width="{WIDTH}" height="{height:.0f}" role="img" aria-label="{escape(label)}">'
        + "".join(body)
        + "</svg>"
    )


def interval_bars(
    rows: Sequence[IntervalRow], *, said: Callable[[float], str], label: str
) -> Markup:
    """Horizontal bars from zero to each estimate, a whisker from low to high, values beside.

    Randomised estimates are blue, observational ones grey; a row without an estimate says so in
    words instead of drawing a bar nobody could read.
    """
    left, right, row_height, top = 200, 560, 30, 10
    bounds = [bound for row in rows for bound in (row.low, row.high) if bound is not None]
    ticks = nice_ticks(min([0.0, *bounds]), max([0.0, *bounds]))
    lowest, highest = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return left + (value - lowest) / (highest - lowest) * (right - left)

    axis_y = top + row_height * len(rows)
    body = [
        f'<line x1="{x(tick):.1f}" y1="{top}" x2="{x(tick):.1f}" y2="{axis_y}" '
        f'stroke="{"#424242" if tick == 0 else "#e0e0e0"}" stroke-width="1"/>'
        + _text(x(tick), axis_y + 14, said(tick), anchor="middle", size=10, fill=MUTED)
        for tick in ticks
    ]
    for index, row in enumerate(rows):
        middle = top + row_height * index + row_height / 2
        body.append(_text(left - 8, middle + 4, row.label, anchor="end"))
        if row.estimate is None or row.low is None or row.high is None:
            body.append(
                _text(x(0) + 6, middle + 4, "too few to tell yet", fill=MUTED, font_style="italic")
            )
            continue
        colour = RANDOMISED if row.randomised else OBSERVATIONAL
        start, end = sorted((x(0), x(row.estimate)))
        body.append(
            f'<rect x="{start:.1f}" y="{middle - 8:.1f}" width="{max(end - start, 1):.1f}" '
            f'height="16" fill="{colour}" fill-opacity="0.75"/>'
        )
        low, high = x(row.low), x(row.high)
        body.append(
            f'<path d="M{low:.1f},{middle:.1f}H{high:.1f}M{low:.1f},{middle - 6:.1f}v12'
            f'M{high:.1f},{middle - 6:.1f}v12" stroke="#212121" stroke-width="1.5" fill="none"/>'
        )
        body.append(_text(right + 8, middle + 4, said(row.estimate), size=11, font_weight="bold"))
    legend_y = axis_y + 34
    body += [
        _swatch(left, legend_y, RANDOMISED, "randomised"),
        _swatch(left + 100, legend_y, OBSERVATIONAL, "observational"),
        f'<path d="M{left + 220},{legend_y - 4}h18M{left + 220},{legend_y - 9}v10'
        f'M{left + 238},{legend_y - 9}v10" stroke="#212121" stroke-width="1.5"/>',
        _text(left + 244, legend_y, "90% interval", size=10),
    ]
    return _svg(legend_y + 8, label, body)


def monthly_bars(
    months: Sequence[MonthBars], *, said: Callable[[float], str], label: str
) -> Markup:
    """Each month: ARR lost (churn, contraction) below zero, expansion above, saved ARR a line."""
    left, right, top, bottom = 70, WIDTH - 10, 10, 210
    losses = [month.churned + month.contracted for month in months]
    gains = [max(month.expanded, month.saved or 0.0) for month in months]
    ticks = nice_ticks(-max(losses, default=0.0), max(gains, default=0.0))
    lowest, highest = ticks[0], ticks[-1]

    def y(value: float) -> float:
        return bottom - (value - lowest) / (highest - lowest) * (bottom - top)

    slot = (right - left) / max(len(months), 1)
    bar = slot * 0.3
    body = [
        f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" '
        f'stroke="{"#424242" if tick == 0 else "#e0e0e0"}" stroke-width="1"/>'
        + _text(left - 6, y(tick) + 4, said(tick), anchor="end", size=10, fill=MUTED)
        for tick in ticks
    ]
    line: list[str] = []
    for index, month in enumerate(months):
        centre = left + slot * index + slot / 2
        body += [
            _rect(centre - bar, y(0), y(-month.churned), bar, CHURNED),
            _rect(
                centre - bar,
                y(-month.churned),
                y(-month.churned - month.contracted),
                bar,
                CONTRACTED,
            ),
            _rect(centre, y(month.expanded), y(0), bar, EXPANDED),
            _text(centre, bottom + 16, month.label, anchor="middle", size=10),
            _text(centre, bottom + 28, month.year, anchor="middle", size=10, fill=MUTED),
        ]
        if month.saved is not None:
            line.append(f"{centre:.1f},{y(month.saved):.1f}")
            body.append(
                f'<circle cx="{centre:.1f}" cy="{y(month.saved):.1f}" r="3.5" fill="{SAVED}"/>'
            )
    if len(line) > 1:
        body.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{SAVED}" stroke-width="2"/>'
        )
    legend_y = bottom + 50
    keys = [(CHURNED, "churned"), (CONTRACTED, "contracted"), (EXPANDED, "expanded")]
    if line:
        keys.append((SAVED, "saved by playbooks"))
    for offset, (colour, name) in enumerate(keys):
        body.append(_swatch(left + 120 * offset, legend_y, colour, name))
    return _svg(legend_y + 8, label, body)


def _rect(x: float, top: float, bottom: float, width: float, colour: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{min(top, bottom):.1f}" width="{width:.1f}" '
        f'height="{abs(bottom - top):.1f}" fill="{colour}"/>'
    )


def _swatch(x: float, y: float, colour: str, name: str) -> str:
    """A legend entry: a colour square and its name."""
    return f'<rect x="{x:.1f}" y="{y - 9:.1f}" width="12" height="10" fill="{colour}"/>' + _text(
        x + 16, y, name, size=10
    )
