"""A playbook's experiment in sentences, the same on its page and in ``playbooks experiment``."""

from dataclasses import dataclass

from cspersona.playbooks.experiment import ArmResult, Experiment
from cspersona.playbooks.power import ALPHA


@dataclass(frozen=True)
class ExperimentWords:
    """What an analyst reads: the design, the difference, what the sample can read, what next."""

    design: str
    difference: str
    power: list[str]
    recommendations: list[str]


def rate_words(rate: float | None) -> str:
    """A churn rate as a percentage, or a dash before anyone was followed up."""
    return "-" if rate is None else f"{rate:.1%}"


def arm_rows(result: Experiment) -> list[tuple[str, ArmResult]]:
    """The two arms with their labels, treated first."""
    return [("treated", result.treated), ("held back", result.held_back)]


def experiment_words(result: Experiment) -> ExperimentWords:
    """``result`` in sentences."""
    design = (
        f"{result.control_share:.0%} of the customers who enter are held back (no tasks); churn is "
        f"read over {result.window_days} days after entry."
    )
    if result.difference is None:
        difference = "No difference to read yet: both arms need customers whose window closed."
    else:
        verdict = (
            "not readable yet"
            if result.p_value is None or result.p_value >= ALPHA
            else "readable at 95% confidence"
        )
        p_value = "" if result.p_value is None else f"p = {result.p_value:.2f}; "
        difference = (
            f"Treated minus held back: {result.difference * 100:+.1f} points ({p_value}{verdict})."
        )
    return ExperimentWords(
        design=design,
        difference=difference,
        power=_power_lines(result),
        recommendations=[item.text for item in result.recommendations],
    )


def _power_lines(result: Experiment) -> list[str]:
    power = result.power
    if power.baseline_churn_rate is None:
        return []  # the recommendations say what to wait for
    baseline = rate_words(power.baseline_churn_rate)
    lines = [
        f"Baseline churn {baseline} over {result.window_days} days, from "
        f"{power.baseline_source} (α 0.05, power 0.8)."
    ]
    if power.minimum_detectable_reduction is None:
        lines.append("These arms are too small to read any fall in churn, even to zero.")
    else:
        lines.append(
            "These arms can read a fall of "
            f"{power.minimum_detectable_reduction * 100:.1f} points or more."
        )
    entering = (
        f", or {power.needed_entries:,} entering at this control share; "
        f"{power.entries_last_year:,} entered in the last year."
        if power.needed_entries
        else "."
    )
    lines.append(
        f"A {power.relative_reduction:.0%} fall ({baseline} to "
        f"{rate_words(power.target_churn_rate)}) needs {power.needed_per_arm:,} customers per arm "
        f"with equal arms{entering}"
    )
    return lines
