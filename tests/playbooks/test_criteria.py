"""Entry needs every criterion, exit any one; unknown values never satisfy a criterion."""

import pytest
from pydantic import ValidationError

from cspersona.playbooks.criteria import CustomerState, entry_met, exit_met, holds
from cspersona.playbooks.definition import RISK_TIERS, Criterion
from cspersona.predict.tiers import RiskTier

STATE = CustomerState(customer_id=1, risk_tier="elevated", arr=30_000, plan="pro")


def test_tiers_compare_by_rank_and_numbers_as_numbers() -> None:
    assert holds(Criterion(field="risk_tier", op="ge", value="elevated"), STATE)
    assert not holds(Criterion(field="risk_tier", op="gt", value="elevated"), STATE)
    assert holds(Criterion(field="arr", op="ge", value=20_000), STATE)
    assert holds(Criterion(field="plan", op="in", value=["Pro", "enterprise"]), STATE)


def test_a_missing_value_never_satisfies_a_criterion() -> None:
    assert not holds(Criterion(field="nps", op="lt", value=7), STATE)
    assert not holds(Criterion(field="nps", op="ge", value=7), STATE)


def test_entry_needs_all_and_exit_any() -> None:
    high = Criterion(field="risk_tier", op="eq", value="high")
    big = Criterion(field="arr", op="gt", value=10_000)
    assert not entry_met([high, big], STATE)
    assert entry_met([big], STATE)
    assert exit_met([high, big], STATE) == big
    assert exit_met([high], STATE) is None


def test_a_tier_that_does_not_exist_is_refused_in_words() -> None:
    with pytest.raises(ValidationError, match="risk tier medium does not exist; tiers: normal"):
        Criterion(field="risk_tier", op="eq", value="medium")


def test_the_tiers_are_the_churn_stages_least_risky_first() -> None:
    assert {tier.value for tier in RiskTier} == set(RISK_TIERS)
    assert RISK_TIERS[0] == RiskTier.NORMAL and RISK_TIERS[-1] == RiskTier.HIGH
