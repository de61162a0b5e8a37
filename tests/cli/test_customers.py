import json

from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.reports.text_checks import RAW_IDENTIFIER
from tests.conftest import AnalysedWorld

runner = CliRunner()


def test_customers_show_prints_patterns_segment_and_signals(analysed_world: AnalysedWorld) -> None:
    env = analysed_world.cli_environment()

    shown = runner.invoke(app, ["customers", "show", "1", "--as-of", "2025-06-01"], env=env)
    as_json = runner.invoke(app, ["customers", "show", "1", "--json"], env=env)

    assert shown.exit_code == 0, shown.output
    for heading in ("Communication and usage", "Engagement:", "Feature adoption", "Churn signals"):
        assert heading in shown.stdout
    summary = json.loads(as_json.stdout)
    assert summary["customer_id"] == 1
    assert [signal["name"] for signal in summary["signals"]] == [
        "declining_usage",
        "rising_negative_sentiment",
        "unresolved_issues",
        "nps_drop",
        "champion_quiet",
    ]
    assert summary["segment"]["engagement"] in ("high-touch", "mixed", "self-serve")


def test_customers_show_says_every_figure_in_words_as_of_a_named_day(
    analysed_world: AnalysedWorld,
) -> None:
    shown = runner.invoke(app, ["customers", "show", "1"], env=analysed_world.cli_environment())

    assert shown.exit_code == 0, shown.output
    first_line = shown.stdout.splitlines()[0]
    assert ", as of 20" in first_line
    assert "words per message on average" in shown.stdout
    assert RAW_IDENTIFIER.search(shown.stdout) is None, "a snake_case name reached the terminal"


def test_customers_show_refuses_bad_input(analysed_world: AnalysedWorld) -> None:
    env = analysed_world.cli_environment()

    bad_date = runner.invoke(app, ["customers", "show", "1", "--as-of", "June"], env=env)
    missing = runner.invoke(app, ["customers", "show", "999999"], env=env)

    assert bad_date.exit_code == 2
    assert bad_date.stderr.startswith("error: --as-of must be an ISO date")
    assert (missing.exit_code, missing.stderr) == (1, "error: no customer with id 999999\n")
