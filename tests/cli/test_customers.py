import json

from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.nlp.text_checks import RAW_IDENTIFIER
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


def test_customers_show_says_every_figure_in_words_and_which_day_it_describes(
    analysed_world: AnalysedWorld,
) -> None:
    env = analysed_world.cli_environment()
    shown = runner.invoke(app, ["customers", "show", "1"], env=env)
    earlier = runner.invoke(app, ["customers", "show", "1", "--as-of", "2025-06-01"], env=env)

    assert shown.exit_code == 0, shown.output
    assert "(at the data's latest day, 20" in shown.stdout
    assert "Described from the data before 2025-06-01." in earlier.stdout
    assert "words per message on average" in shown.stdout
    assert RAW_IDENTIFIER.search(shown.stdout) is None, "a snake_case name reached the terminal"


def test_customers_show_refuses_bad_input(analysed_world: AnalysedWorld) -> None:
    env = analysed_world.cli_environment()

    bad_date = runner.invoke(app, ["customers", "show", "1", "--as-of", "June"], env=env)
    missing = runner.invoke(app, ["customers", "show", "999999"], env=env)

    assert bad_date.exit_code == 2
    assert bad_date.stderr.startswith("error: --as-of must be an ISO date")
    assert (missing.exit_code, missing.stderr) == (1, "error: no customer with id 999999\n")


def test_customers_list_shows_status_persona_and_risk(analysed_world: AnalysedWorld) -> None:
    env = analysed_world.cli_environment()

    table = runner.invoke(
        app,
        ["customers", "list", "--sort", "status", "--limit", "30"],
        env={**env, "COLUMNS": "160"},
    )
    churned = runner.invoke(app, ["customers", "list", "--status", "churned", "--json"], env=env)
    by_status = runner.invoke(app, ["customers", "list", "--sort", "status", "--json"], env=env)

    assert table.exit_code == 0, table.output
    for heading in ("company", "status", "persona", "90-day"):
        assert heading in table.stdout
    assert "25 of 25 customers; status at the data's latest day, " in table.stdout
    rows = [json.loads(line) for line in churned.stdout.splitlines()]
    assert rows and all(row["status"]["status"] == "churned" for row in rows)
    assert all(row["risk_tier_90d"] is None for row in rows)
    # Sorted by status, the churned customers come last.
    states = [json.loads(line)["status"]["status"] for line in by_status.stdout.splitlines()]
    assert "churned" in states and states[0] != "churned"
    assert set(states[states.index("churned") :]) == {"churned"}


def test_customers_show_gives_a_churned_customer_no_live_signals(
    analysed_world: AnalysedWorld,
) -> None:
    env = analysed_world.cli_environment()
    listed = runner.invoke(app, ["customers", "list", "--status", "churned", "--json"], env=env)
    gone = json.loads(listed.stdout.splitlines()[0])

    shown = runner.invoke(app, ["customers", "show", str(gone["id"])], env=env)
    as_json = json.loads(
        runner.invoke(app, ["customers", "show", str(gone["id"]), "--json"], env=env).stdout
    )

    churned_on = gone["status"]["churned_on"]
    assert f"Status: churned on {churned_on} (at the data's latest day, " in shown.stdout
    assert f"Churned on {churned_on}: no live churn signals." in shown.stdout
    assert "Churn signals" not in shown.stdout
    assert as_json["status"]["churned_on"] == churned_on
