"""The executive report: the HTML says every figure, the PDF prints the same pages and charts."""

import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image

from cspersona.reports.executive import (
    CAPTIONS,
    effect_chart,
    effect_rows,
    report_html,
    report_pdf,
)
from cspersona.roi import words
from cspersona.roi.summary import Interval
from tests.roi.examples import TOO_FEW, quarter_summary

HEADINGS = (
    "Headline figures",
    "Churn reduction by playbook",
    "Churn reduction by persona",
    "Revenue movements by month",
    "What these numbers do and do not mean",
)
LEGENDS = dict(
    zip(
        CAPTIONS,
        ("randomised observational 90% interval",) * 2
        + ("churned contracted expanded saved by playbooks",),
        strict=True,
    )
)
SCALE = 2  # pixels per PDF point when pages are rendered
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "reports"


@pytest.fixture(scope="module")
def html() -> str:
    return report_html(quarter_summary(), generated_on=date(2025, 10, 2))


@pytest.fixture(scope="module")
def pdf(html: str) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(report_pdf(html))


def page_text(page: pdfium.PdfPage) -> str:
    return " ".join(page.get_textpage().get_text_range().split())


def ink_below(page: pdfium.PdfPage, caption: str, height: float) -> float:
    """The share of non-white pixels in the ``height`` points under ``caption``'s first line."""
    text = page.get_textpage()
    found = text.search(caption[:30]).get_next()
    assert found is not None, caption
    first, _ = found
    _, bottom, _, _ = text.get_charbox(first)
    width, page_height = page.get_size()
    image = page.render(scale=SCALE).to_pil().convert("L")
    top = (page_height - bottom) * SCALE + 6
    region = image.crop((0, int(top), int(width * SCALE), int(top + height * SCALE)))
    return inked(region) / (region.width * region.height)


def inked(image: Image.Image) -> int:
    """How many pixels of a greyscale image are darker than paper."""
    return sum(image.histogram()[:200])


class Texts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.texts.append(data)


def visible(html: str) -> str:
    parser = Texts()
    parser.feed(re.sub(r"<style>.*?</style>", "", html, flags=re.S))
    return " ".join(" ".join(parser.texts).split())


def test_the_html_says_every_figure_with_its_interval_and_design(html: str) -> None:
    summary = quarter_summary()
    said = visible(html)

    for sentence in words.headline(summary) + words.caveats(summary):
        assert sentence in said
    for effect in summary.by_playbook + summary.by_persona:
        assert words.effect_sentence(effect) in said
    assert all(heading in said for heading in HEADINGS)
    assert "July to September 2025 (2025-Q3)" in said
    assert "$2,580,000" in said  # September's starting ARR, in the revenue table
    assert html.count("<svg") == 3
    assert all(caption in said for caption in CAPTIONS)


def test_the_pdf_has_numbered_a4_pages_with_every_heading(pdf: pdfium.PdfDocument) -> None:
    texts = [page_text(page) for page in pdf]

    assert 3 <= len(pdf) <= 5
    for number, page in enumerate(pdf, start=1):
        width, height = page.get_size()
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        assert f"Page {number} of {len(pdf)}" in texts[number - 1]
    everything = " ".join(texts)
    assert all(heading in everything for heading in HEADINGS)
    assert "Saved ARR: $184,000 (90% interval $52,000 to $316,000)" in everything


def test_the_pdf_draws_each_chart_whole_on_one_page(pdf: pdfium.PdfDocument) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    drawn = {}
    for number, page in enumerate(pdf, start=1):
        page.render(scale=1.5).to_pil().save(ARTIFACTS / f"executive-page-{number}.png")
        text = page_text(page)
        for caption in CAPTIONS:
            if caption in text:
                # Bars, whiskers and axis labels: ink in the chart's region right under its caption.
                drawn[caption] = ink_below(page, caption, height=120)
                # The chart's last part, its legend, on the same page: no chart cut in two.
                assert LEGENDS[caption] in text, f"{caption} is cut at page {number}"
    assert set(drawn) == set(CAPTIONS)
    assert all(share > 0.02 for share in drawn.values()), drawn


def test_a_blank_region_counts_as_no_chart(pdf: pdfium.PdfDocument) -> None:
    """The ink measure tells a drawn chart from empty paper: the last page's foot is blank."""
    last = pdf[len(pdf) - 1]
    image = last.render(scale=SCALE).to_pil().convert("L")
    width, height = image.size
    foot = image.crop((0, int(height * 0.9), width, int(height * 0.93)))

    assert inked(foot) == 0


def test_an_effect_too_small_to_read_is_said_not_drawn() -> None:
    rows = effect_rows([TOO_FEW, replace(TOO_FEW, name="Other")])

    assert [row.estimate for row in rows] == [None, None]
    html = report_html(
        replace(quarter_summary(), by_playbook=[TOO_FEW], by_persona=[], revenue=[]),
        generated_on=date(2025, 10, 2),
    )
    assert "too few to tell yet" in html
    assert "No persona has results yet." in html
    assert "How it was measured" in html
    assert "No ARR was lost or won in these months." in html


def test_months_without_any_movement_are_said_not_drawn() -> None:
    summary = quarter_summary()
    still = [
        replace(month, churned_arr=0.0, contracted_arr=0.0, expanded_arr=0.0, saved_arr=None)
        for month in summary.revenue
    ]

    html = report_html(replace(summary, revenue=still), generated_on=date(2025, 10, 2))

    assert "No ARR was lost or won in these months." in html
    assert summary.revenue_moved and not replace(summary, revenue=still).revenue_moved


def test_bar_labels_round_points_as_the_sentences_do() -> None:
    worse = replace(
        quarter_summary().by_playbook[0], churn_reduction=Interval(-0.0606, -0.109, -0.012)
    )

    chart = str(effect_chart([worse], "Churn reduction"))

    assert ">-6.1 pts<" in chart and "-6.06" not in chart
