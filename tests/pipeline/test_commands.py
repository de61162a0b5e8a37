from typer.testing import CliRunner

from cspersona.cli import app
from tests.conftest import AnalysedWorld

runner = CliRunner()


def test_pipeline_run_reports_each_stage(analysed_world: AnalysedWorld) -> None:
    result = runner.invoke(app, ["pipeline", "run"], env=analysed_world.cli_environment())

    assert result.exit_code == 0, result.output
    assert "analytics" in result.stdout
