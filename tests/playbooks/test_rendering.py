"""Templates render in a sandbox, with fallbacks and a list of what was missing."""

import pytest

from cspersona.exceptions import BadInput
from cspersona.playbooks.definition import Template
from cspersona.playbooks.rendering import missing_words, render


def test_missing_values_take_their_fallback_and_are_listed() -> None:
    template = Template(
        channel="email",
        subject="Hi from {{ csm_name }}",
        body="{{ greeting }}\nYour renewal: {{ renewal_date }}.",
    )

    message = render(template, {"greeting": "Hi Ana,", "csm_name": "Dana", "renewal_date": None})

    assert message.subject == "Hi from Dana"
    assert message.body == "Hi Ana,\nYour renewal: your renewal."
    assert message.missing == ("renewal_date",)


def test_the_register_chooses_the_wording() -> None:
    template = Template(
        channel="call", body="{% if technical %}API logs{% else %}reports{% endif %}"
    )
    assert render(template, {"technical": True}).body == "API logs"
    assert render(template, {"technical": False}).body == "reports"


def test_unknown_variables_and_syntax_errors_are_refused_in_words() -> None:
    with pytest.raises(BadInput, match="unknown variable"):
        render(Template(channel="email", body="{{ password }}"), {})
    with pytest.raises(BadInput, match="template line 1"):
        render(Template(channel="email", body="{% if %}"), {})


def test_the_sandbox_blocks_reaching_python_internals() -> None:
    with pytest.raises(BadInput):
        render(Template(channel="email", body="{{ company.__class__.__mro__ }}"), {"company": "X"})


def test_missing_variables_are_named_in_words() -> None:
    assert missing_words(["contact_first_name", "top_driver"]) == (
        "contact's first name, churn driver on record"
    )
