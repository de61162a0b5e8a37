"""The synthetic world (``cspersona generate``) ingests completely, and a second time not at all."""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import load_settings
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Contact
from cspersona.ingest import service

runner = CliRunner()
# What the ``hash`` operator and a bare type tag write (<PERSON>, <IBAN_CODE_3fa2c1d0>): a code no
# reader should meet in a stored text under the default settings.
RAW_TOKEN = re.compile(r"<[A-Z][A-Z_]{2,}(?:[:_][0-9a-f]+)?>")


def _generate(tmp_path: Path, file_format: str = "jsonl") -> Path:
    world = tmp_path / "world"
    arguments = ["generate", "--seed", "3", "--scale", "0.05", "--out", str(world)]
    generated = runner.invoke(app, [*arguments, "--format", file_format])
    assert generated.exit_code == 0, generated.output
    return world


def _jsonl(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("file_format", ["jsonl", "csv"])
def test_a_generated_world_loads_every_row_and_a_second_run_loads_none(
    db_session: Session, tmp_path: Path, file_format: str
) -> None:
    world = _generate(tmp_path, file_format)
    manifest = json.loads((world / "manifest.json").read_text())
    # The CSMs' log is listed apart from the data files, and imported with them.
    rows = {name: entry["rows"] for name, entry in manifest["files"].items()} | {
        "interventions": manifest["interventions"]["rows"]
    }
    settings = load_settings(ingest_workers=1)

    first = service.run_import(db_session=db_session, settings=settings, paths=[world])
    second = service.run_import(db_session=db_session, settings=settings, paths=[world])

    assert first.summary["problems"] == []
    assert {name: counts["received"] for name, counts in first.summary["entities"].items()} == rows
    assert {name: counts["loaded"] for name, counts in first.summary["entities"].items()} == rows
    assert {
        name: counts["duplicates"] for name, counts in second.summary["entities"].items()
    } == rows


def test_a_contact_keeps_one_pseudonym_across_conversations_and_no_raw_token_is_stored(
    db_session: Session, tmp_path: Path
) -> None:
    world = _generate(tmp_path)
    service.run_import(
        db_session=db_session, settings=load_settings(ingest_workers=1), paths=[world]
    )
    stored_names = dict(db_session.execute(select(Contact.external_id, Contact.name)).all())
    stored = {
        external_id: (text, body, subject)
        for external_id, text, body, subject in db_session.execute(
            select(Message.external_id, Message.text, Message.body, Interaction.subject).join(
                Interaction
            )
        )
    }
    contacts = {row["external_id"]: row for row in _jsonl(world / "contacts.jsonl")}
    conversations_showing: dict[str, set[str]] = defaultdict(set)
    for message in _jsonl(world / "messages.jsonl"):
        contact = contacts.get(message["author_id"])
        if contact is None or contact["name"] not in message["text"]:
            continue  # staff, or a message the contact did not sign with their full name
        text = stored[message["external_id"]][0]
        assert contact["name"] not in text
        assert stored_names[contact["external_id"]] in text, text
        conversations_showing[contact["external_id"]].add(message["interaction_external_id"])

    assert max(len(conversations) for conversations in conversations_showing.values()) >= 3
    assert not [value for row in stored.values() for value in row if RAW_TOKEN.search(value or "")]
