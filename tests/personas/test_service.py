import pytest

from cspersona.exceptions import NotFound
from cspersona.personas import service
from tests.personas.conftest import Built


def test_export_lists_every_customer_with_persona_and_confidence(
    built: Built,
) -> None:
    session, _, result = built

    rows = service.export_rows(db_session=session)

    assert len(rows) == result.customers
    assert set(rows[0]) >= {"customer_id", "persona_id", "persona_name", "confidence"}


def test_a_customer_without_a_persona_is_not_found(
    built: Built,
) -> None:
    with pytest.raises(NotFound, match="no persona yet"):
        service.current_mapping(db_session=built[0], customer_id=10**6)
