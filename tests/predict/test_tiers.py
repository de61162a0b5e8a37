import numpy as np
import pytest

from cspersona.predict.tiers import RiskTier, risk_tiers, times_book_average


def test_the_riskiest_tenth_is_high_the_next_fifth_elevated_whatever_the_base_rate() -> None:
    probabilities = np.linspace(0.027, 0.099, 20)[::-1].copy()  # a book that all scores low

    tiers = risk_tiers(probabilities, high_share=0.1, elevated_share=0.2)

    assert tiers[:2] == [RiskTier.HIGH] * 2
    assert tiers[2:6] == [RiskTier.ELEVATED] * 4
    assert set(tiers[6:]) == {RiskTier.NORMAL}


def test_a_small_book_still_has_a_high_tier_and_zero_shares_are_allowed() -> None:
    probabilities = np.array([0.2, 0.5, 0.1])

    assert risk_tiers(probabilities, high_share=0.1, elevated_share=0.0) == [
        RiskTier.NORMAL,
        RiskTier.HIGH,
        RiskTier.NORMAL,
    ]
    assert set(risk_tiers(probabilities, high_share=0.0, elevated_share=0.0)) == {RiskTier.NORMAL}


@pytest.mark.parametrize(
    ("probabilities", "expected"),
    [([0.02, 0.04, 0.12], [0.33, 0.67, 2.0]), ([0.0, 0.0], [1.0, 1.0])],
)
def test_probabilities_as_multiples_of_the_book_average(
    probabilities: list[float], expected: list[float]
) -> None:
    assert times_book_average(np.array(probabilities)).tolist() == expected
