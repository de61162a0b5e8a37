from pathlib import Path

import pytest

from cspersona.exceptions import BadInput
from cspersona.registry import artifacts


def test_an_artifact_round_trips(tmp_path: Path) -> None:
    path = artifacts.save({"a": [1, 2]}, tmp_path / "deep" / "model.joblib")

    assert artifacts.load(path) == {"a": [1, 2]}


@pytest.mark.parametrize(
    "content", [b"customerID,Churn\n1,Yes\n", b"", b"\x80\x04\x95garbage", b"\x00" * 64]
)
def test_files_that_are_not_artifacts_are_refused_in_one_line(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "model.joblib"
    path.write_bytes(content)

    with pytest.raises(BadInput, match="model.joblib is not a model file"):
        artifacts.load(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="no such model file"):
        artifacts.load(tmp_path / "absent.joblib")
