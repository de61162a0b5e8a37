import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from cspersona.db import migrate
from cspersona.db.engine import make_engine
from cspersona.exceptions import DatabaseError
from cspersona.tables import Base
from tests.conftest import DatabaseFactory

CORE_TABLES = {
    "customers",
    "contacts",
    "interactions",
    "messages",
    "nps_responses",
    "usage_daily",
    "lifecycle_events",
    "personas",
    "persona_mappings",
    "ingestion_runs",
    "quarantine",
}


@pytest.fixture
def empty_engine(database_factory: DatabaseFactory) -> Engine:
    return make_engine(database_factory.create())


def test_upgrade_creates_core_tables_and_downgrade_base_removes_them(empty_engine: Engine) -> None:
    migrate.upgrade(empty_engine)

    assert CORE_TABLES <= set(inspect(empty_engine).get_table_names())
    assert migrate.current_revision(empty_engine) == migrate.head_revision()

    migrate.downgrade(empty_engine, "base")

    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    assert migrate.current_revision(empty_engine) is None


def test_migrations_match_the_models(migrated_engine: Engine) -> None:
    with migrated_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)

    assert differences == [], "models changed without a migration: alembic revision --autogenerate"


def test_history_has_a_single_head() -> None:
    heads = ScriptDirectory.from_config(migrate.alembic_config()).get_heads()

    assert len(heads) == 1, f"migration branches diverged: {heads}; add a merge revision"


def test_unmigrated_database_is_refused_with_the_command_that_fixes_it(
    empty_engine: Engine,
) -> None:
    with pytest.raises(DatabaseError, match=r"has no schema yet; run `cspersona db upgrade`"):
        migrate.require_current_schema(empty_engine)


def test_migrated_database_passes_the_schema_check(migrated_engine: Engine) -> None:
    migrate.require_current_schema(migrated_engine)
