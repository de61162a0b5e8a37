from collections.abc import Callable

from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.conversations.models import AuthorRole
from cspersona.pipeline.stages import STAGES, run_pipeline
from tests.factories import add_conversation, add_customer


def test_stages_run_in_order_and_only_on_what_changed(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    add_conversation(db_session, customer, [(AuthorRole.CUSTOMER, "Hello?", 0.0)])
    reported: list[tuple[str, int, int]] = []

    def progress_for(name: str) -> Callable[[int, int], None]:
        return lambda done, total: reported.append((name, done, total))

    first = run_pipeline(db_session=db_session, settings=load_settings(), progress_for=progress_for)
    second = run_pipeline(db_session=db_session, settings=load_settings())

    assert [result.name for result in first] == [name for name, _stage in STAGES]
    assert first[0].processed == 1
    assert reported == [("analytics", 1, 1)]
    assert second[0].processed == 0
