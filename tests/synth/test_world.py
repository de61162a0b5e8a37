from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.exceptions import BadInput
from cspersona.synth.labels import ConversationKind
from cspersona.synth.spec import load_archetypes, load_world
from cspersona.synth.world import CustomerBundle, World


def rows(bundles: list[CustomerBundle], entity: str, *, truth: bool = False) -> list[dict]:
    return [row for bundle in bundles for row in (bundle.truth if truth else bundle.data)[entity]]


def test_archetypes_are_dealt_evenly_in_a_shuffled_order(small_world: World) -> None:
    plan = small_world.plan()
    per_archetype = Counter(customer.archetype.key for customer in plan)

    assert set(per_archetype.values()) == {round(50 * 0.3)}
    assert len(per_archetype) == 5
    first_fifteen = {customer.archetype.key for customer in plan[:15]}
    assert len(first_fifteen) > 1, "external ids must not reveal archetypes"


@pytest.mark.parametrize("kind", list(ConversationKind))
def test_each_archetype_has_at_least_the_briefs_volume(
    small_world: World, kind: ConversationKind
) -> None:
    base = load_world().volume[kind] * small_world.scale
    totals: Counter[str] = Counter()
    for customer in small_world.plan():
        totals[customer.archetype.key] += customer.counts[kind]

    for archetype in load_archetypes():
        assert totals[archetype.key] == round(base * archetype.volume[kind])
    assert min(totals.values()) == round(base)


def test_default_volume_is_the_brief_per_archetype() -> None:
    world = load_world()
    archetypes = load_archetypes()

    assert world.volume == {"ticket": 1000, "email": 500, "chat": 200}
    for kind in ConversationKind:
        assert min(archetype.volume[kind] for archetype in archetypes) == 1.0


def test_every_archetype_kind_channel_and_role_is_present(bundles: list[CustomerBundle]) -> None:
    archetypes = {bundle.archetype for bundle in bundles}
    interactions = rows(bundles, "interactions")
    channels = {(row["type"], row["channel"]) for row in interactions}
    expected_channels = {
        ("ticket", channel)
        for archetype in load_archetypes()
        for channel in archetype.ticket_channels
    } | {
        ("chat", channel) for archetype in load_archetypes() for channel in archetype.chat_channels
    }

    assert archetypes == {archetype.key for archetype in load_archetypes()}
    assert {row["type"] for row in interactions} == {kind.value for kind in ConversationKind}
    assert expected_channels | {("email", "email")} == channels
    assert {row["author_role"] for row in rows(bundles, "messages")} == {"customer", "agent", "csm"}


def test_references_resolve_and_messages_are_ordered(bundles: list[CustomerBundle]) -> None:
    customers = {row["external_id"] for row in rows(bundles, "customers")}
    contacts = {
        row["external_id"]: row["customer_external_id"] for row in rows(bundles, "contacts")
    }
    interactions = {row["external_id"]: row for row in rows(bundles, "interactions")}
    by_interaction: dict[str, list[dict]] = {}
    for message in rows(bundles, "messages"):
        by_interaction.setdefault(message["interaction_external_id"], []).append(message)

    assert len(customers) == len(bundles)
    assert set(contacts.values()) == customers
    for interaction in interactions.values():
        assert interaction["customer_external_id"] in customers
        assert contacts[interaction["contact_external_id"]] == interaction["customer_external_id"]
    assert set(by_interaction) == set(interactions)
    for external_id, messages in by_interaction.items():
        interaction = interactions[external_id]
        assert [message["seq"] for message in messages] == list(range(len(messages)))
        times = [message["sent_at"] for message in messages]
        assert times == sorted(times) and times[0] == interaction["started_at"]
        if interaction["closed_at"] is not None:
            assert interaction["closed_at"] >= times[-1]
    for entity in ("nps_responses", "usage_daily", "lifecycle_events"):
        assert {row["customer_external_id"] for row in rows(bundles, entity)} <= customers
    for answer in rows(bundles, "nps_responses"):
        assert contacts[answer["contact_external_id"]] == answer["customer_external_id"]
        assert 0 <= answer["score"] <= 10


def test_truth_rows_carry_the_same_ids_as_the_data(bundles: list[CustomerBundle]) -> None:
    for entity in ("customers", "interactions", "messages", "nps_responses"):
        data_ids = [row["external_id"] for row in rows(bundles, entity)]
        truth_ids = [row["external_id"] for row in rows(bundles, entity, truth=True)]
        assert data_ids == truth_ids
        assert len(set(data_ids)) == len(data_ids)


def test_nothing_happens_after_churn_or_outside_the_window(
    small_world: World, bundles: list[CustomerBundle]
) -> None:
    window_start = datetime.combine(small_world.window_start, time(0), tzinfo=UTC)
    window_end = datetime.combine(small_world.window_end + timedelta(days=1), time(0), tzinfo=UTC)
    churned = 0
    for bundle in bundles:
        churned_at = bundle.truth["customers"][0]["churned_at"]
        end = churned_at or window_end
        churned += churned_at is not None
        moments = [row["sent_at"] for row in bundle.data["messages"]]
        moments += [row["answered_at"] for row in bundle.data["nps_responses"]]
        days = [row["day"] for row in bundle.data["usage_daily"]]
        assert all(window_start <= moment < end for moment in moments)
        assert all(window_start.date() <= day < end.date() for day in days)
        if churned_at is not None:
            events = bundle.data["lifecycle_events"]
            assert events[-1]["kind"] == "churned" and events[-1]["at"] == churned_at
    assert 0 < churned < len(bundles)


def test_timestamps_are_timezone_aware_utc(bundles: list[CustomerBundle]) -> None:
    moments = [row["sent_at"] for row in rows(bundles, "messages")]
    moments += [row["started_at"] for row in rows(bundles, "interactions")]
    moments += [row["at"] for row in rows(bundles, "lifecycle_events")]

    assert all(moment.utcoffset() == timedelta(0) for moment in moments)


def test_usage_names_catalogue_features_and_is_quiet_at_weekends(
    bundles: list[CustomerBundle],
) -> None:
    keys = set(load_catalogue().feature_keys)
    usage = rows(bundles, "usage_daily")

    assert all(row["active_users"] >= 0 and row["events"] >= 0 for row in usage)
    assert set().union(*(row["feature_adoption"] for row in usage)) == keys
    weekdays = [row["active_users"] for row in usage if row["day"].weekday() < 5]
    weekends = [row["active_users"] for row in usage if row["day"].weekday() >= 5]
    assert sum(weekends) / len(weekends) < 0.5 * sum(weekdays) / len(weekdays)


def test_companies_have_firmographics_and_contacts_have_pii(bundles: list[CustomerBundle]) -> None:
    customers = rows(bundles, "customers")
    contacts = rows(bundles, "contacts")

    assert {"FinTech", "HealthTech", "EdTech"} <= {row["industry"] for row in customers}
    assert all(row["plan"] in load_catalogue().plans and row["arr"] > 0 for row in customers)
    assert all(row["renewal_date"] > row["contract_start"] for row in customers)
    assert len({row["csm_owner"] for row in customers}) > 3
    assert all("@" in row["email"] and row["phone"] and " " in row["name"] for row in contacts)


@pytest.mark.parametrize(
    ("seed", "scale", "message"),
    [
        (-1, 1.0, "--seed must be 0 or more"),
        (1, 0.0, "--scale must be above 0"),
        (1, 5000.0, "at most"),
    ],
)
def test_bad_seed_or_scale_is_refused(seed: int, scale: float, message: str) -> None:
    with pytest.raises(BadInput, match=message):
        World(seed=seed, scale=scale, catalogue=load_catalogue())


def test_no_drift_leaves_the_world_as_it_was(bundles: list[CustomerBundle]) -> None:
    assert all(
        row["drifted_on"] is None and row["drifted_to"] is None
        for bundle in bundles
        for row in bundle.truth["customers"]
    )


def test_drifted_customers_change_only_from_the_drift_day(small_world: World) -> None:
    drifting = World(
        seed=small_world.seed,
        scale=small_world.scale,
        catalogue=small_world.catalogue,
        drift_share=0.5,
    )
    moved = 0
    for planned in drifting.plan()[:30]:
        before, after = small_world.build(planned), drifting.build(planned)
        truth = after.truth["customers"][0]
        if truth["drifted_on"] is None:
            assert after.data["interactions"] == before.data["interactions"]
            continue
        moved += 1
        assert truth["drifted_to"] != planned.archetype.key
        day = truth["drifted_on"]
        earlier = [row for row in after.data["interactions"] if row["started_at"].date() < day]
        assert earlier == [
            row for row in before.data["interactions"] if row["started_at"].date() < day
        ]
        assert after.data["usage_daily"] == before.data["usage_daily"]
        assert after.data["interactions"] != before.data["interactions"]
    assert 5 <= moved <= 25


def test_a_drift_share_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(BadInput, match="--drift must be between 0 and 1"):
        World(seed=1, scale=1.0, catalogue=load_catalogue(), drift_share=1.5)
