from cspersona.reports.svg import IntervalRow, MonthBars, interval_bars, monthly_bars, nice_ticks


def test_ticks_are_round_and_cover_the_values() -> None:
    assert nice_ticks(-3.0, 10.6) == [-5, 0, 5, 10, 15]
    assert nice_ticks(-51_000, 184_000) == [-100_000, -50_000, 0, 50_000, 100_000, 150_000, 200_000]
    assert nice_ticks(0.0, 0.0) == [0.0, 0.2]


def test_interval_bars_draw_a_bar_and_whisker_per_estimate_and_words_for_none() -> None:
    rows = [
        IntervalRow("Onboarding <rescue>", 6.2, 1.8, 10.6, randomised=True),
        IntervalRow("Renewal", None, None, None, randomised=True),
    ]

    svg = interval_bars(rows, said=lambda value: f"{value:g} pts", label="Churn")

    assert svg.count('fill-opacity="0.75"') == 1  # one bar
    assert svg.count('stroke="#212121" stroke-width="1.5" fill="none"') == 1  # one whisker
    assert "too few to tell yet" in svg
    assert "Onboarding &lt;rescue&gt;" in svg
    assert "6.2 pts" in svg


def test_monthly_bars_draw_losses_gains_and_the_saved_line() -> None:
    months = [
        MonthBars("Jul", "2025", 30.0, 5.0, 40.0, 10.0),
        MonthBars("Aug", "", 20.0, 0, 50.0, 60.0),
    ]

    svg = monthly_bars(months, said=str, label="Revenue")

    assert "<polyline" in svg and svg.count("<circle") == 2
    assert ">Jul<" in svg and ">2025<" in svg and "saved by playbooks" in svg


def test_with_nothing_saved_yet_there_is_no_line_and_no_key_for_it() -> None:
    months = [MonthBars("Jul", "2025", 30.0, 5.0, 40.0, None)]

    svg = monthly_bars(months, said=str, label="Revenue")

    assert "<polyline" not in svg and "<circle" not in svg
    assert "saved by playbooks" not in svg
