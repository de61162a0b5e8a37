from cspersona.nlp.textmodels import COMPLAINT_CUES, ComplaintCues, without_mentions


def test_mentions_are_dropped_but_emails_and_lone_handles_stay() -> None:
    assert without_mentions("@united my bag is lost @ORD") == "my bag is lost"
    assert without_mentions("write to help@example.com") == "write to help@example.com"
    assert without_mentions("@united") == "@united"


def test_complaint_cues_count_each_family_up_to_three() -> None:
    texts = ["Great product", "Still waiting, still on hold, still nothing after 3 hours!!!!"]

    quiet, waiting = ComplaintCues().transform(texts).toarray()

    assert quiet.sum() == 0
    assert len(waiting) == len(COMPLAINT_CUES)
    assert waiting.max() == 1.0  # "still" three times is the cap
    assert 0 < waiting.sum() < len(COMPLAINT_CUES)
