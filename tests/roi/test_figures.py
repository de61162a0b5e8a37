"""One period's ROI figures from the interventions log and the outcomes of each entry."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.config import Settings
from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.interventions import service
from cspersona.interventions.models import Arm, InterventionKind, InterventionSource
from cspersona.playbooks.power import two_sided_p_value
from cspersona.roi.figures import summary
from cspersona.roi.models import WINDOWS, InterventionOutcome
from cspersona.roi.period import parse_period
from cspersona.roi.summary import Design
from tests.factories import add_customer, add_persona

ENTERED = datetime(2025, 4, 10, 9, tzinfo=UTC)
Q3 = parse_period("2025-Q3")


def _entry(
    db_session: Session,
    customer: Customer,
    *,
    playbook: str,
    arm: Arm | None,
    churned: bool,
    at: datetime = ENTERED,
) -> None:
    """An entry into ``playbook`` and its complete outcomes: kept its ARR, or churned."""
    entry = service.record(
        db_session,
        customer_id=customer.id,
        kind=InterventionKind.ENTERED,
        source=InterventionSource.IMPORT,
        performed_by="cspersona",
        performed_at=at,
        link=service.PlaybookLink(playbook_name=playbook, arm=arm),
    )
    arr = customer.arr or 0.0
    for days in WINDOWS:
        db_session.add(
            InterventionOutcome(
                intervention_id=entry.id,
                window_days=days,
                window_end=(at + timedelta(days=days)).date(),
                complete=True,
                churned=churned,
                renewed=False,
                arr_start=arr,
                arr_end=0.0 if churned else arr,
                sentiment_before=-0.5 if churned else 0.2,
            )
        )
    if churned:
        db_session.add(
            LifecycleEvent(
                customer_id=customer.id,
                kind=LifecycleKind.CHURNED,
                at=at + timedelta(days=45),
                amount=-arr,
            )
        )
    db_session.flush()


def _arm(
    db_session: Session, name: str, count: int, churned: int, *, playbook: str, arm: Arm | None
) -> list[Customer]:
    customers = []
    for n in range(count):
        customer = add_customer(
            db_session,
            f"{name} {n}",
            arr=10_000.0,
            contract_start=date(2024, 1, 1),
            csm_owner="Dana Scully" if n % 2 else "Fox Mulder",
        )
        _entry(db_session, customer, playbook=playbook, arm=arm, churned=n < churned)
        customers.append(customer)
    return customers


@pytest.fixture
def settings() -> Settings:
    return Settings(roi_hourly_rate=100.0, roi_tool_cost_per_month=0.0)


def test_a_randomised_playbook_reads_churn_and_saved_arr_against_its_held_back_group(
    db_session: Session, settings: Settings
) -> None:
    treated = _arm(db_session, "Treated", 60, 6, playbook="Save the renewal", arm=Arm.TREATED)
    held = _arm(db_session, "Held", 40, 12, playbook="Save the renewal", arm=Arm.HELD_BACK)
    add_persona(db_session, [*treated[:30], *held[:20]], name="Cost-Conscious Carlos")

    figures = summary(db_session, period=Q3, settings=settings)

    (effect,) = figures.by_playbook
    assert (effect.design, effect.treated, effect.held_back) == (Design.RANDOMISED, 60, 40)
    assert (effect.churn_treated, effect.churn_held_back) == (0.1, 0.3)
    assert effect.churn_reduction is not None
    assert effect.churn_reduction.estimate == pytest.approx(0.2)
    assert effect.churn_reduction.low > 0 and effect.churn_reduction.high < 0.4
    assert effect.relative_churn_reduction == pytest.approx(2 / 3)
    # Kept 90% of treated ARR against 70% held back: 20 points of $600,000 treated ARR.
    assert effect.saved_arr is not None
    assert effect.saved_arr.estimate == pytest.approx(120_000)
    assert effect.cuped_churn_reduction is not None and effect.variance_reduction is not None
    assert effect.variance_reduction > 0.5  # sentiment before entry foretells churn here
    # Looking every day costs evidence: the always-valid p-value is more cautious than one look.
    one_look = two_sided_p_value((12, 6), (40, 60))
    assert one_look is not None and one_look < 0.05
    assert effect.sequential_p_value is not None
    assert one_look < effect.sequential_p_value < 1
    # Windows ended in July 2025, inside the quarter: the headline counts them.
    assert figures.saved_arr_design is Design.RANDOMISED
    assert figures.saved_arr is not None
    assert figures.saved_arr.estimate == pytest.approx(120_000)
    personas = {e.name: (e.treated, e.held_back) for e in figures.by_persona}
    assert personas == {"Cost-Conscious Carlos": (30, 20), "No persona yet": (30, 20)}


def test_too_few_customers_give_no_interval_but_say_what_could_be_seen(
    db_session: Session, settings: Settings
) -> None:
    _arm(db_session, "Treated", 12, 1, playbook="Tiny", arm=Arm.TREATED)
    _arm(db_session, "Held", 3, 1, playbook="Tiny", arm=Arm.HELD_BACK)

    (effect,) = summary(db_session, period=Q3, settings=settings).by_playbook

    assert effect.churn_reduction is None and effect.saved_arr is None
    assert effect.minimum_detectable_reduction is None or effect.minimum_detectable_reduction > 0.3


def test_a_playbook_that_held_nobody_back_is_compared_observationally(
    db_session: Session, settings: Settings
) -> None:
    reached = _arm(db_session, "Reached", 20, 2, playbook="Executive review", arm=None)
    others = [
        add_customer(db_session, f"Other {n}", arr=10_000.0, contract_start=date(2024, 1, 1))
        for n in range(30)
    ]
    for other in others[:9]:
        db_session.add(
            LifecycleEvent(
                customer_id=other.id,
                kind=LifecycleKind.CHURNED,
                at=ENTERED + timedelta(days=30),
                amount=-10_000.0,
            )
        )
    db_session.flush()
    add_persona(db_session, [*reached, *others])

    figures = summary(db_session, period=Q3, settings=settings)

    (effect,) = figures.by_playbook
    assert (effect.design, effect.treated, effect.held_back) == (Design.OBSERVATIONAL, 20, 30)
    assert effect.churn_reduction is not None
    assert effect.churn_reduction.estimate == pytest.approx(0.3 - 0.1)
    # Per customer, the comparison lost $3,000 of ARR and the reached customers $1,000.
    assert effect.saved_arr is not None
    assert effect.saved_arr.estimate == pytest.approx(20 * 2_000)
    assert figures.saved_arr_design is Design.OBSERVATIONAL
    assert "not proof" in effect.notes[0]


def test_a_csm_sees_figures_of_their_own_book_only(db_session: Session, settings: Settings) -> None:
    _arm(db_session, "Treated", 20, 2, playbook="Save the renewal", arm=Arm.TREATED)
    _arm(db_session, "Held", 20, 6, playbook="Save the renewal", arm=Arm.HELD_BACK)
    dana = Principal(user_id=1, user_name="Dana", role=Role.CSM, csm_owner="Dana Scully", key_id=1)

    (effect,) = summary(db_session, period=Q3, settings=settings, principal=dana).by_playbook

    assert (effect.treated, effect.held_back) == (10, 10)


def test_retention_and_cost_cover_the_period(db_session: Session, settings: Settings) -> None:
    stayer = add_customer(db_session, "Stayer", arr=12_000.0, contract_start=date(2024, 1, 1))
    leaver = add_customer(db_session, "Leaver", arr=8_000.0, contract_start=date(2024, 1, 1))
    db_session.add_all(
        [
            LifecycleEvent(
                customer_id=stayer.id,
                kind=LifecycleKind.EXPANDED,
                at=datetime(2025, 8, 1, tzinfo=UTC),
                amount=2_000.0,
            ),
            LifecycleEvent(
                customer_id=leaver.id,
                kind=LifecycleKind.CHURNED,
                at=datetime(2025, 9, 1, tzinfo=UTC),
                amount=-8_000.0,
            ),
        ]
    )
    service.record(
        db_session,
        customer_id=leaver.id,
        kind=InterventionKind.MEETING,
        source=InterventionSource.PAGE,
        performed_by="Dana Scully",
        performed_at=datetime(2025, 8, 20, tzinfo=UTC),
        hours=3.0,
    )

    figures = summary(db_session, period=Q3, settings=settings)

    # Began the quarter with $18,000: $8,000 churned, $2,000 expanded.
    assert figures.gross_revenue_retention == pytest.approx(10_000 / 18_000)
    assert figures.net_revenue_retention == pytest.approx(12_000 / 18_000)
    assert (figures.cost.total, figures.interventions, figures.customers_reached) == (300.0, 1, 1)
    assert figures.saved_arr is None and figures.roi is None
    assert [m.month for m in figures.revenue][-3:] == [
        date(2025, 7, 1),
        date(2025, 8, 1),
        date(2025, 9, 1),
    ]
    assert figures.revenue[-1].churned_arr == 8_000.0


def test_the_return_is_saved_arr_as_a_multiple_of_the_cost(
    db_session: Session, settings: Settings
) -> None:
    treated = _arm(db_session, "Treated", 60, 6, playbook="Save the renewal", arm=Arm.TREATED)
    _arm(db_session, "Held", 40, 12, playbook="Save the renewal", arm=Arm.HELD_BACK)
    service.record(
        db_session,
        customer_id=treated[0].id,
        kind=InterventionKind.MEETING,
        source=InterventionSource.PAGE,
        performed_by="Dana Scully",
        performed_at=datetime(2025, 8, 1, tzinfo=UTC),
        hours=400.0,
    )

    figures = summary(db_session, period=Q3, settings=settings)

    # $120,000 saved for 400 hours at $100: 3.0 times what it cost.
    assert figures.cost.total == 40_000
    assert figures.roi is not None and figures.saved_arr is not None
    assert figures.roi.estimate == pytest.approx(3.0)
    assert figures.roi.low == pytest.approx(figures.saved_arr.low / 40_000)


def test_playbooks_are_also_read_together_each_one_a_stratum(
    db_session: Session, settings: Settings
) -> None:
    _arm(db_session, "Save treated", 30, 3, playbook="Save the renewal", arm=Arm.TREATED)
    _arm(db_session, "Save held", 10, 3, playbook="Save the renewal", arm=Arm.HELD_BACK)
    _arm(db_session, "Grow treated", 20, 2, playbook="Grow the account", arm=Arm.TREATED)
    _arm(db_session, "Grow held", 20, 4, playbook="Grow the account", arm=Arm.HELD_BACK)

    pooled, *each = summary(db_session, period=Q3, settings=settings).by_playbook

    assert (pooled.scope, pooled.name, pooled.treated, pooled.held_back) == (
        "all",
        "All playbooks together",
        50,
        30,
    )
    # Strata weighted by size: 40/80 of (0.3 - 0.1) and 40/80 of (0.2 - 0.1).
    assert pooled.churn_reduction is not None
    assert pooled.churn_reduction.estimate == pytest.approx(0.15)
    # The rates shown are weighted the same way, so their gap is the reduction.
    assert pooled.standardised and pooled.churn_held_back and pooled.churn_treated
    assert pooled.churn_held_back - pooled.churn_treated == pytest.approx(0.15)
    assert [e.name for e in each] == ["Save the renewal", "Grow the account"]


def test_saved_arr_waits_until_both_sides_have_customers_whose_arr_changed(
    db_session: Session, settings: Settings
) -> None:
    _arm(db_session, "Treated", 40, 2, playbook="Save the renewal", arm=Arm.TREATED)
    _arm(db_session, "Held", 12, 0, playbook="Save the renewal", arm=Arm.HELD_BACK)

    figures = summary(db_session, period=Q3, settings=settings)

    (effect,) = figures.by_playbook
    assert effect.churn_reduction is not None  # Newcombe copes with no churn at all
    assert effect.saved_arr is None and figures.saved_arr is None and figures.roi is None
    # What could have been seen instead: the kept shares (1 or 0) spread widely at this size.
    assert effect.minimum_detectable_arr_difference is not None
    assert 0.05 < effect.minimum_detectable_arr_difference < 0.5
