"""Planted programme effects: who enters, the arms, what treatment changes, and the truth kept."""

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from cspersona.catalogue.models import load_catalogue
from cspersona.exceptions import ConfigError
from cspersona.interventions.models import Arm
from cspersona.synth.files import FileSink
from cspersona.synth.life import Entry, Life
from cspersona.synth.logbook import ACTION_WITHIN_DAYS, MAX_ACTIONS
from cspersona.synth.programmes import HORIZON
from cspersona.synth.records import INTERVENTION_COLUMNS
from cspersona.synth.service import generate
from cspersona.synth.spec import ProgrammeSpec, WorldSpec, load_archetypes, load_world
from cspersona.synth.world import World

EVERY_ARCHETYPE = [archetype.key for archetype in load_archetypes()]
SEED = 31337


def world_with(programmes: list[ProgrammeSpec], *, seed: int = SEED, scale: float = 2.0) -> World:
    spec = load_world().model_copy(update={"programmes": programmes})
    return World(seed=seed, scale=scale, catalogue=load_catalogue(), spec=spec)


def programme(**changes: object) -> ProgrammeSpec:
    fields: dict[str, object] = {
        "playbook": "Save them all",
        "archetypes": EVERY_ARCHETYPE,
        "notice_weeks": 2,
        "entry_probability": 1.0,
        "held_back_share": 0.3,
        "churn_reduction": 0.3,
        "expansion_lift": 0.0,
    }
    return ProgrammeSpec.model_validate(fields | changes)


def entries(world: World) -> list[tuple[Life, Entry]]:
    return [(life, entry) for _, life in world.lives() for entry in life.entries]


def churned_within_horizon(life: Life, entry: Entry) -> bool:
    return life.churned_at is not None and entry.at < life.churned_at <= entry.at + HORIZON


def test_the_default_world_runs_two_or_three_programmes_with_a_control_arm() -> None:
    programmes = load_world().programmes

    assert 2 <= len(programmes) <= 3
    assert all(0.2 <= each.held_back_share <= 0.3 for each in programmes)
    assert all(0 < each.churn_reduction < 0.5 for each in programmes)


def test_the_held_back_share_is_near_the_configured_one() -> None:
    arms = [entry.arm for _, entry in entries(world_with([programme(held_back_share=0.3)]))]

    assert len(arms) > 200
    assert arms.count(Arm.HELD_BACK) / len(arms) == pytest.approx(0.3, abs=0.08)


def test_only_the_served_archetypes_enter() -> None:
    served = programme(archetypes=["cost_conscious"])
    world = world_with([served], scale=0.6)

    entered = {archetype.key for archetype, life in world.lives() if life.entries}

    assert entered == {"cost_conscious"}


def test_a_strong_planted_effect_visibly_lowers_treated_churn() -> None:
    world = world_with([programme(held_back_share=0.5, churn_reduction=0.9, notice_weeks=0)])
    # Over the whole rest of the window, not only the horizon: more churns to compare.
    churned: dict[Arm, list[bool]] = {Arm.TREATED: [], Arm.HELD_BACK: []}
    for life, entry in entries(world):
        churned[entry.arm].append(life.churned_at is not None and life.churned_at > entry.at)

    treated, held_back = (np.mean(churned[arm]) for arm in (Arm.TREATED, Arm.HELD_BACK))

    assert held_back > 0.1
    assert treated < held_back / 3


def test_customers_never_treated_live_exactly_as_without_programmes() -> None:
    planted = list(world_with([programme(held_back_share=0.5, churn_reduction=0.9)]).lives())
    plain = list(world_with([]).lives())
    treated = [any(entry.arm is Arm.TREATED for entry in life.entries) for _, life in planted]

    assert all(not life.entries for _, life in plain)
    assert 50 < sum(treated) < len(planted) - 50
    changed = 0
    for (_, with_programme), (_, without), was_treated in zip(planted, plain, treated, strict=True):
        same = (
            with_programme.churned_at == without.churned_at
            and with_programme.events == without.events
            and np.array_equal(with_programme.engagement, without.engagement)
        )
        assert same or was_treated
        changed += not same
    assert changed > 0


def test_the_truth_holds_the_potential_churn_of_both_arms() -> None:
    world = world_with([programme(churn_reduction=0.4, notice_weeks=3)], scale=4.0)
    found = entries(world)
    complete = [
        (life, entry) for life, entry in found if entry.at.date() + HORIZON < world.window_end
    ]
    churners = [(life, entry) for life, entry in complete if churned_within_horizon(life, entry)]

    for _, entry in found:
        assert 0 <= entry.churn_probability_held_back <= 1
        assert entry.churn_probability_treated == pytest.approx(
            entry.churn_probability_held_back * 0.6
        )
    # A churn inside the horizon was possible in the truth, but for silent churn (left out of
    # the truth: it strikes both arms alike, a few in a thousand entries).
    impossible = [entry for _, entry in churners if entry.churn_probability_held_back == 0]
    assert len(churners) >= 10 and len(impossible) <= len(churners) / 5
    expected = sum(entry.churn_probability_held_back for _, entry in complete)
    observed = sum(1 for _, entry in churners if entry.arm is Arm.HELD_BACK) + sum(
        entry.churn_probability_held_back for _, entry in complete if entry.arm is Arm.TREATED
    )
    assert observed == pytest.approx(expected, abs=3 * np.sqrt(expected) + 1)


def test_the_dataset_holds_the_log_and_the_truth_of_every_entry(tmp_path: Path) -> None:
    world = World(seed=SEED, scale=0.3, catalogue=load_catalogue())
    folder = tmp_path / "world"
    with FileSink(folder, file_format="jsonl", overwrite=False, world=world) as sink:
        generate(world=world, sinks=[sink])

    with (folder / "interventions.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == INTERVENTION_COLUMNS
        log = list(reader)
    truth = [json.loads(line) for line in (folder / "truth" / "interventions.jsonl").open()]
    programmes = [json.loads(line) for line in (folder / "truth" / "programmes.jsonl").open()]
    customers = {json.loads(line)["external_id"] for line in (folder / "customers.jsonl").open()}

    assert [row["playbook"] for row in programmes] == [p.playbook for p in world.spec.programmes]
    entered = [row for row in log if row["kind"] == "entered"]
    assert len(entered) == len(truth) > 10
    assert [row["intervention_id"] for row in entered] == [row["intervention_id"] for row in truth]
    assert {row["customer_id"] for row in log} <= customers
    assert {row["arm"] for row in log} == {"treated", "held_back"}
    assert {row["kind"] for row in log} <= {
        "entered", "email", "call", "meeting", "in_app", "training", "internal",
    }  # fmt: skip
    for row in log:
        assert datetime.fromisoformat(row["performed_at"]).utcoffset() == timedelta(0)
        assert (row["hours"] == "") == (row["kind"] == "entered")
    # Each entry's actions follow it in the log: none when held back, one to three when treated
    # (all of them unless the window or the customer's life ends first).
    actions: dict[str, list[dict[str, str]]] = {}
    for row in log:
        if row["kind"] == "entered":
            current = actions.setdefault(row["intervention_id"], [])
        else:
            current.append(row)
    last_day = world.window_end - timedelta(days=ACTION_WITHIN_DAYS + 1)
    for row in entered:
        done = actions[row["intervention_id"]]
        assert {action["customer_id"] for action in done} <= {row["customer_id"]}
        if row["arm"] == "held_back":
            assert done == []
        elif datetime.fromisoformat(row["performed_at"]).date() < last_day:
            assert 1 <= len(done) <= MAX_ACTIONS
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["interventions"] == {"path": "interventions.csv", "rows": len(log)}


def test_a_programme_for_an_unknown_archetype_is_refused() -> None:
    with pytest.raises(ConfigError, match="unknown archetypes: wizard"):
        world_with([programme(archetypes=["wizard"])])


def test_two_programmes_with_one_playbook_name_are_refused() -> None:
    data = load_world().model_dump()
    data["programmes"] = [programme().model_dump(), programme().model_dump()]

    with pytest.raises(ValidationError, match="share a playbook name"):
        WorldSpec.model_validate(data)
