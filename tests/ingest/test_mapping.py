import re
from pathlib import Path
from typing import Any

import pytest

from cspersona.exceptions import BadInput
from cspersona.ingest.mapping import ColumnMapping, FieldSpec, lookup
from cspersona.ingest.records import Entity, InputProblem
from cspersona.ingest.tabular import Row

SAMPLES = Path(__file__).resolve().parents[2] / "docs" / "samples"


@pytest.mark.parametrize(
    ("spec", "values", "expected"),
    [
        (FieldSpec(column="Name"), {"Name": "Acme"}, "Acme"),
        (FieldSpec(column="requester.email"), {"requester": {"email": "a@b.co"}}, "a@b.co"),
        (FieldSpec(value="chat"), {}, "chat"),
        (FieldSpec(template="{First} {Last}"), {"First": "Priya", "Last": "Raman"}, "Priya Raman"),
        (FieldSpec(template="{First} {Last}"), {"First": "Priya", "Last": None}, "Priya"),
        (FieldSpec(template="hs:{Id}"), {"Id": None}, None),
        (FieldSpec(column="who", map={"C": "customer"}), {"who": "C"}, "customer"),
        (FieldSpec(column="who", map={"C": "customer"}), {"who": "X"}, "X"),
        (FieldSpec(column="who", default="agent"), {"who": ""}, "agent"),
        (FieldSpec(column="missing"), {}, None),
    ],
)
def test_field_specs_resolve(spec: FieldSpec, values: dict[str, Any], expected: object) -> None:
    assert spec.resolve(values) == expected


def test_a_field_spec_has_exactly_one_origin() -> None:
    with pytest.raises(ValueError, match="give exactly one of column, value or template"):
        FieldSpec(column="a", value="b")


def test_lookup_prefers_a_key_with_a_dot_over_a_path() -> None:
    assert lookup({"a.b": 1, "a": {"b": 2}}, "a.b") == 1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entities: {messages: {txt: body}}", "messages: no field txt; fields are"),
        (
            "entities: {customers: {external_id: id}}",
            "customers: required field(s) company_name not mapped",
        ),
        ("entities: {planets: {}}", "entities.planets"),
        ("format: xlsx\nentities: {}", "format: Input should be 'csv', 'json' or 'jsonl'"),
        ("entities: [unclosed", "is not YAML"),
    ],
)
def test_bad_mappings_are_refused_with_the_line_to_fix(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(BadInput, match=re.escape(message)):
        ColumnMapping.load(write(tmp_path, text))


def test_a_missing_mapping_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        ColumnMapping.load(tmp_path / "nope.yaml")


def test_the_sample_chat_mapping_yields_each_conversation_once_and_numbers_messages() -> None:
    mapping = ColumnMapping.load(SAMPLES / "chat-mapping.yaml")

    def row(conversation: str, sender: str, location: str) -> Row:
        values = {"conversation": conversation, "account": "a", "sender": sender}
        return Row(values | {"timestamp": "t", "message": "hi"}, location, "raw")

    rows = [
        row("c-1", "Customer", "f:2"),
        row("c-1", "Agent", "f:3"),
        Row(None, "f:4", "raw", "malformed CSV"),
        row("c-2", "Customer", "f:5"),
    ]

    records = list(mapping.records_of(iter(rows)))

    assert [(record.entity, record.location) for record in records] == [
        (Entity.INTERACTIONS, "f:2"),
        (Entity.MESSAGES, "f:2"),
        (Entity.MESSAGES, "f:3"),
        (Entity.MESSAGES, "f:4"),
        (Entity.INTERACTIONS, "f:5"),
        (Entity.MESSAGES, "f:5"),
    ]
    messages = [record.fields for record in records if record.entity is Entity.MESSAGES]
    assert [(m["external_id"], m["seq"], m["author_role"]) for m in messages if m] == [
        ("c-1:0", 0, "customer"),
        ("c-1:1", 1, "agent"),
        ("c-2:0", 0, "customer"),
    ]
    assert records[3].problem == "malformed CSV"
    assert records[0].fields is not None and records[0].fields["type"] == "chat"


def test_a_header_without_the_mapped_columns_is_refused() -> None:
    mapping = ColumnMapping.load(SAMPLES / "chat-mapping.yaml")

    with pytest.raises(InputProblem, match="has no column 'message' that the mapping reads"):
        mapping.check_header(["conversation", "account", "sender", "timestamp", "body"], "x.csv")
