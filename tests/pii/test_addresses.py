import pytest

from cspersona.pii.addresses import StreetAddressRecognizer
from cspersona.pii.recognizer import AnalysisContext

recognizer = StreetAddressRecognizer()


def addresses(text: str) -> list[str]:
    return [text[s.start : s.end] for s in recognizer.analyze(text, AnalysisContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Please ship to 221B Baker Street, London NW1 6XE.",
            ["221B Baker Street, London NW1 6XE"],
        ),
        ("The bus station is on Villacher Strasse 89", ["Villacher Strasse 89"]),
        (
            "Tomomi lives at 86036 Rua do Arenque 1634, Goiânia",
            ["86036 Rua do Arenque 1634, Goiânia"],
        ),
        ("My address: Koskikatu 25 Apt. 864", ["Koskikatu 25 Apt. 864"]),
        ("new address is PSC 6293, Box 8158\nAPO AP 04336", ["PSC 6293, Box 8158\nAPO AP 04336"]),
        (
            "William Hughes\n\n20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488",
            ["20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488"],
        ),
        ("office at 233 Erzsébet tér 19. today", ["233 Erzsébet tér 19"]),
        (
            "Billing address: Sara Schwarz\n    28245 Puruntie 82 Apt. 595",
            ["28245 Puruntie 82 Apt. 595"],
        ),
    ],
)
def test_addresses_found(text: str, expected: list[str]) -> None:
    assert addresses(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "During 1971, Mayo-Walters invested heavily in new designs.",
        "I want to address the 3 issues you raised.",
        "We have 25 seats on the Growth plan since 2023.",
        "Ticket 4512 was closed by Support 2 days ago.",
    ],
)
def test_not_addresses(text: str) -> None:
    assert addresses(text) == []
