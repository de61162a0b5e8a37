import pytest

from cspersona.pii.evaluation import LabelledSpan, Scores

TYPES = {"PERSON", "STREET_ADDRESS"}


def test_overlap_counts_and_one_span_may_cover_several_gold_spans() -> None:
    scores = Scores()
    gold = [
        LabelledSpan("STREET_ADDRESS", 0, 5),
        LabelledSpan("STREET_ADDRESS", 6, 12),
        LabelledSpan("PERSON", 20, 30),
        LabelledSpan("GPE", 40, 45),  # not a scored type
    ]
    predicted = [
        LabelledSpan("STREET_ADDRESS", 0, 12),  # covers both address lines
        LabelledSpan("PERSON", 25, 28),  # overlaps the person
        LabelledSpan("PERSON", 50, 55),  # a false positive
        LabelledSpan("STREET_ADDRESS", 20, 30),  # right place, wrong type
    ]

    scores.add_record(gold, predicted, TYPES)

    address, person = scores.per_type["STREET_ADDRESS"], scores.per_type["PERSON"]
    assert (address.gold, address.gold_found, address.predicted, address.predicted_correct) == (
        2,
        2,
        2,
        1,
    )
    assert (person.gold, person.gold_found, person.predicted, person.predicted_correct) == (
        1,
        1,
        2,
        1,
    )
    overall = scores.overall
    assert overall.precision == pytest.approx(2 / 4)
    assert overall.recall == pytest.approx(3 / 3)
    assert overall.f1 == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_no_predictions_and_no_gold_give_zeros_not_errors() -> None:
    scores = Scores()
    scores.add_record([], [], TYPES)

    assert scores.overall.as_dict() == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "gold": 0,
        "predicted": 0,
    }
