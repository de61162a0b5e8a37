"""Analysts shape personas through the API; refits keep the names and narratives they wrote."""

import pytest
from sqlalchemy import select

from cspersona.exceptions import Conflict
from cspersona.personas import edits, service
from cspersona.personas import shaping as persona_shaping
from cspersona.personas.artifact import PERSONA_KIND
from cspersona.personas.build import build_personas
from cspersona.personas.clustering import PersonaModel
from cspersona.personas.features import persona_features
from cspersona.personas.models import Persona
from cspersona.registry import service as registry
from tests.personas.conftest import Shaping


def _members(shaping_world: Shaping) -> dict[int, list[int]]:
    """Each persona's current customers."""
    members: dict[int, list[int]] = {}
    for row in service.export_rows(db_session=shaping_world.session):
        members.setdefault(row["persona_id"], []).append(row["customer_id"])
    return members


def _active(shaping_world: Shaping) -> list[Persona]:
    query = select(Persona).where(Persona.active.is_(True)).order_by(Persona.id)
    return list(shaping_world.session.scalars(query))


def test_a_rename_and_a_new_narrative_are_versioned_and_survive_a_refit(shaping: Shaping) -> None:
    persona = _active(shaping)[0]
    old_name = persona.name

    renamed = shaping.analyst.patch(
        f"/api/personas/{persona.id}",
        json={"name": "Compliance Champions", "narrative": "They read every audit report."},
    )
    features = persona_features(db_session=shaping.session)
    build_personas(
        db_session=shaping.session,
        settings=shaping.settings,
        features=features,
        model=PersonaModel(n_personas=len(_active(shaping)), random_state=0),
    )
    after = shaping.analyst.get(f"/api/personas/{persona.id}").json()
    history = shaping.analyst.get(f"/api/personas/{persona.id}/edits").json()

    assert renamed.status_code == 200
    assert renamed.json()["name"] == "Compliance Champions"
    assert after["version"] == renamed.json()["version"] + 1, "the persona was refitted"
    assert (after["name"], after["narrative"]) == (
        "Compliance Champions",
        "They read every audit report.",
    )
    assert after["traits"]["name"] == "Compliance Champions"
    assert [(edit["field"], edit["new_value"]) for edit in history] == [
        ("narrative", "They read every audit report."),
        ("name", "Compliance Champions"),
    ]
    assert history[1]["old_value"] == old_name
    assert all(edit["editor"].startswith("analyst-") for edit in history)


def test_a_csm_may_not_edit_personas_and_names_stay_unique(shaping: Shaping) -> None:
    first, second = _active(shaping)[:2]

    denied = shaping.csm.patch(f"/api/personas/{first.id}", json={"name": "Mine"})
    denied_merge = shaping.csm.post(f"/api/personas/{first.id}/merge", json={"merge_id": 2})
    taken = shaping.analyst.patch(f"/api/personas/{first.id}", json={"name": second.name})
    empty = shaping.analyst.patch(f"/api/personas/{first.id}", json={"name": ""})

    assert denied.status_code == denied_merge.status_code == 403
    assert "may not edit personas" in denied.json()["detail"]
    assert taken.status_code == 409
    assert empty.status_code == 422
    assert edits.history(db_session=shaping.session, persona_id=first.id) == []


def test_a_merge_moves_the_members_and_retires_the_other_persona(shaping: Shaping) -> None:
    keep, other = _active(shaping)[:2]
    before = _members(shaping)

    merged = shaping.analyst.post(f"/api/personas/{keep.id}/merge", json={"merge_id": other.id})
    after = _members(shaping)
    again = shaping.analyst.post(f"/api/personas/{keep.id}/merge", json={"merge_id": other.id})

    assert merged.status_code == 200
    assert sorted(after[keep.id]) == sorted(before[keep.id] + before[other.id])
    assert other.id not in after
    assert merged.json()["traits"]["customers"] == len(after[keep.id])
    assert merged.json()["name"] == keep.name
    assert (other.active, other.merged_into_id) == (False, keep.id)
    assert again.status_code == 409
    # A customer the stored model still places in the merged persona goes to the kept one.
    assert edits.merge_targets(shaping.session) == {other.id: keep.id}
    fields = [edit.field for edit in edits.history(db_session=shaping.session, persona_id=keep.id)]
    assert fields == ["merged"]


def test_a_persona_is_created_from_chosen_customers(shaping: Shaping) -> None:
    members = _members(shaping)
    first, second = sorted(members)[:2]
    chosen = members[first][:3] + members[second][:3]

    created = shaping.analyst.post(
        "/api/personas", json={"customer_ids": chosen, "name": "Hand-Picked Hannah"}
    )
    body = created.json()
    after = _members(shaping)
    unknown = shaping.analyst.post("/api/personas", json={"customer_ids": [chosen[0], 999999]})

    assert created.status_code == 201
    assert body["name"] == "Hand-Picked Hannah"
    assert sorted(after[body["id"]]) == sorted(chosen)
    assert body["traits"]["customers"] == 6
    assert body["narrative"]
    assert set(chosen).isdisjoint(after[first] + after[second])
    history = shaping.analyst.get(f"/api/personas/{body['id']}/edits").json()
    assert [edit["field"] for edit in history] == ["name", "created"]
    assert unknown.status_code == 404
    assert "999999" in unknown.json()["detail"]


def test_a_suggested_persona_is_promoted_once(shaping: Shaping) -> None:
    registered = registry.get_latest(db_session=shaping.session, kind=PERSONA_KIND)
    members = _members(shaping)
    group = members[sorted(members)[0]][:5]
    registered.metrics = registered.metrics | {
        "suggested_personas": [
            {"name": "Quiet Quentin", "narrative": "Rarely writes.", "customer_ids": group}
        ]
    }
    shaping.session.flush()

    listed = shaping.analyst.get("/api/personas/suggested").json()
    promoted = shaping.analyst.post("/api/personas/suggested/1/promote")
    again = shaping.analyst.post("/api/personas/suggested/1/promote")
    missing = shaping.analyst.post("/api/personas/suggested/2/promote")

    assert listed == [
        {"number": 1, "name": "Quiet Quentin", "narrative": "Rarely writes.", "customer_ids": group}
    ]
    assert promoted.status_code == 201
    assert promoted.json()["name"] == "Quiet Quentin"
    assert sorted(_members(shaping)[promoted.json()["id"]]) == sorted(group)
    assert again.status_code == 409
    assert missing.status_code == 404
    with pytest.raises(Conflict, match="already persona"):
        persona_shaping.promote(
            db_session=shaping.session,
            settings=shaping.settings,
            number=1,
            editor=edits.Editor.at_command_line(),
        )
