from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from cspersona.exceptions import NotFound
from cspersona.registry import service


def _register(db_session: Session, data_dir: Path, kind: str, artifact: object) -> object:
    return service.register(
        db_session=db_session,
        data_dir=data_dir,
        kind=kind,
        artifact=artifact,
        params={"learner": "blend"},
        features=["plan", "seats"],
        training_summary={"customers": 60, "churned": 14},
        metrics={"churn": {"roc_auc": 0.81}},
    )


def test_versions_count_up_per_kind_and_artifacts_land_in_the_models_folder(
    db_session: Session, tmp_path: Path
) -> None:
    first = _register(db_session, tmp_path, "churn", {"weights": [1, 2]})
    second = _register(db_session, tmp_path, "churn", {"weights": [3]})
    persona = _register(db_session, tmp_path, "persona", "centroids")

    assert [first.tag, second.tag, persona.tag] == ["churn-v1", "churn-v2", "persona-v1"]
    assert second.artifact_path == "models/churn-v2.joblib"
    assert (tmp_path / "models" / "churn-v2.joblib").is_file()
    assert service.load(model=second, data_dir=tmp_path) == {"weights": [3]}


def test_latest_list_and_get(db_session: Session, tmp_path: Path) -> None:
    for artifact in ("a", "b"):
        _register(db_session, tmp_path, "churn", artifact)
    _register(db_session, tmp_path, "persona", "c")

    latest = service.get_latest(db_session=db_session, kind="churn")

    assert latest.version == 2
    assert latest.training_summary == {"customers": 60, "churned": 14}
    assert latest.metrics == {"churn": {"roc_auc": 0.81}}
    assert latest.created_at.tzinfo is not None
    assert [m.tag for m in service.get_all(db_session=db_session)] == [
        "churn-v1",
        "churn-v2",
        "persona-v1",
    ]
    assert [m.tag for m in service.get_all(db_session=db_session, kind="persona")] == ["persona-v1"]
    assert service.get(db_session=db_session, kind="churn", version=1).features == [
        "plan",
        "seats",
    ]


def test_unknown_models_are_not_found(db_session: Session) -> None:
    with pytest.raises(NotFound, match="no churn model is registered yet"):
        service.get_latest(db_session=db_session, kind="churn")
    with pytest.raises(NotFound, match="no churn model version 7 is registered"):
        service.get(db_session=db_session, kind="churn", version=7)
