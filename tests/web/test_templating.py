import pytest

from cspersona.web.templating import words


@pytest.mark.parametrize(
    ("identifier", "heading"),
    [
        ("nps_drop", "NPS drop"),
        ("champion_quiet", "Champion quiet"),
        ("declining_usage", "Declining usage"),
    ],
)
def test_an_identifier_reads_as_a_heading_with_its_acronyms_in_capitals(
    identifier: str, heading: str
) -> None:
    assert words(identifier) == heading
