import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cspersona.exceptions import BadInput
from cspersona.predict.table import (
    TableSpec,
    TimeUnit,
    is_missing,
    parse_churn_label,
    parse_days,
    parse_time_unit,
    read_csv,
    split_table,
)


@pytest.mark.parametrize(
    "values",
    [
        pd.Series([1.5, np.nan, -1.0, np.inf, 0.0]),
        pd.Series([0, -1, 7]),
        pd.Series([1, None, 3], dtype="Int64"),
        pd.Series([True, False]),
    ],
)
def test_numbers_are_missing_where_their_text_would_be(values: pd.Series) -> None:
    """Numeric columns skip the text check: it could only find what isna already finds."""
    assert is_missing(values).tolist() == is_missing(values.astype(object)).tolist()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Yes", "No", "yes", "NO"], [1, 0, 1, 0]),
        (["1", "0", "1.0", "0.0"], [1, 0, 1, 0]),
        (["True", "False", "t", "f"], [1, 0, 1, 0]),
        (["churned", "active", "Churned ", "retained"], [1, 0, 1, 0]),
        (["cancelled", "renewed", "lost", "current"], [1, 0, 1, 0]),
    ],
)
def test_churn_labels_are_understood_in_their_usual_spellings(
    values: list[str], expected: list[int]
) -> None:
    assert parse_churn_label(pd.Series(values), "Churn").tolist() == expected


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (["Yes", "Yes", "yes"], "one class only (every customer churned)"),
        (["No", "no"], "one class only (every customer stayed)"),
        (["Yes", "No", "maybe"], "neither churned nor stayed: 'maybe'"),
        (["Yes", "", "No"], "has 1 blank values"),
    ],
)
def test_unusable_labels_are_refused_with_the_reason(values: list[str], message: str) -> None:
    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_churn_label(pd.Series(values), "Churn")


def test_months_are_thirty_days_so_horizons_fall_on_whole_months() -> None:
    days = parse_days(pd.Series(["1", "2.5", "0"]), "tenure", TimeUnit.MONTHS)

    np.testing.assert_allclose(days, [30, 75, 0])


@pytest.mark.parametrize("bad", ["-1", "", "soon"])
def test_times_must_be_non_negative_numbers(bad: str) -> None:
    with pytest.raises(BadInput, match="time column 'tenure' has 1 values"):
        parse_days(pd.Series(["3", bad]), "tenure", TimeUnit.DAYS)


def test_an_unknown_time_unit_lists_the_valid_ones() -> None:
    with pytest.raises(BadInput, match="unknown time unit 'weeks'; use one of: days, months"):
        parse_time_unit("weeks")
    assert parse_time_unit(" Months ") is TimeUnit.MONTHS


def test_read_csv_keeps_text_and_strips_blanks(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,TotalCharges,Churn\nA, 29.85 ,Yes\nB, ,No\n")

    frame = read_csv(path)

    assert frame["TotalCharges"].tolist() == ["29.85", ""]
    assert frame["id"].tolist() == ["A", "B"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "is not a readable CSV file"),
        (b"", "is not a readable CSV file"),
        (b"id;plan;churned\n1;pro;yes\n", "has a single column ('id;plan;churned')"),
        (b"id,plan,churned\n", "has a header but no customer rows"),
        (b'a,b\n"unterminated,1\n', "is not a readable CSV file"),
    ],
)
def test_files_that_are_not_customer_tables_are_refused(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)

    with pytest.raises(BadInput, match=re.escape(message)):
        read_csv(path)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="nope.csv: no such file"):
        read_csv(tmp_path / "nope.csv")


def test_a_spec_names_the_first_column_the_table_lacks(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("id,plan,Churn\nA,x,Yes\n")

    with pytest.raises(BadInput, match="t.csv has no column 'tenure' \\(columns: id, plan, Churn"):
        TableSpec(path, "Churn", time="tenure").read()


def test_outcome_and_id_columns_never_become_features() -> None:
    frame = pd.DataFrame(
        {"id": ["a", "b"], "tenure": ["3", "4"], "Churn": ["Yes", "No"], "plan": ["x", "y"]}
    )

    table = split_table(
        frame, label="Churn", time="tenure", time_unit=TimeUnit.DAYS, id_column="id"
    )

    assert list(table.features.columns) == ["plan"]
    assert table.churned.tolist() == [1, 0]
    assert table.target.tolist() == [[3.0, 1.0], [4.0, 0.0]]
