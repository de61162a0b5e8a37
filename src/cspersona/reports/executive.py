"""The executive ROI report: one HTML document, and the very same document printed as an A4 PDF.

Both carry the same sentences (:mod:`cspersona.roi.words`) and the same SVG charts
(:mod:`cspersona.reports.svg`), so the PDF a CFO forwards says exactly what the HTML says.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from sqlalchemy.orm import Session

from cspersona.auth.policy import Principal
from cspersona.config import Settings
from cspersona.customers.status import data_as_of
from cspersona.db.types import utc_now
from cspersona.reports.svg import IntervalRow, MonthBars, interval_bars, monthly_bars
from cspersona.roi import words
from cspersona.roi.period import last_complete_quarter, month_before, parse_period
from cspersona.roi.summary import Design, Effect, Period, RoiSummary

PLAYBOOK_CAPTION = "Churn reduction by playbook, in points, with 90% intervals"
PERSONA_CAPTION = "Churn reduction by persona, in points, with 90% intervals"
REVENUE_CAPTION = "ARR churned, contracted and expanded by month, and saved once measured"
CAPTIONS = (PLAYBOOK_CAPTION, PERSONA_CAPTION, REVENUE_CAPTION)
RECENT_QUARTERS, RECENT_MONTHS = 4, 6


@dataclass(frozen=True)
class EffectLine:
    """One effect as the report lists it: its name, what it did, what it saved."""

    name: str
    sentence: str
    saved: str | None


def _data_end(db_session: Session) -> date:
    """The day after the data's latest day (today without data): periods ending by it are whole."""
    latest = data_as_of(db_session)
    return latest + timedelta(days=1) if latest else utc_now().date()


def default_period(db_session: Session) -> Period:
    """The last quarter the data covers completely."""
    return last_complete_quarter(_data_end(db_session))


def recent_periods(db_session: Session) -> list[Period]:
    """What the ROI page offers: the data's last four whole quarters, then its last six months."""
    end = _data_end(db_session)
    quarters = [last_complete_quarter(end)]
    months = [month_before(end)]
    while len(quarters) < RECENT_QUARTERS:
        quarters.append(last_complete_quarter(quarters[-1].start))
    while len(months) < RECENT_MONTHS:
        months.append(month_before(months[-1]))
    return quarters + [parse_period(f"{month:%Y-%m}") for month in months]


def period_of(db_session: Session, text: str | None) -> Period:
    """The period ``text`` names (a quarter or a month), or the default when it names none."""
    return parse_period(text) if text else default_period(db_session)


def summary_for(
    db_session: Session, *, period: Period, settings: Settings, principal: Principal | None
) -> RoiSummary:
    """The period's figures over the customers ``principal`` may see (``None``: the whole book).

    The figures need SciPy: it loads when a report is asked for, not when a command starts.
    """
    from cspersona.roi import figures

    return figures.summary(db_session, period=period, settings=settings, principal=principal)


def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("cspersona.reports", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_ENVIRONMENT = _environment()


def _in_points(value: float) -> str:
    """An axis tick or a bar's label in points, one decimal at most: ``-6.06`` as ``-6.1 pts``."""
    return f"{round(value, 1):g} pts"


def effect_rows(effects: Sequence[Effect]) -> list[IntervalRow]:
    """Effects as chart rows, in points (``0.062`` is 6.2 points)."""
    rows = []
    for effect in effects:
        reduction = effect.churn_reduction
        rows.append(
            IntervalRow(
                label=effect.name,
                estimate=None if reduction is None else round(reduction.estimate * 100, 2),
                low=None if reduction is None else round(reduction.low * 100, 2),
                high=None if reduction is None else round(reduction.high * 100, 2),
                randomised=effect.design is Design.RANDOMISED,
            )
        )
    return rows


def effect_chart(effects: Sequence[Effect], caption: str) -> Markup:
    """The interval bars of a list of effects."""
    return interval_bars(effect_rows(effects), said=_in_points, label=caption)


def revenue_chart(summary: RoiSummary) -> Markup:
    """Monthly churned, contracted and expanded ARR, and the saved ARR line."""
    months = [
        MonthBars(
            label=f"{month.month:%b}",
            year=f"{month.month:%Y}" if index == 0 or month.month.month == 1 else "",
            churned=month.churned_arr,
            contracted=month.contracted_arr,
            expanded=month.expanded_arr,
            saved=month.saved_arr,
        )
        for index, month in enumerate(summary.revenue)
    ]
    return monthly_bars(months, said=words.short_money, label=REVENUE_CAPTION)


def effect_lines(effects: Sequence[Effect]) -> list[EffectLine]:
    """Effects in words, for the lists under each chart."""
    return [
        EffectLine(effect.name, words.effect_sentence(effect), words.effect_saved_arr(effect))
        for effect in effects
    ]


def report_context(summary: RoiSummary, *, generated_on: date) -> dict[str, Any]:
    """Everything the template shows: sentences, charts and the revenue table."""
    return {
        "summary": summary,
        "period_name": words.period_name(summary.period),
        "generated_on": generated_on.isoformat(),
        "headline": words.headline(summary),
        "design": words.design_explanation(summary.saved_arr_design),
        "playbooks": effect_lines(summary.by_playbook),
        "personas": effect_lines(summary.by_persona),
        "playbook_chart": effect_chart(summary.by_playbook, PLAYBOOK_CAPTION)
        if summary.by_playbook
        else None,
        "persona_chart": effect_chart(summary.by_persona, PERSONA_CAPTION)
        if summary.by_persona
        else None,
        "revenue_chart": revenue_chart(summary) if summary.revenue_moved else None,
        "captions": dict(zip(("playbook", "persona", "revenue"), CAPTIONS, strict=True)),
        "caveats": words.caveats(summary),
        "money": words.money,
        "month_name": words.month_name,
    }


def report_html(summary: RoiSummary, *, generated_on: date) -> str:
    """The report as one self-contained HTML document (styles and charts inline)."""
    template = _ENVIRONMENT.get_template("executive.html")
    return template.render(report_context(summary, generated_on=generated_on))


def report_pdf(html: str) -> bytes:
    """``html`` printed as an A4 PDF with page numbers (WeasyPrint loads only when asked)."""
    from weasyprint import HTML

    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
