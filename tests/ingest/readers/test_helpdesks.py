from pathlib import Path
from typing import Any

import pytest

from cspersona.ingest.readers.base import ReadOptions
from cspersona.ingest.readers.helpdesks import (
    FreshdeskReader,
    IntercomReader,
    ZendeskReader,
    html_text,
)
from cspersona.ingest.records import Entity, InputProblem, RawRecord

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def records(reader: Any, name: str) -> list[RawRecord]:
    return list(reader.read(SAMPLES / name, ReadOptions()))


def of(entity: Entity, found: list[RawRecord]) -> list[dict[str, Any]]:
    return [record.fields for record in found if record.entity is entity and record.fields]


def test_zendesk_organisations_users_tickets_and_public_comments() -> None:
    found = records(ZendeskReader(), "zendesk-tickets.json")

    assert [c["external_id"] for c in of(Entity.CUSTOMERS, found)] == ["cus_001", "zendesk:org:362"]
    assert [c["name"] for c in of(Entity.CONTACTS, found)] == ["Priya Raman", "Tomasz Wójcik"]
    tickets = of(Entity.INTERACTIONS, found)
    assert [(t["external_id"], t["customer_external_id"], t["closed_at"]) for t in tickets] == [
        ("35436", "cus_001", "2025-03-05T09:00:00Z"),
        ("35437", "zendesk:org:362", None),
    ]
    assert sorted(tickets[0]["participants"]) == ["Felicia Gonzalez", "Priya Raman"]
    messages = of(Entity.MESSAGES, found)
    assert [(m["interaction_external_id"], m["seq"], m["author_role"]) for m in messages] == [
        ("35436", 0, "customer"),
        ("35436", 1, "agent"),  # the private note between them is left out
        ("35437", 0, "customer"),
        ("35437", 1, "agent"),
    ]
    assert messages[1]["text"] == "Hi Priya,\nthanks for reporting this. The fix ships tomorrow."
    comment = next(r for r in found if r.entity is Entity.MESSAGES)
    assert comment.location == "zendesk-tickets.json $.tickets[0].comments[0]"


def test_zendesk_ticket_without_comments_uses_its_description(tmp_path: Path) -> None:
    path = tmp_path / "tickets.json"
    path.write_text(
        '[{"id": 7, "subject": "Hi", "description": "Please help", "requester_id": 3,'
        ' "created_at": "2025-01-01T00:00:00Z"}]',
        encoding="utf-8",
    )

    found = list(ZendeskReader().read(path, ReadOptions(customer="cus_9")))

    assert of(Entity.INTERACTIONS, found)[0]["customer_external_id"] == "cus_9"
    [message] = of(Entity.MESSAGES, found)
    assert (message["text"], message["author_role"]) == ("Please help", "customer")


def test_intercom_companies_contacts_and_conversation_parts() -> None:
    found = records(IntercomReader(), "intercom-conversations.json")

    assert [c["external_id"] for c in of(Entity.CUSTOMERS, found)] == [
        "cus_001",
        "intercom:company:6390a8f4",
    ]
    conversations = of(Entity.INTERACTIONS, found)
    assert [(c["type"], c["customer_external_id"], c["started_at"]) for c in conversations] == [
        ("chat", "cus_001", "2025-04-10T14:00:00+00:00"),
        ("email", "intercom:company:6390a8f4", "2025-05-20T15:00:00+00:00"),
    ]
    messages = of(Entity.MESSAGES, found)
    assert [(m["seq"], m["author_role"], m["text"][:20]) for m in messages] == [
        (0, "customer", "Can we add twenty mo"),
        (1, "agent", "Of course, Priya. I "),  # assignment and note parts are left out
        (0, "customer", "SSO setup with Okta "),
        (1, "agent", "Thanks Hope, I updat"),
    ]
    assert "\n" in messages[2]["text"]  # <br> became a line break


def test_freshdesk_description_then_public_conversations() -> None:
    found = records(FreshdeskReader(), "freshdesk-tickets.json")

    tickets = of(Entity.INTERACTIONS, found)
    assert [(t["type"], t["status"], t["priority"], t["participants"]) for t in tickets] == [
        ("email", "resolved", "medium", ["Priya Raman"]),
        ("ticket", "open", "low", ["Priya Raman"]),
    ]
    messages = of(Entity.MESSAGES, found)
    assert [(m["interaction_external_id"], m["author_role"]) for m in messages] == [
        ("20", "customer"),
        ("20", "agent"),
        ("20", "customer"),  # the private note is left out
        ("21", "customer"),
    ]


@pytest.mark.parametrize("reader", [ZendeskReader(), IntercomReader(), FreshdeskReader()])
def test_truncated_exports_are_refused_whole(tmp_path: Path, reader: Any) -> None:
    path = tmp_path / "export.json"
    path.write_text('{"tickets": [{"id": 1, "subject": "cut', encoding="utf-8")

    with pytest.raises(InputProblem, match="is not valid JSON .* is the export truncated"):
        list(reader.read(path, ReadOptions()))


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hi Priya,</p><p>thanks &amp; bye</p>", "Hi Priya,\nthanks & bye"),
        ("plain text", "plain text"),
        (None, ""),
        ("<div>a<br>b</div>", "a\nb"),
    ],
)
def test_html_bodies_become_text(html: str | None, text: str) -> None:
    assert html_text(html) == text
