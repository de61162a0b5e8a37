import numpy as np
import pandas as pd
import pytest

from cspersona.exceptions import BadInput
from cspersona.predict.table_columns import BLANK_CATEGORY, TableSchema


def _table() -> pd.DataFrame:
    rows = 40
    return pd.DataFrame(
        {
            "customerID": [f"{index:04d}-ABCD" for index in range(rows)],
            "TotalCharges": ["29.85", " ", *[str(10.5 * index) for index in range(rows - 2)]],
            "SeniorCitizen": ["0", "1"] * (rows // 2),
            "Contract": ["Month-to-month", "One year", "Two year", ""] * (rows // 4),
            "constant": ["x"] * rows,
            "empty": [""] * rows,
        }
    )


def test_columns_are_typed_and_the_reasons_for_skipping_kept() -> None:
    schema = TableSchema().fit(_table())

    assert schema.numeric_columns_ == ["TotalCharges"]
    assert schema.categorical_columns_ == ["SeniorCitizen", "Contract"]
    assert schema.skipped_columns_ == {
        "customerID": "identifier-like (40 distinct values)",
        "constant": "constant",
        "empty": "empty",
    }
    assert schema.identifier_column() == "customerID"


def test_blank_numbers_become_missing_and_blank_categories_a_category() -> None:
    typed = TableSchema().fit_transform(_table())

    assert np.isnan(typed["TotalCharges"].iloc[1])
    assert typed["TotalCharges"].iloc[0] == pytest.approx(29.85)
    assert typed["Contract"].iloc[3] == BLANK_CATEGORY
    assert list(typed.columns) == ["TotalCharges", "SeniorCitizen", "Contract"]


def test_typical_values_are_the_median_and_the_most_frequent_category() -> None:
    schema = TableSchema().fit(_table())

    assert schema.typical_["TotalCharges"] == pytest.approx(
        np.median([29.85, *[10.5 * index for index in range(38)]])
    )
    assert schema.typical_["SeniorCitizen"] in {"0", "1"}


def test_a_table_without_usable_columns_is_refused_with_the_reasons() -> None:
    frame = pd.DataFrame({"id": [f"c{index}" for index in range(30)], "same": ["a"] * 30})

    with pytest.raises(BadInput, match=r"no usable feature column \(id: identifier-like"):
        TableSchema().fit(frame)


def test_scoring_tables_must_have_every_feature_column_but_may_have_more() -> None:
    schema = TableSchema().fit(_table())
    scoring = _table().drop(columns=["Contract"]).assign(extra="x")

    with pytest.raises(BadInput, match="lacks feature columns the model needs: Contract"):
        schema.transform(scoring)
    assert "extra" not in schema.transform(_table().assign(extra="x")).columns
