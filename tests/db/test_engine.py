import pytest
from sqlalchemy import Engine, select

from cspersona.db.engine import check_connection, make_engine, make_session_factory, session_scope
from cspersona.exceptions import DatabaseError
from cspersona.ingest.models import IngestionRun


def test_unreachable_server_gives_one_line_error_naming_the_setting() -> None:
    engine = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/nowhere")

    with pytest.raises(DatabaseError) as raised:
        check_connection(engine)

    assert "cannot reach the database at postgresql+psycopg://postgres@127.0.0.1:1/nowhere" in (
        raised.value.message
    )
    assert "CSPERSONA_DATABASE_URL" in raised.value.message
    assert "\n" not in raised.value.message


def test_password_is_hidden_in_messages() -> None:
    engine = make_engine("postgresql+psycopg://postgres:hunter2@127.0.0.1:1/nowhere")

    with pytest.raises(DatabaseError) as raised:
        check_connection(engine)

    assert "hunter2" not in raised.value.message


def test_check_connection_reports_the_server_version(migrated_engine: Engine) -> None:
    version = check_connection(migrated_engine)

    assert version.split()[0] in {"SQLite", "PostgreSQL"}


def test_session_scope_rolls_back_when_the_block_raises(migrated_engine: Engine) -> None:
    factory = make_session_factory(migrated_engine)

    with pytest.raises(RuntimeError), session_scope(factory) as session:
        session.add(IngestionRun(source="rollback-probe"))
        session.flush()
        raise RuntimeError("crash mid-batch")

    with session_scope(factory) as session:
        found = session.scalars(
            select(IngestionRun).where(IngestionRun.source == "rollback-probe")
        ).all()
    assert found == []
