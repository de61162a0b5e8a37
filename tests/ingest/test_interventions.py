"""A dataset folder's interventions.csv: loaded after the customers, counted, quarantined."""

import shutil
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.ingest import service
from cspersona.ingest.models import QuarantinedRecord
from cspersona.interventions.models import Arm, Intervention, InterventionSource

WORLD = Path(__file__).resolve().parent / "data" / "world"
PAST_ACTIONS = (
    "intervention_id,customer_id,kind,performed_by,performed_at,playbook,arm,hours,note\n"
    "iv-1,cus_001,call,csm_ana,2025-03-03T09:00:00,Save the renewal,treated,0.5,Renewal call\n"
    "iv-2,cus_002,entered,playbook,2025-03-01,Save the renewal,held_back,,\n"
    "iv-3,cus_404,email,csm_ana,2025-03-01,,,,\n"
)


def _world_with_actions(tmp_path: Path) -> Path:
    folder = tmp_path / "world"
    shutil.copytree(WORLD, folder)
    (folder / "interventions.csv").write_text(PAST_ACTIONS, encoding="utf-8")
    return folder


def _import(db_session: Session, folder: Path) -> dict[str, int]:
    settings = load_settings(secret_key="test-secret", ingest_workers=1)
    run = service.run_import(db_session=db_session, settings=settings, paths=[folder])
    counts: dict[str, int] = run.summary["entities"]["interventions"]
    return counts


def test_a_dataset_folders_past_actions_load_with_the_customers_and_are_counted(
    db_session: Session, tmp_path: Path
) -> None:
    folder = _world_with_actions(tmp_path)

    counts = _import(db_session, folder)

    assert counts == {"received": 3, "loaded": 2, "duplicates": 0, "quarantined": 1}
    entries = db_session.scalars(select(Intervention).order_by(Intervention.external_id)).all()
    assert [(e.external_id, e.arm, e.source) for e in entries] == [
        ("iv-1", Arm.TREATED, InterventionSource.IMPORT),
        ("iv-2", Arm.HELD_BACK, InterventionSource.IMPORT),
    ]
    refused = db_session.scalars(select(QuarantinedRecord)).one()
    assert (refused.entity, refused.row_ref) == ("interventions", "interventions.csv line 4")
    assert refused.reason == "no customer with id 'cus_404' (import the customers first)"


def test_importing_the_folder_again_adds_no_action(db_session: Session, tmp_path: Path) -> None:
    folder = _world_with_actions(tmp_path)
    _import(db_session, folder)

    again = _import(db_session, folder)

    assert again == {"received": 3, "loaded": 0, "duplicates": 2, "quarantined": 1}
    assert len(db_session.scalars(select(Intervention)).all()) == 2
