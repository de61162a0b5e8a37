from cspersona.web.persona_profile import describe, facts, quotes


def test_describe_names_items_lists_and_numbers() -> None:
    assert describe({"title": "Tone", "value": "direct", "score": 0.4}) == "direct"
    assert describe([{"emotion": "anger"}, {"emotion": "confusion"}]) == "anger, confusion"
    assert describe({"low": 0.25, "high": None}) == "low 0.25; high —"
    assert describe([]) == "—"


def test_facts_flatten_titled_dimensions_and_shares_and_hide_page_parts() -> None:
    lines = facts(
        {
            "name": "X",
            "narrative": "shown elsewhere",
            "share": {"customers": 0.25, "arr": 0.5, "arr_total": 10.0},
            "dimensions": {
                "a": {"title": "Technical level", "value": "expert"},
                "b": {"title": "Risk tolerance", "value": "cautious"},
            },
            "formality": {"title": "Formality", "value": "casual"},
            "segments": ["SMB", "Mid-market"],
        }
    )

    assert lines == [
        ("Share of customers", "25%"),
        ("Share of ARR", "50%"),
        ("Technical level", "expert"),
        ("Risk tolerance", "cautious"),
        ("Formality", "casual"),
        ("Segments", "SMB, Mid-market"),
    ]


def test_quotes_read_the_stored_texts_only() -> None:
    assert quotes({"quotes": [{"text": "Too slow."}, {"other": 1}, "bare"]}) == ["Too slow."]
    assert quotes({}) == []
