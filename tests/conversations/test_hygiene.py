import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.catalogue.models import load_catalogue
from cspersona.config import load_settings
from cspersona.conversations.hygiene import clean_body, without_greeting
from cspersona.conversations.models import Message
from cspersona.synth.world import World
from tests.factories import add_customer, add_interaction

BODY = "Hi Sam,\n\nThe nightly export to S3 fails with a 403 since Monday.\n\nCan you check?"


@pytest.mark.parametrize(
    "tail",
    [
        "Thanks,\nJo Bloggs\nHead of Data | Acme Analytics\nTel: +1 415 555 0134 | jo@acme.io",
        "Kind regards,\nJo Bloggs\nHead of Data, Acme Analytics Inc.",
        "Best,\nJo",
        "Many thanks,\nJo Bloggs",
        "Cheers!",
        "--\nJo Bloggs | Acme",
        "Sent from my iPhone",
        "Jo Bloggs\nHead of Data | Acme Analytics\nTel: 415.555.0134x12 | jo@acme.io",
        "Jo Bloggs\nData Protection Officer, Chevallier Labbé S.A.S.\n+33 1 77 09 39 98",
        "Jo (Head of Data, Delgado y Villarreal y Asociados)\n(08).7698.9737",
        "- Heinz-Josef",
        "Jo Bloggs\n\nCONFIDENTIALITY NOTICE: This e-mail is intended solely for the named "
        "recipient. If you have received this message in error, please delete it.",
        "Thanks,\nJo\n\nOn Mon, 3 Mar 2025 at 10:15, Sam Lee <sam@vendor.com> wrote:\n"
        "> Hi Jo,\n>\n> Could you send the job id?\n>\n> Best,\n> Sam",
        "-----Original Message-----\nFrom: Sam Lee <sam@vendor.com>\nSent: Monday\n> Hi Jo",
        "---------- Forwarded message ---------\nFrom: Ops <ops@acme.io>\nDate: Mon\n\nAlert!",
    ],
)
def test_the_author_s_words_are_kept_and_what_wraps_them_goes(tail: str) -> None:
    assert clean_body(f"{BODY}\n\n{tail}") == BODY


@pytest.mark.parametrize(
    "text",
    [
        "Thanks!",
        "Thanks, that fixed it.",
        "The export works again.\n\nAny news on the invoice",
        "We pay $20,000 a year.\n\nCall me on 415 555 0134 when you can, please.",
        "Hi,\n\nWhich plan includes SSO?",
    ],
)
def test_messages_without_a_signature_are_left_as_they_are(text: str) -> None:
    assert clean_body(text) == text


def test_markup_and_line_endings_are_normalised() -> None:
    html = "<p>Hello&nbsp;team,</p><p>The <b>API</b> returns 500.</p><div>Best,<br>Jo</div>"

    assert clean_body(html) == "Hello team,\nThe API returns 500."
    assert clean_body("One line\r\n\r\n\r\nTwo  lines") == "One line\n\nTwo lines"


def test_cleaning_a_clean_body_changes_nothing() -> None:
    world = World(seed=4242, scale=0.05, catalogue=load_catalogue(load_settings().catalogue_path))
    texts = [message["text"] for bundle in world.customers() for message in bundle.data["messages"]]

    assert len(texts) > 500
    assert all(clean_body(clean_body(text)) == clean_body(text) for text in texts)


def test_generated_messages_clean_to_the_truth_s_body() -> None:
    world = World(seed=9090, scale=0.05, catalogue=load_catalogue(load_settings().catalogue_path))
    pairs = [
        (message["text"], truth["body"])
        for bundle in world.customers()
        for message, truth in zip(bundle.data["messages"], bundle.truth["messages"], strict=True)
        if truth["body"] is not None
    ]

    matched = sum(clean_body(text) == body for text, body in pairs)
    assert len(pairs) > 300
    assert matched / len(pairs) >= 0.95


def test_a_message_s_body_follows_its_text(db_session: Session) -> None:
    interaction = add_interaction(db_session, add_customer(db_session, "Hygiene Co"), messages=1)
    message = interaction.messages[0]

    message.text = f"{BODY}\n\nBest,\nJo Bloggs\nTel: +1 415 555 0134"
    db_session.flush()

    assert db_session.scalar(select(Message.body).where(Message.id == message.id)) == BODY


@pytest.mark.parametrize(
    ("body", "quote"),
    [
        ("Hey [name],\n\nbrilliant, the training is fixed.", "Brilliant, the training is fixed."),
        ("Good morning Anna, the export fails again.", "The export fails again."),
        ("Dear April, No change.", "No change."),
        ("Hi!", "Hi!"),
        ("Thanks, the export works.", "Thanks, the export works."),
    ],
)
def test_a_quote_opens_with_what_the_customer_said_not_the_greeting(body: str, quote: str) -> None:
    assert without_greeting(body) == quote
