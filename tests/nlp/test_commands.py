import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import get_settings
from cspersona.conversations.models import AuthorRole, Message
from cspersona.nlp import service
from cspersona.nlp.models import MessageAnalysis, Topic
from tests.factories import add_customer, add_interaction

runner = CliRunner()


def test_nlp_analyze_reads_stdin_and_keeps_the_records() -> None:
    lines = [
        {"id": 1, "text": "Still waiting on my refund, this is unacceptable!"},
        {"id": 2, "text": ""},
    ]
    stdin = "\n".join(json.dumps(line) for line in lines) + "\n\n"

    result = runner.invoke(app, ["nlp", "analyze", "-"], input=stdin)

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [record["id"] for record in records] == [1, 2]
    assert records[0]["sentiment"]["label"] == "negative"
    assert records[1]["sentiment"] == {"label": "neutral", "score": 0.0}
    for record in records:
        assert set(record) >= {"emotions", "entities", "language", "sophistication"}


def test_nlp_analyze_refuses_a_line_without_text(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "fine"}\n{"body": "no text"}\n')

    result = runner.invoke(app, ["nlp", "analyze", str(source)])

    assert result.exit_code == 2
    assert 'line 2 has no string "text" field' in result.output


def test_topics_discover_labels_every_record(tmp_path: Path) -> None:
    source = tmp_path / "tickets.jsonl"
    sentences = ["csv export fails with an error", "invoice shows a double charge"]
    source.write_text(
        "".join(json.dumps({"text": f"{sentences[i % 2]} {i}"}) + "\n" for i in range(20))
    )

    result = runner.invoke(app, ["topics", "discover", str(source), "--k", "2"])

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(records) == 20
    assert {records[i]["topic"] for i in range(0, 20, 2)} != {
        records[i]["topic"] for i in range(1, 20, 2)
    }
    assert all(record["topic_name"] for record in records)


def test_topics_discover_learns_given_labels(tmp_path: Path) -> None:
    source = tmp_path / "tickets.jsonl"
    rows = [
        {"text": "csv export fails", "label": "export"},
        {"text": "invoice double charge", "label": "billing"},
        {"text": "the csv export broke"},
    ]
    source.write_text("".join(json.dumps(row) + "\n" for row in rows))

    result = runner.invoke(app, ["topics", "discover", str(source), "--labels", "label"])

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert records[2]["topic"] == "export"


def test_topics_discover_refuses_a_bad_k(tmp_path: Path) -> None:
    source = tmp_path / "t.jsonl"
    source.write_text('{"text": "a"}\n{"text": "b"}\n')

    result = runner.invoke(app, ["topics", "discover", str(source), "--k", "one"])

    assert result.exit_code == 2


def test_topics_discover_names_the_backends_it_knows(tmp_path: Path) -> None:
    source = tmp_path / "t.jsonl"
    source.write_text('{"text": "a"}\n{"text": "b"}\n')

    result = runner.invoke(app, ["topics", "discover", str(source), "--backend", "bert"])

    assert result.exit_code != 0
    assert "--backend must be one of words, static, tfidf, embeddings, not 'bert'" in result.output


def test_assign_topics_sets_customer_messages_only(db_session: Session) -> None:
    customer = add_customer(db_session, "Delta")
    sentences = ["csv export fails with an error", "invoice shows a double charge"]
    for index in range(12):
        interaction = add_interaction(db_session, customer, messages=2)
        interaction.messages[0].text = f"{sentences[index % 2]} again {index}"
    db_session.flush()
    service.analyze_pending(db_session=db_session, settings=get_settings())

    assignment = service.assign_topics(db_session=db_session, settings=get_settings(), n_topics=2)

    assert assignment.topics == 2 and assignment.messages == 12
    topics = db_session.scalars(select(Topic)).all()
    assert sum(topic.size for topic in topics) == 12
    rows = db_session.execute(select(MessageAnalysis.topic_id, MessageAnalysis.message_id)).all()
    roles = dict(db_session.execute(select(Message.id, Message.author_role)).all())
    for topic_id, message_id in rows:
        assert (topic_id is not None) == (roles[message_id] == AuthorRole.CUSTOMER)
