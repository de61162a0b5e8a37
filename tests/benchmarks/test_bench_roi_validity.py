"""The ROI validity benchmark's core on a few worlds, so it cannot rot between full runs."""

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_roi_validity.py"
SEED = 909090  # the benchmark itself runs from 424242


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_roi_validity", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_twenty_worlds_give_every_figure_against_the_truth(bench: ModuleType) -> None:
    results = list(bench.run(SEED, 20, customers=(150, 200)))

    assert [result.effect > 0 for result in results] == [True, False] * 10
    assert all(result.churn_truth == 0 == result.saved_truth for result in results[1::2])
    assert all(result.churn_truth > 0 for result in results if result.effect > 0)
    assert all(result.entries > 30 for result in results)
    figures = {figure["figure"]: figure for figure in bench.figures(results)}
    assert set(figures) == {
        "coverage_churn_reduction",
        "coverage_retained_arr",
        "coverage_retained_arr_as_shown",
        "false_positive_rate_always_valid",
        "saved_arr_bias",
    }
    for name in ("coverage_churn_reduction", "coverage_retained_arr"):
        assert figures[name]["worlds"] == 20
        assert 0.6 <= figures[name]["value"] <= 1.0
    shown = figures["coverage_retained_arr_as_shown"]
    assert shown["worlds"] == sum(result.arr_shown for result in results)
    assert shown["shown_share"] == shown["worlds"] / 20
    assert figures["false_positive_rate_always_valid"]["worlds"] == 10
    assert 0 <= figures["false_positive_rate_always_valid"]["value"] <= 0.3
    assert figures["saved_arr_bias"]["mean_truth_usd"] > 0
