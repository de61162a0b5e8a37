"""The analyst's playbook editor as form values: from a definition, from a post, back to one.

The form keeps what the analyst typed as text, so a refused save shows the same values again
next to the reasons. Lists (criteria, escalation levels, success criteria) are one item a line,
such as ``arr ge 20000`` or ``3 role:admin``; steps are numbered rows of fields.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from cspersona.playbooks.definition import (
    Criterion,
    Evidence,
    PlaybookDefinition,
    StepKind,
    TriggerKind,
)

CHANNELS = ("email", "call", "meeting", "in_app", "internal")
MAX_STEP_ROWS = 31
_STEP_FIELD = re.compile(r"^step-(\d{1,2})-title$")


@dataclass
class TemplateForm:
    """One channel's template of a step, as typed."""

    channel: str
    subject: str = ""
    body: str = ""


@dataclass
class StepForm:
    """One step row, as typed."""

    title: str = ""
    kind: str = StepKind.EMAIL.value
    due_days: str = "0"
    owner: str = "csm"
    instructions: str = ""
    templates: list[TemplateForm] = field(
        default_factory=lambda: [TemplateForm(channel) for channel in CHANNELS]
    )
    remove: bool = False

    @property
    def blank(self) -> bool:
        """Nothing typed: the spare row for a new step."""
        texts = [self.title, self.instructions, *(t.subject + t.body for t in self.templates)]
        return not any(text.strip() for text in texts)


@dataclass
class PlaybookForm:
    """The whole editor, as typed."""

    name: str = ""
    objective: str = ""
    persona_ids: list[int] = field(default_factory=list)
    trigger_kind: str = TriggerKind.MANUAL.value
    trigger_days: str = ""
    trigger_points: str = ""
    trigger_to_tier: str = ""
    entry_criteria: str = ""
    exit_criteria: str = ""
    reentry_times: str = "1"
    reentry_days: str = "90"
    control_share: str = "10"
    escalation_levels: str = ""
    escalation_repeat: str = "0"
    on_risk_worsening: bool = True
    success: str = ""
    steps: list[StepForm] = field(default_factory=list)

    def with_spare_row(self) -> "PlaybookForm":
        """The form with one blank step row at the end, for adding a step."""
        if not self.steps or not self.steps[-1].blank:
            self.steps.append(StepForm())
        return self


def _number(value: float) -> str:
    return f"{value:g}"


def _criterion_line(criterion: Criterion) -> str:
    value = criterion.value
    said = (
        ", ".join(_value_text(item) for item in value)
        if isinstance(value, list)
        else _value_text(value)
    )
    return f"{criterion.field} {criterion.op} {said}"


def _value_text(value: str | float) -> str:
    return _number(value) if isinstance(value, float | int) else value


def from_definition(definition: PlaybookDefinition) -> PlaybookForm:
    """The editor filled with a stored playbook."""
    trigger = definition.trigger
    steps = []
    for step in definition.steps:
        by_channel = {template.channel: template for template in step.templates}
        steps.append(
            StepForm(
                title=step.title,
                kind=step.kind.value,
                due_days=str(step.due_days),
                owner=step.owner,
                instructions=step.instructions,
                templates=[
                    TemplateForm(
                        channel,
                        subject=(by_channel[channel].subject or "")
                        if channel in by_channel
                        else "",
                        body=by_channel[channel].body if channel in by_channel else "",
                    )
                    for channel in CHANNELS
                ],
            )
        )
    return PlaybookForm(
        name=definition.name,
        objective=definition.objective,
        persona_ids=list(definition.persona_ids),
        trigger_kind=trigger.kind.value,
        trigger_days=str(trigger.days or ""),
        trigger_points=str(trigger.points or ""),
        trigger_to_tier=trigger.to_tier or "",
        entry_criteria="\n".join(_criterion_line(c) for c in definition.criteria.entry),
        exit_criteria="\n".join(_criterion_line(c) for c in definition.criteria.exit),
        reentry_times=str(definition.reentry.times),
        reentry_days=str(definition.reentry.days),
        control_share=_number(round(definition.control_share * 100, 4)),
        escalation_levels="\n".join(
            f"{level.after_days} {level.target}" for level in definition.escalation.levels
        ),
        escalation_repeat=str(definition.escalation.repeat),
        on_risk_worsening=definition.escalation.on_risk_worsening,
        success="\n".join(
            f"{item.metric} {_number(item.target)} {item.window_days}"
            for item in definition.success
        ),
        steps=steps,
    )


def from_post(form: Mapping[str, Any], persona_ids: list[str]) -> PlaybookForm:
    """The editor as posted; ``persona_ids`` are the ticked persona boxes."""

    def text(name: str) -> str:
        value = form.get(name, "")
        return value.replace("\r\n", "\n") if isinstance(value, str) else ""

    rows = sorted(
        int(found.group(1)) for key in form if (found := _STEP_FIELD.match(str(key))) is not None
    )[:MAX_STEP_ROWS]
    steps = [
        StepForm(
            title=text(f"step-{row}-title"),
            kind=text(f"step-{row}-kind"),
            due_days=text(f"step-{row}-due_days"),
            owner=text(f"step-{row}-owner"),
            instructions=text(f"step-{row}-instructions"),
            templates=[
                TemplateForm(
                    channel,
                    subject=text(f"step-{row}-{channel}-subject"),
                    body=text(f"step-{row}-{channel}-body"),
                )
                for channel in CHANNELS
            ],
            remove=bool(text(f"step-{row}-remove")),
        )
        for row in rows
    ]
    return PlaybookForm(
        name=text("name"),
        objective=text("objective"),
        persona_ids=[int(value) for value in persona_ids if value.isdigit() and len(value) < 10],
        trigger_kind=text("trigger_kind"),
        trigger_days=text("trigger_days"),
        trigger_points=text("trigger_points"),
        trigger_to_tier=text("trigger_to_tier"),
        entry_criteria=text("entry_criteria"),
        exit_criteria=text("exit_criteria"),
        reentry_times=text("reentry_times"),
        reentry_days=text("reentry_days"),
        control_share=text("control_share"),
        escalation_levels=text("escalation_levels"),
        escalation_repeat=text("escalation_repeat"),
        on_risk_worsening=bool(text("on_risk_worsening")),
        success=text("success"),
        steps=steps,
    )


def to_definition(
    form: PlaybookForm, *, evidence: list[Evidence]
) -> tuple[PlaybookDefinition | None, list[str]]:
    """The definition the form says, or None and every reason it does not make one, in words."""
    errors: list[str] = []
    document: dict[str, Any] = {
        "name": form.name.strip(),
        "objective": form.objective.strip(),
        "persona_ids": form.persona_ids,
        "trigger": {
            "kind": form.trigger_kind,
            "days": _optional_int(form.trigger_days, "renewal window (days)", errors),
            "points": _optional_int(form.trigger_points, "NPS drop (points)", errors),
            "to_tier": form.trigger_to_tier or None,
        },
        "criteria": {
            "entry": _criteria(form.entry_criteria, "entry", errors),
            "exit": _criteria(form.exit_criteria, "exit", errors),
        },
        "reentry": {
            "times": _optional_int(form.reentry_times, "re-entry times", errors) or 1,
            "days": _optional_int(form.reentry_days, "re-entry days", errors) or 90,
        },
        "control_share": _share(form.control_share, errors),
        "escalation": {
            "levels": _levels(form.escalation_levels, errors),
            "repeat": _optional_int(form.escalation_repeat, "escalation repeats", errors) or 0,
            "on_risk_worsening": form.on_risk_worsening,
        },
        "success": _success(form.success, errors),
        "steps": [
            _step(step, number, errors)
            for number, step in enumerate(form.steps, start=1)
            if not step.remove and not step.blank
        ],
        "evidence": [item.document() for item in evidence],
    }
    if errors:
        return None, errors
    try:
        return PlaybookDefinition.model_validate(document), []
    except ValidationError as error:
        return None, [_said(item, document) for item in error.errors()]


def _optional_int(text: str, label: str, errors: list[str]) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,6}", text):
        errors.append(f"{label}: type a whole number, not {text!r}")
        return None
    return int(text)


def _share(text: str, errors: list[str]) -> float:
    text = text.strip().removesuffix("%").strip() or "0"
    try:
        percent = float(text)
    except ValueError:
        errors.append(f"held back share: type a percentage such as 10, not {text!r}")
        return 0.0
    return round(percent / 100, 6)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _criteria(text: str, which: str, errors: list[str]) -> list[dict[str, Any]]:
    criteria = []
    for line in _lines(text):
        parts = line.split(None, 2)
        if len(parts) != 3:
            errors.append(f"{which} criterion {line!r}: write field, operator and value")
            continue
        field_name, operator, raw = parts
        values: list[str | float] = [
            _scalar(item.strip()) for item in raw.split(",") if item.strip()
        ]
        value: str | float | list[str | float] = values if operator == "in" else _scalar(raw)
        criteria.append({"field": field_name, "op": operator, "value": value})
    return criteria


def _scalar(text: str) -> str | float:
    try:
        return float(text.replace(",", "").removeprefix("$"))
    except ValueError:
        return text


def _levels(text: str, errors: list[str]) -> list[dict[str, Any]]:
    levels = []
    for line in _lines(text):
        parts = line.split(None, 1)
        if len(parts) != 2 or not parts[0].isdigit():
            errors.append(
                f"escalation level {line!r}: write the days past due, then the target, "
                "e.g. 3 role:admin"
            )
            continue
        levels.append({"after_days": int(parts[0]), "target": parts[1].strip()})
    return levels


def _success(text: str, errors: list[str]) -> list[dict[str, Any]]:
    criteria = []
    for line in _lines(text):
        parts = line.split()
        try:
            target = float(parts[1]) if len(parts) in (2, 3) else None
            window = int(parts[2]) if len(parts) == 3 else 90
        except ValueError:
            target = None
            window = 90
        if target is None:
            errors.append(
                f"success criterion {line!r}: write the metric, its target and the window in "
                "days, e.g. churn_rate 0.05 90"
            )
            continue
        criteria.append({"metric": parts[0], "target": target, "window_days": window})
    return criteria


def _step(step: StepForm, number: int, errors: list[str]) -> dict[str, Any]:
    templates = [
        {
            "channel": template.channel,
            "subject": template.subject.strip() or None if template.channel == "email" else None,
            "body": template.body.strip(),
        }
        for template in step.templates
        if template.body.strip() or template.subject.strip()
    ]
    return {
        "title": step.title.strip(),
        "kind": step.kind,
        "due_days": _optional_int(step.due_days, f"step {number} due days", errors) or 0,
        "owner": step.owner.strip() or "csm",
        "instructions": step.instructions.strip(),
        "templates": templates,
    }


def _said(error: Mapping[str, Any], document: Mapping[str, Any]) -> str:
    """A pydantic error as a sentence: "step 2, title: should have at least 1 character"."""
    location = [str(part) for part in error["loc"]]
    message = str(error["msg"]).removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    if not location:
        return message
    if location[0] == "steps" and len(location) > 1 and location[1].isdigit():
        title = document["steps"][int(location[1])]["title"] or "untitled"
        place = f"step {int(location[1]) + 1} ({title})"
        rest = [part.replace("_", " ") for part in location[2:] if not part.isdigit()]
        return f"{place}, {' '.join(rest)}: {message}" if rest else f"{place}: {message}"
    words = " ".join(part.replace("_", " ") for part in location if not part.isdigit())
    return f"{words}: {message}"
