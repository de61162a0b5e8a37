from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.customers import service
from cspersona.customers.schemas import CustomerFacets
from tests.factories import add_book, add_contacts, add_nps

CSM = Principal(user_id=1, user_name="dana", role=Role.CSM, csm_owner="Dana Scully", key_id=1)


def test_facets_list_the_values_the_caller_can_filter_by(db_session: Session) -> None:
    add_book(db_session)

    assert service.get_facets(db_session=db_session) == CustomerFacets(
        csm_owners=["Dana Scully", "Fox Mulder"],
        plans=["Enterprise", "Growth", "Starter"],
        industries=["FinTech", "Healthcare", "Logistics", "Retail"],
    )
    assert service.get_facets(db_session=db_session, visible_to=CSM) == CustomerFacets(
        csm_owners=["Dana Scully"],
        plans=["Enterprise", "Growth"],
        industries=["FinTech", "Healthcare"],
    )


def test_counts_and_nps_summary_of_one_customer(db_session: Session) -> None:
    book = add_book(db_session)
    acme = book["Acme Analytics"]
    add_contacts(db_session, acme, 3)
    add_nps(db_session, acme, 9, 6, 10)

    assert service.count_contacts(db_session=db_session, customer_id=acme.id) == 3
    summary = service.nps_summary(db_session=db_session, customer_id=acme.id)
    assert (summary.answers, summary.average_score) == (3, 25 / 3)
    empty = service.nps_summary(db_session=db_session, customer_id=book["Echo Bank"].id)
    assert (empty.answers, empty.average_score) == (0, None)
