from pathlib import Path

import pypdfium2 as pdfium
import pytest
from typer.testing import CliRunner

from cspersona.auth.policy import Principal
from cspersona.cli import app
from cspersona.reports import executive
from cspersona.roi.summary import Period, RoiSummary
from tests.conftest import DatabaseFactory
from tests.roi.examples import quarter_summary

runner = CliRunner()


@pytest.fixture(scope="module")
def env(database_factory: DatabaseFactory) -> dict[str, str]:
    """A migrated, empty database for the report commands."""
    variables = {"CSPERSONA_DATABASE_URL": database_factory.create()}
    assert runner.invoke(app, ["db", "upgrade"], env=variables).exit_code == 0
    return variables


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Period, Principal | None]]:
    """The periods and scopes the figures were asked for; they answer with the example quarter."""
    calls: list[tuple[Period, Principal | None]] = []

    def figures(
        db_session: object, *, period: Period, settings: object, principal: Principal | None
    ) -> RoiSummary:
        calls.append((period, principal))
        return quarter_summary()

    monkeypatch.setattr(executive, "summary_for", figures)
    return calls


def test_the_report_is_written_as_pdf_or_html_by_the_suffix(
    env: dict[str, str], tmp_path: Path, asked: list[tuple[Period, Principal | None]]
) -> None:
    pdf = runner.invoke(
        app,
        ["report", "executive", "--period", "2025-Q3", "--out", str(tmp_path / "r.pdf")],
        env=env,
    )
    html = runner.invoke(
        app,
        ["report", "executive", "--period", "2025-09", "--out", str(tmp_path / "r.HTML")],
        env=env,
    )

    assert pdf.exit_code == 0, pdf.output
    assert "Wrote the 2025-Q3 ROI report to" in pdf.stdout
    document = pdfium.PdfDocument(tmp_path / "r.pdf")
    assert "Headline figures" in document[0].get_textpage().get_text_range()
    assert html.exit_code == 0, html.output
    assert "Saved ARR: $184,000" in (tmp_path / "r.HTML").read_text(encoding="utf-8")
    assert [(period.label, scope) for period, scope in asked] == [
        ("2025-Q3", None),
        ("2025-09", None),
    ]


def test_without_a_period_the_report_covers_the_last_complete_quarter(
    env: dict[str, str], tmp_path: Path, asked: list[tuple[Period, Principal | None]]
) -> None:
    result = runner.invoke(app, ["report", "executive", "--out", str(tmp_path / "r.html")], env=env)

    assert result.exit_code == 0, result.output
    [(period, _)] = asked
    assert period.label.count("-Q") == 1 and period.end <= executive.utc_now().date()


def test_the_report_refuses_an_unknown_format_or_period(
    env: dict[str, str], tmp_path: Path, asked: list[tuple[Period, Principal | None]]
) -> None:
    docx = runner.invoke(app, ["report", "executive", "--out", str(tmp_path / "r.docx")], env=env)
    summer = runner.invoke(
        app,
        ["report", "executive", "--period", "summer", "--out", str(tmp_path / "r.pdf")],
        env=env,
    )

    assert docx.exit_code == 2
    assert docx.stderr.startswith("error: --out must end in .pdf or .html")
    assert summer.exit_code == 2
    assert "'summer' is not a period" in summer.stderr
    assert asked == []
