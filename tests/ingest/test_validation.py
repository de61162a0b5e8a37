from typing import Any

import pytest

from cspersona.config import load_settings
from cspersona.ingest.records import Entity, RawRecord
from cspersona.ingest.schemas import MessageRecord
from cspersona.ingest.validation import Validator, required_fields

validator = Validator.from_settings(load_settings())
MESSAGE = {
    "external_id": "m1",
    "interaction_external_id": "i1",
    "seq": 0,
    "author_role": "customer",
    "sent_at": "2025-03-04T10:15:00+00:00",
    "text": "Hello",
}


def check(entity: Entity, fields: dict[str, Any]) -> object:
    return validator.validate(RawRecord(entity, fields, "file.csv:2", "raw"))


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"text": None}, "text is missing"),
        ({"text": "   "}, "text is missing"),
        ({"sent_at": "soon"}, "sent_at: 'soon' is not a date or time; write ISO 8601"),
        ({"author_role": "robot"}, "author_role: 'robot' is not a message author role: use one"),
        ({"seq": "first"}, "seq: input should be a valid integer"),
        ({"seq": -1}, "seq: input should be greater than or equal to 0 (got -1)"),
        ({"text": "x" * 100_001}, "text: 100,001 characters is over the limit of 100,000"),
        ({"interaction_external_id": "i" * 129}, "interaction_external_id is 129 characters"),
    ],
)
def test_bad_message_fields_get_a_reason_naming_the_field(
    changes: dict[str, Any], reason: str
) -> None:
    result = check(Entity.MESSAGES, MESSAGE | changes)

    assert isinstance(result, str) and result.startswith(reason), result


def test_every_bad_field_is_named_in_one_line() -> None:
    result = check(Entity.MESSAGES, MESSAGE | {"text": None, "sent_at": "soon"})

    assert isinstance(result, str)
    assert "sent_at:" in result and "text is missing" in result and "\n" not in result


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("author_role", "End User", "customer"),
        ("author_role", "Account Manager", "csm"),
        ("author_role", "SUPPORT", "agent"),
        ("seq", "3", 3),
        ("external_id", 17, "17"),
        ("text", "  hello  ", "hello"),
    ],
)
def test_loose_export_values_are_read(field: str, value: object, expected: object) -> None:
    result = check(Entity.MESSAGES, MESSAGE | {field: value})

    assert isinstance(result, MessageRecord)
    assert getattr(result, field) == expected


CUSTOMER = {"external_id": "c", "company_name": "A"}
INTERACTION = {"external_id": "i", "customer_external_id": "c", "started_at": "2025-01-01"}
USAGE = {"customer_external_id": "c", "day": "2025-01-01"}
LIFECYCLE = {"customer_external_id": "c", "at": "2025-01-01"}
NPS = {"external_id": "n", "customer_external_id": "c", "answered_at": "2025-01-01"}


@pytest.mark.parametrize(
    ("entity", "fields", "expected"),
    [
        (Entity.CUSTOMERS, CUSTOMER | {"arr": "$1,200.50"}, ("arr", 1200.5)),
        (
            Entity.CUSTOMERS,
            CUSTOMER | {"contract_start": "01/06/2024"},
            ("contract_start", "2024-01-06"),
        ),
        (Entity.INTERACTIONS, INTERACTION | {"type": "Live chat"}, ("type", "chat")),
        (
            Entity.USAGE_DAILY,
            USAGE | {"feature_adoption": '{"sso": 3}'},
            ("feature_adoption", {"sso": 3}),
        ),
        (Entity.LIFECYCLE_EVENTS, LIFECYCLE | {"kind": "Churn"}, ("kind", "churned")),
    ],
)
def test_other_entities_read_their_loose_values(
    entity: Entity, fields: dict[str, Any], expected: tuple[str, object]
) -> None:
    result = check(entity, fields)

    field, value = expected
    assert not isinstance(result, str), result
    assert str(getattr(result, field)) == str(value)


@pytest.mark.parametrize(
    ("entity", "fields", "reason"),
    [
        (
            Entity.NPS_RESPONSES,
            NPS | {"score": 11},
            "score: input should be less than or equal to 10 (got 11)",
        ),
        (
            Entity.USAGE_DAILY,
            USAGE | {"feature_adoption": "lots"},
            'feature_adoption: is not a JSON object like {"dashboards": 3}',
        ),
        (Entity.CUSTOMERS, {"external_id": "c"}, "company_name is missing"),
    ],
)
def test_other_entities_refuse_bad_values(
    entity: Entity, fields: dict[str, Any], reason: str
) -> None:
    assert check(entity, fields) == reason


def test_a_record_the_reader_could_not_parse_keeps_the_readers_reason() -> None:
    record = RawRecord(Entity.MESSAGES, None, "x.jsonl:3", "{oops", "not valid JSON")

    assert validator.validate(record) == "not valid JSON"


def test_required_fields_follow_the_data_format() -> None:
    assert required_fields(Entity.MESSAGES) == [
        "interaction_external_id",
        "seq",
        "author_role",
        "sent_at",
        "text",
    ]
