"""The editor's form values: a playbook round-trips, and typing mistakes come back in words."""

import pytest

from cspersona.playbooks.definition import Evidence, PlaybookDefinition
from cspersona.web.playbook_form import PlaybookForm, StepForm, from_definition, to_definition

DEFINITION = PlaybookDefinition.model_validate(
    {
        "name": "Save the renewal",
        "objective": "Renew",
        "persona_ids": [3],
        "trigger": {"kind": "nps_drop", "points": 3},
        "criteria": {
            "entry": [
                {"field": "arr", "op": "ge", "value": 20000},
                {"field": "risk_tier", "op": "in", "value": ["high", "elevated"]},
            ],
            "exit": [{"field": "plan", "op": "eq", "value": "Starter"}],
        },
        "reentry": {"times": 2, "days": 180},
        "steps": [
            {
                "title": "Write",
                "kind": "email",
                "templates": [{"channel": "email", "subject": "Hi", "body": "{{ greeting }}"}],
            },
            {"title": "Call", "kind": "call", "due_days": 4, "owner": "role:analyst"},
        ],
        "escalation": {"levels": [{"after_days": 2, "target": "user:maria"}], "repeat": 1},
        "success": [{"metric": "churn_rate", "target": 0.05, "window_days": 60}],
        "control_share": 0.15,
        "evidence": [{"source": "history", "text": "Calls helped"}],
    }
)


def test_a_stored_playbook_comes_back_unchanged_through_the_form() -> None:
    form = from_definition(DEFINITION)

    definition, errors = to_definition(form, evidence=DEFINITION.evidence)

    assert errors == []
    assert definition == DEFINITION
    assert form.entry_criteria == "arr ge 20000\nrisk_tier in high, elevated"
    assert form.control_share == "15"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"entry_criteria": "arr 20000"}, "entry criterion 'arr 20000': write field, operator"),
        ({"escalation_levels": "soon role:admin"}, "write the days past due, then the target"),
        ({"success": "churn_rate lots"}, "write the metric, its target and the window"),
        ({"control_share": "ten"}, "held back share: type a percentage such as 10"),
        ({"reentry_days": "1.5"}, "re-entry days: type a whole number, not '1.5'"),
        ({"control_share": "80"}, "control share: input should be less than or equal to 0.5"),
        ({"entry_criteria": "revenue ge 5"}, "criteria entry field: input should be"),
        ({"name": " "}, "name: string should have at least 1 character"),
    ],
)
def test_mistakes_are_said_in_words(changes: dict[str, str], reason: str) -> None:
    form = from_definition(DEFINITION)
    for name, value in changes.items():
        setattr(form, name, value)

    definition, errors = to_definition(form, evidence=[])

    assert definition is None
    assert any(reason in error for error in errors), errors


def test_steps_out_of_order_or_untitled_name_the_step() -> None:
    unordered = from_definition(DEFINITION)
    unordered.steps[0].due_days = "9"
    untitled = from_definition(DEFINITION)
    untitled.steps.append(StepForm(instructions="Check usage", due_days="5"))

    assert to_definition(unordered, evidence=[])[1] == ["steps must be in order of their due days"]
    assert to_definition(untitled, evidence=[])[1] == [
        "step 3 (untitled), title: string should have at least 1 character"
    ]


def test_removed_and_blank_rows_are_left_out() -> None:
    form = PlaybookForm(name="Only one", steps=[StepForm(title="Keep"), StepForm(title="Drop")])
    form.steps[1].remove = True
    form.with_spare_row()

    definition, errors = to_definition(form, evidence=[Evidence(source="llm", text="x")])

    assert errors == [] and definition is not None
    assert [step.title for step in definition.steps] == ["Keep"]
    assert definition.evidence[0].text == "x"
    assert len(form.steps) == 3 and form.steps[-1].blank
