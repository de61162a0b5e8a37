from pathlib import Path
from typing import Any

import pytest

from cspersona.ingest.readers.base import ReadOptions
from cspersona.ingest.readers.crm import CrmReader, packaged_mappings, vendor_of
from cspersona.ingest.records import Entity, InputProblem

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def fields(vendor: str, name: str) -> list[tuple[Entity, dict[str, Any]]]:
    records = CrmReader(vendor).read(SAMPLES / name, ReadOptions())
    return [(record.entity, record.fields or {}) for record in records]


def test_hubspot_companies_contacts_and_tickets() -> None:
    companies = fields("hubspot", "hubspot-companies.csv")
    contacts = fields("hubspot", "hubspot-contacts.csv")
    tickets = fields("hubspot", "hubspot-tickets.csv")

    assert companies[0] == (
        Entity.CUSTOMERS,
        {
            "external_id": "hubspot:company:5001",
            "company_name": "Acme Logistics",
            "industry": "LOGISTICS_AND_SUPPLY_CHAIN",
            "size": "450",
            "arr": "48,000",
            "region": "United Kingdom",
            "csm_owner": "Ana Souza",
        },
    )
    assert contacts[1][1]["name"] == "Tomasz Wójcik"
    assert contacts[1][1]["customer_external_id"] == "hubspot:company:5002"
    assert contacts[1][1]["phone"] is None
    assert [entity for entity, _ in tickets] == [Entity.INTERACTIONS, Entity.MESSAGES] * 2
    assert tickets[3][1]["text"].startswith("The price increase is hard to justify")
    assert tickets[2][1]["closed_at"] is None


def test_salesforce_accounts_contacts_and_cases() -> None:
    accounts = fields("salesforce", "salesforce-accounts.csv")
    cases = fields("salesforce", "salesforce-cases.csv")

    assert [f["external_id"] for _, f in accounts] == ["0015g00000AcmeAAA", "0015g00000CobaAAA"]
    assert cases[0][1]["customer_external_id"] == "0015g00000AcmeAAA"
    assert cases[0][1]["channel"] == "Email"
    assert cases[1][1]["author_role"] == "customer"


def test_a_header_no_packaged_mapping_knows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("Deal ID,Amount\n1,100\n", encoding="utf-8")

    with pytest.raises(InputProblem, match="is not a hubspot export this version knows"):
        list(CrmReader("hubspot").read(path, ReadOptions()))


@pytest.mark.parametrize("vendor", ["hubspot", "salesforce"])
def test_each_vendor_has_three_packaged_mappings(vendor: str) -> None:
    mappings = packaged_mappings(vendor)

    assert len(mappings) == 3
    assert all(mapping.source == vendor for mapping in mappings)
    assert all(vendor_of(mapping.detect) == vendor for mapping in mappings)
