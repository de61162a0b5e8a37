import pytest

from cspersona.pii.names import PersonRecognizer
from cspersona.pii.recognizer import AnalysisContext

recognizer = PersonRecognizer()


def people(text: str, context: AnalysisContext | None = None) -> list[str]:
    spans = recognizer.analyze(text, context or AnalysisContext())
    return [text[span.start : span.end] for span in spans]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # gazetteer names, first and last
        ("Can you ask Grant Page to check the SSO settings?", ["Grant Page"]),
        ("I spoke with Johannes Varvio yesterday.", ["Johannes Varvio"]),
        # initials join a name
        ("Have you been to a Ravil G Yefimov concert before?", ["Ravil G Yefimov"]),
        ("the verses from Faina D. Yefremova's Cautionary", ["Faina D. Yefremova"]),
        # titles and greetings introduce unknown names
        ("Hello, this is Dr. Kyle Kuefer. Who are you?", ["Kyle Kuefer"]),
        ("My name is Rubija", ["Rubija"]),
        ("Thanks Will, that works.", ["Will"]),
        ("Can you check this? Regards, Mark", ["Mark"]),
        # speaker labels and person verbs
        ("Ubul: What a wife.\nNicole: Remember me?", ["Ubul", "Nicole"]),
        ("Asya spent a year at the company", ["Asya"]),
        # surname endings mid-sentence
        ("than early Yefremova?", ["Yefremova"]),
        # lists spread from a found name
        ("our 3 founders: Kónya, Becker and Vasquez.", ["Kónya", "Becker", "Vasquez"]),
        # a signature line
        ("Best regards,\nPriya Raman\n", ["Priya Raman"]),
        # sign-offs, contact labels and abbreviated dates around a signature are not people
        ("Best,\nPriya Raman\nTel: +44 20 7946 0958", ["Priya Raman"]),
        ("Cheers,\nMelissa Barnes\nMobile: 555 0134 | Email: mb@x.io", ["Melissa Barnes"]),
        ("On Mon, 3 Mar 2025, Sam Lee wrote:", ["Sam Lee"]),
        # greetings and sign-offs of the labelled signature set (seed 5)
        ("Good morning Grace,\n\nAny news?", ["Grace"]),
        ("Many thanks,\n- Mark", ["Mark"]),
        ("Hello Ms Duyvenvoorde,", ["Duyvenvoorde"]),
        ("our CTO Anna Reeves signed it", ["Anna Reeves"]),
        # an organisation word on the next line does not make a company of the name above
        (
            "Talk soon,\nDominic Palla\nSolutions Architect\nMobile: +910020815040",
            ["Dominic Palla"],
        ),
    ],
)
def test_names_found(text: str, expected: list[str]) -> None:
    assert people(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Our Salesforce sync keeps failing since the last update.",
        "We rely on the Reports dashboard every Monday.",
        "Directed By: the team",
        "What's your email? Here's my SSN.",
        "The Export to CSV feature in Analytics Pro is broken.",
        "She was born in May and he lives in town.",
        "Davis, Reynolds and Williamson Orchestra was founded in 1977",
        "Personal Info:\nPhone:\nE-mail:",
        "I will grant you that the page is long.",
    ],
)
def test_not_names(text: str) -> None:
    assert people(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a company after the job title, on its line or below it (the labelled signature set)
        ("Best,\nAngela Hodge\nFinance Manager, Crawford-Kirk", ["Angela Hodge"]),
        ("Thx,\nRobin Gonzalez\nFinance Manager | Alvarado, Gross and Bennett", ["Robin Gonzalez"]),
        ("Michelle (Project Manager, Deleon-Vaughn)", ["Michelle"]),
        ("Talk soon,\nFelipe Garcia\nCTO at Crahan, Dickie and Gallivan", ["Felipe Garcia"]),
        ("Regards,\nAngela Hodge\nFinance Manager\nHarding, Brown and Simmons", ["Angela Hodge"]),
        (
            "Thx,\nJoseph Thompson\nIT Administrator\nM: +1 (687) 534-6961 | E: jt@ct.com\n"
            "Conrad, Tucker and Campbell",
            ["Joseph Thompson"],
        ),
        (
            "Cheers,\nNoa van Bunschoten | Data Engineer\nOlympia uitzendbureau",
            ["Noa van Bunschoten"],
        ),
        ("Kind regards,\nLee Wong\nStaff Engineer, Mccarthy and Sons", ["Lee Wong"]),
        ("Best,\nRosa Diaz\nAnalyst\nClerc S.A.S.", ["Rosa Diaz"]),
        # a department after a role is not a person
        ("Christine Nichols | VP Sales", ["Christine Nichols"]),
    ],
)
def test_companies_and_titles_in_signatures_are_not_people(text: str, expected: list[str]) -> None:
    assert people(text) == expected


def test_a_company_in_its_signature_slot_stays_a_company_even_when_a_contact_shares_a_name() -> (
    None
):
    context = AnalysisContext(known_names=frozenset({"robin", "bennett"}))
    text = "Robin Bennett\nFinance Manager | Alvarado, Gross and Bennett"

    assert people(text, context) == ["Robin Bennett"]


def test_a_hyphenated_company_name_is_not_a_name_when_its_parts_are_not() -> None:
    context = AnalysisContext(not_names=frozenset({"bowers", "gonzales"}))

    assert people("Please ask Bowers-Gonzales about the invoice.", context) == []


def test_known_contacts_are_names_even_when_they_are_everyday_words() -> None:
    context = AnalysisContext(known_names=frozenset({"hope", "bishop"}))

    assert people("Please loop in Hope Bishop on this.", context) == ["Hope Bishop"]


def test_catalogue_terms_are_never_names() -> None:
    text = "The Tallyworks Flowbase sync is slow."
    context = AnalysisContext(not_names=frozenset({"tallyworks", "flowbase"}))

    assert people(text, context) == []
