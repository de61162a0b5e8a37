import pytest

from cspersona.nlp.cleaning import MAX_CHARS, clean_text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Still broken!\n\nOn Mon, 3 Jun 2025, Bob <b@x.com> wrote:\n> did you try?",
            "Still broken!",
        ),
        ("Export fails.\n> quoted line\n> another", "Export fails."),
        ("It works now.\nBest regards,\nJane Doe\nAcme Corp", "It works now."),
        ("Please fix.\n-- \nJane | Head of Ops", "Please fix."),
        ("<p>Hi &amp; hello</p><div>Export <b>fails</b></div>", "Hi & hello\nExport fails"),
        ("<script>alert(1)</script>Real text", "Real text"),
        ("Thanks, that fixed it", "Thanks, that fixed it"),
        ("Reply above.\n-----Original Message-----\nFrom: x\nold text", "Reply above."),
        ("", ""),
        ("   \n\t ", ""),
        ("😀😀🎉", "😀😀🎉"),
    ],
)
def test_clean_text_keeps_only_the_authors_words(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_an_overlong_text_is_cut_at_a_boundary() -> None:
    cleaned = clean_text("The export failed again. " * 8000)

    assert len(cleaned) <= MAX_CHARS
    assert cleaned.endswith("again.")
