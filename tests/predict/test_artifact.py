import pickle
from pathlib import Path

import pytest

from cspersona.exceptions import BadInput
from cspersona.predict.artifact import load_model
from cspersona.predict.table_columns import TableSchema


def test_files_naming_the_column_typing_module_before_its_rename_still_unpickle(
    tmp_path: Path,
) -> None:
    written = pickle.dumps(TableSchema(), protocol=0)  # protocol 0 names modules in plain text
    before_rename = written.replace(
        b"cspersona.predict.table_columns\n", b"cspersona.predict.schema\n"
    )
    assert before_rename != written
    path = tmp_path / "old.joblib"
    path.write_bytes(before_rename)

    with pytest.raises(BadInput, match=r"not a cspersona churn model \(it holds TableSchema\)"):
        load_model(path)
