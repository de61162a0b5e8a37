from dataclasses import replace
from datetime import date

from cspersona.nlp.text_checks import text_problems
from cspersona.roi import words
from cspersona.roi.period import parse_period
from cspersona.roi.summary import Cost, Design, Interval
from tests.roi.examples import CLEAR, OBSERVED, TOO_FEW, quarter_summary


def test_numbers_read_as_money_shares_points_and_multiples() -> None:
    assert words.money(1234.4) == "$1,234"
    assert words.money(-30_000) == "-$30,000"
    assert [words.short_money(value) for value in (-40_000, 0, 150_000, 1_250_000)] == [
        "-$40k",
        "$0",
        "$150k",
        "$1.25M",
    ]
    assert words.share(0.125) == "12.5%"
    assert words.points(0.042) == "4.2 points"
    assert words.multiple(3.14) == "3.1×"


def test_periods_read_as_months() -> None:
    assert words.period_name(parse_period("2025-Q3")) == "July to September 2025"
    assert words.period_name(parse_period("2025-Q4")) == "October to December 2025"
    assert words.period_name(parse_period("2025-09")) == "September 2025"
    assert words.period_name(parse_period("2025-12")) == "December 2025"


def test_saved_arr_carries_its_interval_and_design() -> None:
    summary = quarter_summary()

    assert words.saved_arr_sentence(summary) == (
        "Saved ARR: $184,000 (90% interval $52,000 to $316,000), "
        "measured against a randomised held-back group."
    )
    observed = replace(summary, saved_arr_design=Design.OBSERVATIONAL)
    assert words.saved_arr_sentence(observed).endswith(
        "observational comparison: not proof of cause."
    )
    assert "not measured yet" in words.saved_arr_sentence(replace(summary, saved_arr=None))


def test_cost_and_return_read_with_their_parts() -> None:
    summary = quarter_summary()

    assert words.cost_sentence(summary.cost) == (
        "Cost: $59,200, 320 CSM hours at $110 an hour plus $24,000 for the tool."
    )
    assert words.cost_sentence(Cost(10, 100, 0)) == "Cost: $1,000, 10 CSM hours at $100 an hour."
    assert words.roi_sentence(summary) == (
        "Return on investment: 3.1× (90% interval 0.9× to 5.3×): saved ARR divided by the cost."
    )


def test_retention_reads_as_percentages() -> None:
    assert words.retention_sentences(quarter_summary()) == [
        "Gross revenue retention: 91.2% of the starting ARR kept, after churn and contraction.",
        "Net revenue retention: 104.3% of the starting ARR, expansion counted too.",
    ]


def test_a_clear_randomised_effect_reads_with_rates_interval_and_design() -> None:
    assert words.effect_sentence(CLEAR) == (
        "6.2 points fewer customers churned (90% interval 1.8 to 10.6 points), 8.4% against "
        "14.6% held back over 90 days, measured against a randomised held-back group."
    )


def test_a_small_experiment_says_what_it_could_not_see() -> None:
    assert words.effect_sentence(TOO_FEW) == (
        "Too few customers to tell yet: 41 treated and 9 held back; a reduction smaller than "
        "14 points cannot be seen at this size."
    )


def test_an_observational_effect_says_it_is_no_proof_and_may_be_nothing() -> None:
    said = words.effect_sentence(OBSERVED)

    assert said.startswith(
        "Cannot tell yet: within 90 days 11.0% of the 64 treated customers churned, "
        "against 13.0% of the 210 not treated"
    )
    assert "observational comparison: not proof of cause" in said
    assert said.endswith(
        "the 90% interval runs from 3.0 points more churned to 7.0 points fewer churned, "
        "so it includes no effect at all."
    )


def test_a_playbook_that_raised_churn_says_so() -> None:
    worse = replace(CLEAR, churn_reduction=Interval(-0.03, -0.05, -0.01))

    assert words.effect_sentence(worse).startswith("3.0 points more customers churned")


def test_the_headline_and_caveats_are_clean_prose() -> None:
    summary = quarter_summary()
    said = words.headline(summary) + words.caveats(summary)

    assert said[-1].startswith("Playbooks marked too few to tell")
    assert "1,284 interventions reached 225 customers over July to September 2025." in said
    assert [text for text in said if text_problems(text)] == []
    assert words.month_name(date(2025, 9, 1)) == "September 2025"


def test_an_effect_without_saved_arr_says_what_size_of_gain_it_could_have_seen() -> None:
    unmeasured = replace(CLEAR, saved_arr=None, minimum_detectable_arr_difference=0.183)

    assert words.effect_saved_arr(unmeasured) == (
        "Saved ARR: not measured yet, too few customers on a side gained or lost ARR; at this "
        "size, a difference in ARR kept smaller than 18 points could not be seen."
    )
    assert words.effect_saved_arr(replace(TOO_FEW, minimum_detectable_arr_difference=0.4)) is None


def test_pooled_rates_say_they_are_weighted_by_playbook() -> None:
    pooled = replace(CLEAR, scope="all", standardised=True)

    assert "held back (rates weighted by playbook) over 90 days" in words.effect_sentence(pooled)
