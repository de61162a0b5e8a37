"""Offline playbooks for a persona: a risk playbook and, with evidence for it, an expansion one.

The steps follow the persona's commonest churn-driver themes (falling use calls for an adoption
session, support pain for an escalation review, price for a value review), and every message is
written in the persona's register. Templates use only ``rendering.VARIABLES``; words meant for the
CSM alone (drivers, risk) stay in instructions and talk tracks, never in an e-mail to the customer.
"""

from dataclasses import dataclass

from cspersona.playbooks.context import Register
from cspersona.playbooks.definition import (
    Criteria,
    Criterion,
    EscalationLevel,
    EscalationPolicy,
    PlaybookDefinition,
    ReentryLimit,
    Step,
    StepKind,
    SuccessCriterion,
    Template,
    Trigger,
    TriggerKind,
)
from cspersona.playbooks.evidence import PersonaEvidence
from cspersona.predict.interventions import theme

CONTROL_SHARE = 0.10
MAX_HELPS = 3  # kinds of help per risk playbook: more steps than a CSM will follow
RISK_SUFFIX = "save accounts at risk"
EXPANSION_SUFFIX = "expansion"
NAME_ROOM = 128 - len(RISK_SUFFIX) - 2
# Each driver theme calls for one kind of help; themes sharing a help share its steps.
THEME_HELP: dict[str, str] = {
    "usage": "adoption",
    "confusion": "adoption",
    "defects": "fix",
    "support": "fix",
    "technical": "fix",
    "price": "value",
    "sentiment": "relationship",
    "relationship": "relationship",
}
SIGNATURE = "\n\n{{ sign_off }}\n{{ csm_name }}"


def playbook_names(persona_name: str) -> tuple[str, str]:
    """The risk and expansion playbooks' names for a persona."""
    short = persona_name[:NAME_ROOM]
    return f"{short}: {RISK_SUFFIX}", f"{short}: {EXPANSION_SUFFIX}"


def _say(register: Register, formal: str, casual: str) -> str:
    return formal if register.formal else casual


def _opening(register: Register) -> str:
    return _say(
        register,
        'Open: "Thank you for making the time today."',
        'Open: "Hi {{ contact_first_name }}, thanks for making the time!"',
    )


@dataclass(frozen=True)
class _Help:
    """One kind of help: the e-mail that offers it and the step that delivers it."""

    subject: Template
    step: Step


def _adoption(register: Register) -> _Help:
    detail = _say(
        register,
        "the integrations, API and automation options" if register.technical else "reports",
        "the API and automations" if register.technical else "the reports and shortcuts",
    )
    email = Template(
        channel="email",
        subject=_say(register, "Making the most of {{ plan }}", "A few ideas for your team"),
        body="{{ greeting }}\n\n"
        + _say(
            register,
            "I am reviewing how {{ company }} uses the platform and would welcome 30 minutes "
            f"with your team to walk through {detail} that teams like yours rely on most. "
            "Would a time next week suit you?",
            "I was looking at how your team's been using things lately and have a few ideas "
            f"that could save you time, mostly around {detail}. "
            "Got 20 minutes next week for a quick session?",
        )
        + SIGNATURE,
    )
    track = Template(
        channel="meeting",
        body=_opening(register)
        + "\nWhy now (for you, not to read out): {{ top_driver }}."
        + "\nAsk: which tasks does the team do outside the product today, and why?"
        + f"\nShow: {detail}, on their own data where you can."
        + "\nAgree: one habit to start this week and who owns it; book a 15-minute follow-up.",
    )
    step = Step(
        title="Run an adoption session",
        kind=StepKind.MEETING,
        due_days=5,
        instructions="Work through what the team does by hand; leave with one named habit and "
        "a follow-up date.",
        templates=[track],
    )
    return _Help(email, step)


def _fix(register: Register) -> _Help:
    email = Template(
        channel="email",
        subject=_say(register, "Your open requests with us", "Your open tickets"),
        body="{{ greeting }}\n\n"
        + _say(
            register,
            "I have reviewed the requests {{ company }} has open with our support team. I will "
            "follow them personally and would like to agree with you a plan and dates for each.",
            "I've gone through your open tickets and I'm following them myself from here. "
            "Let's agree what gets fixed first and by when.",
        )
        + (
            _say(
                register,
                " Please send me any logs or error references you have.",
                " Send over any logs or error IDs you've got.",
            )
            if register.technical
            else ""
        )
        + SIGNATURE,
    )
    track = Template(
        channel="call",
        body=_opening(register)
        + "\nWhy now (for you, not to read out): {{ top_driver }}."
        + "\nSay: which requests are open, what has been done, and the date for each fix."
        + (
            "\nAsk: for error references and logs; offer a session with an engineer."
            if register.technical
            else "\nAsk: which problem hurts the team most; fix that one first."
        )
        + "\nAgree: when you will call back with progress.",
    )
    step = Step(
        title="Walk through the fix plan",
        kind=StepKind.CALL,
        due_days=4,
        instructions="Before the call, review every open and reopened ticket with the support "
        "lead and get a date for each fix.",
        templates=[track],
    )
    return _Help(email, step)


def _value(register: Register) -> _Help:
    email = Template(
        channel="email",
        subject=_say(register, "Reviewing the value of {{ plan }}", "What you're getting from us"),
        body="{{ greeting }}\n\n"
        + _say(
            register,
            "{% if days_to_renewal %}Ahead of your renewal on {{ renewal_date }}, I{% else %}I"
            "{% endif %} would like to review with you the results {{ company }} has achieved "
            "and make sure your plan fits how you work.",
            "{% if days_to_renewal %}Before your renewal comes up on {{ renewal_date }}, I'd"
            "{% else %}I'd{% endif %} love to go through what you've got out of the product so "
            "far and check your plan still fits.",
        )
        + _say(register, " Would a short meeting next week suit you?", " Free for a chat?")
        + SIGNATURE,
    )
    track = Template(
        channel="meeting",
        body=_opening(register)
        + "\nWhy now (for you, not to read out): {{ top_driver }}."
        + "{% if arr %}\nContract: {{ arr }} a year on {{ plan }}.{% endif %}"
        + "{% if days_to_renewal %}\nRenewal: {{ renewal_date }}, in {{ days_to_renewal }} days."
        + "{% endif %}"
        + "\nShow: results they achieved this year, in their numbers."
        + "\nAsk: what would make the renewal an easy decision?"
        + "\nAgree: the plan that fits{% if days_to_renewal %}, before {{ renewal_date }}"
        + "{% endif %}.",
    )
    step = Step(
        title="Hold a value review",
        kind=StepKind.MEETING,
        due_days=7,
        instructions="Prepare the results the customer achieved, and the plan that fits their "
        "use; a discount is the last resort, not the opener.",
        templates=[track],
    )
    return _Help(email, step)


def _relationship(register: Register) -> _Help:
    email = Template(
        channel="email",
        subject=_say(register, "Checking in with {{ company }}", "Checking in"),
        body="{{ greeting }}\n\n"
        + _say(
            register,
            "I would value a short conversation about how things are going for {{ company }}, "
            "and about anything we could do better. Would a call this week suit you?",
            "Just wanted to check in: how are things going on your side? "
            "Anything we could do better? Happy to jump on a quick call this week.",
        )
        + SIGNATURE,
    )
    track = Template(
        channel="call",
        body=_opening(register)
        + "\nWhy now (for you, not to read out): {{ top_driver }}."
        + "\nAsk: what has changed in the team, and what is not working for them."
        + "\nListen first; acknowledge the problem before offering anything."
        + "\nAgree: one thing you will do, and when you will report back.",
    )
    step = Step(
        title="Call the sponsor",
        kind=StepKind.CALL,
        due_days=3,
        instructions="Talk to the decision maker, not only the day-to-day contact.",
        templates=[track],
    )
    return _Help(email, step)


HELPERS = {
    "adoption": _adoption,
    "fix": _fix,
    "value": _value,
    "relationship": _relationship,
}


def risk_playbook(evidence: PersonaEvidence) -> PlaybookDefinition:
    """The persona's playbook for a customer whose churn risk rises to high."""
    register = evidence.register
    # The drivers' themes first, then what the persona's pain points are about (billing: value).
    themes = [item.theme for item in evidence.churn_themes]
    themes += [found for found in map(theme, evidence.pain_points) if found is not None]
    helps = list(dict.fromkeys(THEME_HELP[found] for found in themes if found in THEME_HELP))
    helps = helps[:MAX_HELPS] or ["relationship"]
    chosen = [HELPERS[help_](register) for help_ in helps]
    review = "; ".join(
        f"{item.words} for {item.customers} of {evidence.members} members, e.g. {item.example}"
        for item in evidence.churn_themes
    )
    cautions = []
    if evidence.triggers:
        shown = " and ".join(evidence.triggers[:2])
        cautions.append(f"they show more {shown} than most, so acknowledge it first")
    if evidence.pain_points:
        cautions.append(f"topics they raise more than most: {', '.join(evidence.pain_points)}")
    cautions.extend(evidence.industry_advice)
    steps = [
        Step(
            title="Review the account before reaching out",
            kind=StepKind.INTERNAL_TASK,
            due_days=0,
            instructions="Read the churn drivers on the customer page."
            + (f" For this persona, risk most often rises with: {review}." if review else "")
            + (f" Keep in mind: {'; '.join(cautions)}." if cautions else ""),
        ),
        Step(
            title="Write to the main contact",
            kind=StepKind.EMAIL,
            due_days=1,
            instructions="Send the e-mail below, or your own words if you know them better.",
            templates=[chosen[0].subject],
        ),
        *(help_.step for help_ in chosen),
        Step(
            title="Record the outcome",
            kind=StepKind.INTERNAL_TASK,
            due_days=14,
            instructions="Close each task with a note: what the customer said and whether the "
            "risk eased. The held-back customers show whether the playbook helps.",
        ),
    ]
    steps.sort(key=lambda step: step.due_days)
    success = []
    if evidence.churned_last_year:
        target = round(evidence.churn_rate * 0.8, 3)
        success.append(SuccessCriterion(metric="churn_rate", target=target, window_days=365))
    if evidence.at_high_risk:
        target = round(evidence.high_risk_share * 0.75, 3)
        success.append(
            SuccessCriterion(metric="risk_tier_high_share", target=target, window_days=90)
        )
    objective = f"Keep {evidence.persona_name} customers whose churn risk turns high."
    if evidence.success_metrics:
        measures = "; ".join(evidence.success_metrics)
        objective += f" They judge us by: {measures}. Show progress on these."
    return PlaybookDefinition(
        name=playbook_names(evidence.persona_name)[0],
        objective=objective,
        persona_ids=[evidence.persona_id],
        trigger=Trigger(kind=TriggerKind.RISK_TIER_RISES, to_tier="high"),
        criteria=Criteria(
            entry=[Criterion(field="persona_id", op="eq", value=float(evidence.persona_id))],
            exit=[Criterion(field="risk_tier", op="eq", value="normal")],
        ),
        reentry=ReentryLimit(times=1, days=90),
        steps=steps,
        escalation=EscalationPolicy(
            levels=[
                EscalationLevel(after_days=2, target="role:analyst"),
                EscalationLevel(after_days=5, target="role:admin"),
            ],
            on_risk_worsening=True,
        ),
        success=success,
        control_share=CONTROL_SHARE,
        evidence=[fact for fact in evidence.facts if fact.source != "expansion_drivers"],
    )


def expansion_playbook(evidence: PersonaEvidence) -> PlaybookDefinition | None:
    """The persona's playbook for a customer ready to expand; None without expansion evidence."""
    if not evidence.expansion_now:
        return None
    register = evidence.register
    feature = evidence.next_features[0] if evidence.next_features else None
    idea = (
        _say(
            register,
            f" Many teams like yours see the most benefit next from {feature}.",
            f" Lots of teams like yours move on to {feature} next.",
        )
        if feature
        else ""
    )
    why = ""
    if evidence.expansion_reasons:
        why += f" Why they are ready, most often: {'; '.join(evidence.expansion_reasons)}."
    if evidence.expansion_drivers:
        why += f" What else points to expansion: {'; '.join(evidence.expansion_drivers)}."
    email = Template(
        channel="email",
        subject=_say(register, "Getting more from {{ plan }}", "An idea for {{ company }}"),
        body="{{ greeting }}\n\n"
        + _say(
            register,
            "Your team's use of the platform has grown, and I would like to share how "
            "{{ company }} could build on it.",
            "Your team's been getting a lot out of the product lately, nice work! "
            "I've got a couple of ideas for what could come next.",
        )
        + idea
        + _say(register, " Would a short meeting next week suit you?", " Fancy a quick chat?")
        + SIGNATURE,
    )
    track = Template(
        channel="meeting",
        body=_opening(register)
        + "\nWhy now (for you, not to read out): the customer is ready to grow; plan {{ plan }}, "
        "contract {{ arr }}."
        + "\nAsk: which teams or uses are next, and what holds them back."
        + (f"\nShow: {feature}, on their own data where you can." if feature else "")
        + "\nAgree: a trial or a proposal, with a date.",
    )
    steps = [
        Step(
            title="Prepare the expansion case",
            kind=StepKind.INTERNAL_TASK,
            due_days=0,
            instructions="Check that no severe ticket is open, then prepare the case." + why,
        ),
        Step(
            title="Suggest the next step",
            kind=StepKind.EMAIL,
            due_days=2,
            instructions="Send the e-mail below once the case is ready.",
            templates=[email],
        ),
        Step(
            title="Hold a growth conversation",
            kind=StepKind.MEETING,
            due_days=7,
            instructions="Listen for the next team or use case; propose a trial before a price.",
            templates=[track],
        ),
    ]
    target = round(min(max(evidence.expansion_rate * 1.2, 0.05), 1.0), 3)
    return PlaybookDefinition(
        name=playbook_names(evidence.persona_name)[1],
        objective=f"Grow {evidence.persona_name} customers when they are ready to expand.",
        persona_ids=[evidence.persona_id],
        trigger=Trigger(kind=TriggerKind.EXPANSION_NOW),
        criteria=Criteria(
            entry=[Criterion(field="persona_id", op="eq", value=float(evidence.persona_id))],
            exit=[Criterion(field="risk_tier", op="eq", value="high")],
        ),
        reentry=ReentryLimit(times=1, days=180),
        steps=steps,
        escalation=EscalationPolicy(
            levels=[EscalationLevel(after_days=3, target="role:analyst")],
            on_risk_worsening=False,
        ),
        success=[SuccessCriterion(metric="expansion_rate", target=target, window_days=365)],
        control_share=CONTROL_SHARE,
        evidence=[fact for fact in evidence.facts if fact.source != "churn_drivers"],
    )
