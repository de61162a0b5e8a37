from pathlib import Path

import pytest

from cspersona.ingest import tabular
from cspersona.ingest.records import InputProblem
from cspersona.ingest.tabular import Row, read_rows


def rows_of(path: Path, file_format: str, **options: object) -> list[Row]:
    return list(read_rows(path, file_format, **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiter_is_sniffed(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        delimiter.join(["id", "text", "n"]) + "\n" + delimiter.join(["1", "a, b; c", "3"]) + "\n"
        if delimiter not in ",;"
        else f'id{delimiter}text{delimiter}n\n1{delimiter}"a, b; c"{delimiter}3\n',
        encoding="utf-8",
    )

    [row] = rows_of(path, "csv")

    assert row.values == {"id": "1", "text": "a, b; c", "n": "3"}


def test_csv_rows_keep_location_raw_text_and_quoted_newlines(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,text\n1,"first\nsecond"\n\n2,  \n', encoding="utf-8")

    first, second = rows_of(path, "csv")

    assert first == Row({"id": "1", "text": "first\nsecond"}, "data.csv:2", '1,"first\nsecond"\n')
    assert second.location == "data.csv:5"
    assert second.values == {"id": "2", "text": None}  # blank cells are empty values


def test_bad_csv_rows_become_problems_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text('id,text\n1,"ok" trailing\n2,x,y\n3,fine\n4,"never closed\n', encoding="utf-8")

    rows = rows_of(path, "csv")

    assert [row.location for row in rows] == [
        "data.csv:2",
        "data.csv:3",
        "data.csv:4",
        "data.csv:5",
    ]
    assert rows[0].problem is not None and rows[0].problem.startswith("malformed CSV")
    assert rows[1].problem == "the row has 3 values but the header names 2 columns"
    assert rows[2].values == {"id": "3", "text": "fine"}
    assert rows[3].problem == "malformed CSV: unexpected end of data (check its quotes)"


def test_a_header_naming_a_column_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text("id,text,id\n1,a,2\n", encoding="utf-8")

    with pytest.raises(InputProblem, match="the header names id twice"):
        rows_of(path, "csv")


def test_json_arrays_stream_across_chunk_boundaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "JSON_CHUNK_CHARS", 5)
    path = tmp_path / "data.json"
    path.write_text('[ {"a": 1, "t": "hello"},\n {"a": 22222}, {"b": [1, 2]} ]', encoding="utf-8")

    rows = rows_of(path, "json")

    assert [row.values for row in rows] == [{"a": 1, "t": "hello"}, {"a": 22222}, {"b": [1, 2]}]
    assert [row.location for row in rows] == ["data.json $[0]", "data.json $[1]", "data.json $[2]"]
    assert rows[1].raw == '{"a": 22222}'


@pytest.mark.parametrize(
    ("content", "good", "problem"),
    [
        ('[{"a": 1}, {"a": 2}, {"a": 3, "t": "cut', 2, "the file ends inside element [2]"),
        ('[{"a": 1}, {"a": 2,, "b": 3}, {"a": 4}]', 1, "element [1] is not valid JSON"),
        ('[{"a": 1}, 7]', 1, "expected a JSON object {...}"),
    ],
)
def test_broken_json_keeps_the_records_before_the_break(
    tmp_path: Path, content: str, good: int, problem: str
) -> None:
    path = tmp_path / "data.json"
    path.write_text(content, encoding="utf-8")

    rows = rows_of(path, "json")

    assert [row.values for row in rows[:good]] == [{"a": n} for n in range(1, good + 1)]
    assert rows[-1].problem is not None and rows[-1].problem.startswith(problem)


def test_a_json_array_that_is_never_closed_is_reported_after_its_records(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('[{"a": 1}, {"a": 2}', encoding="utf-8")
    rows = read_rows(path, "json")

    assert next(rows).values == {"a": 1}
    assert next(rows).values == {"a": 2}
    with pytest.raises(InputProblem, match="without closing the array: is it truncated"):
        next(rows)


def test_a_json_object_needs_a_records_path(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"data": {"items": [{"a": 1}, {"a": 2}]}}', encoding="utf-8")

    with pytest.raises(InputProblem, match="is not a JSON array of records"):
        rows_of(path, "json")
    rows = rows_of(path, "json", records_path="data.items")
    assert [row.location for row in rows] == [
        "data.json $.data.items[0]",
        "data.json $.data.items[1]",
    ]


def test_jsonl_lines_that_are_not_objects_become_problems(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text('{"a": 1}\n\n{"a": \n[1, 2]\n{"a": 2}\n', encoding="utf-8")

    rows = rows_of(path, "jsonl")

    assert [(row.location, row.values, row.problem) for row in rows] == [
        ("data.jsonl:1", {"a": 1}, None),
        ("data.jsonl:3", None, "not valid JSON (Expecting value at column 7)"),
        ("data.jsonl:4", None, "expected a JSON object {...} on the line"),
        ("data.jsonl:5", {"a": 2}, None),
    ]
