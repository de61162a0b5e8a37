"""The labelled greetings and signatures: spans point at the people, phones and e-mails."""

import re

import pytest

from cspersona.catalogue.models import load_catalogue
from cspersona.synth.signatures import LabelledText, SignatureSet, labelled_signatures

SEED = 3  # benchmarks/bench_pii_signatures.py reports seeds 11, 23 and 37; tuning used 5


@pytest.fixture(scope="module")
def samples() -> list[LabelledText]:
    return labelled_signatures(SEED, 120, load_catalogue())


def test_the_same_seed_gives_the_same_texts_and_spans(samples: list[LabelledText]) -> None:
    assert labelled_signatures(SEED, 120, load_catalogue()) == samples
    assert labelled_signatures(SEED + 1, 120, load_catalogue()) != samples


def test_spans_cover_whole_values_in_order_without_overlapping(
    samples: list[LabelledText],
) -> None:
    for sample in samples:
        ends = [0]
        for span in sample.spans:
            value = sample.text[span.start : span.end]
            assert span.start >= ends[-1] and value == value.strip() and value
            assert not sample.text[span.end : span.end + 1].isalnum()
            ends.append(span.end)


def test_person_spans_are_the_people_of_the_world(samples: list[LabelledText]) -> None:
    builder = SignatureSet(seed=SEED, catalogue=load_catalogue())
    staff = [*builder.staff.csms, *builder.staff.agents]
    staff_words = {word for person in staff for word in person.full_name.split()}
    for sample in samples:
        words = staff_words | {word for name in sample.contact_names for word in name.split()}
        for span in sample.spans:
            value = sample.text[span.start : span.end]
            if span.entity_type == "PERSON":
                assert set(value.split()) <= words, value
            elif span.entity_type == "EMAIL_ADDRESS":
                assert re.fullmatch(r"[\w.-]+@[\w.-]+\.\w+", value), value
            else:
                assert span.entity_type == "PHONE_NUMBER" and sum(map(str.isdigit, value)) >= 7


def test_the_set_has_the_shapes_ingestion_meets(samples: list[LabelledText]) -> None:
    texts = "\n".join(sample.text for sample in samples)
    names_per_text = [
        sum(span.entity_type == "PERSON" for span in sample.spans) for sample in samples
    ]

    assert min(names_per_text) >= 1 and max(names_per_text) >= 3
    assert re.search(r"^(Dear|Hello) (Mr|Ms|Mrs|Dr) ", texts, re.MULTILINE)
    assert re.search(r"^Hi (team|Support|all),", texts, re.MULTILINE)  # greets no person
    assert re.search(r"^(Mobile|Tel|M|T): ", texts, re.MULTILINE)
    assert re.search(r"^(Email|E): ", texts, re.MULTILINE)
    assert re.search(r"\w+, \w+ and \w+$", texts, re.MULTILINE)  # "Stevens, Howard and Anderson"
    assert re.search(r"\b[A-Z]\w+-[A-Z]\w+$", texts, re.MULTILINE)  # "Bowers-Gonzales"
