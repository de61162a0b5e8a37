"""The score card of a practice run, from where the customer ended up and how they got there.

It gives the customer's final stance, the turns that moved them, what was left unanswered, and
coaching that quotes the CSM's own turns.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel

from cspersona.chat.intents import Intent
from cspersona.chat.scenarios import Outcome, Scenario, Stance, outcome, stance
from cspersona.chat.state import ChatState


@dataclass(frozen=True)
class CsmTurn:
    """What the CSM said in one turn, what it did, and the customer's state before and after."""

    text: str
    intents: frozenset[Intent]
    before: ChatState | None = None
    after: ChatState | None = None

    @property
    def moved(self) -> float:
        """How much the turn warmed (positive) or cooled the customer: satisfaction plus trust."""
        if self.before is None or self.after is None:
            return 0.0
        return (self.after.satisfaction - self.before.satisfaction) + (
            self.after.trust - self.before.trust
        )


_SPECIFIC = re.compile(r"\d|\b(monday|tuesday|wednesday|thursday|friday|because|so that)\b", re.I)
# A turn must move satisfaction plus trust by this much to be quoted as a turning point.
TURNING_POINT = 0.05
# A turn this clear is quoted as an example to follow.
CLEAR = 0.75


def clarity(turn: CsmTurn) -> float:
    """How clear one CSM turn is: specific, committed and of a readable length."""
    words = len(turn.text.split())
    score = 0.5
    score += 0.25 if _SPECIFIC.search(turn.text) else 0.0
    score += 0.15 if turn.intents & {Intent.TIMELINE, Intent.TECHNICAL} else 0.0
    score -= 0.4 if Intent.VAGUE in turn.intents else 0.0
    score -= 0.2 if words > 80 else 0.0
    return min(1.0, max(0.0, score))


class ScoreCard(BaseModel):
    """How the CSM did: the customer's final stance, the turns that moved them, what was missed."""

    scenario: str
    persona_id: int
    persona_name: str | None = None
    outcome: Outcome
    stance: Stance
    goal_reached: bool
    turns_used: int
    turn_limit: int
    satisfaction: float
    trust: float
    empathy: float
    clarity: float
    objections_handled: int
    objections_total: int
    score: float
    turning_points: list[str]
    unanswered: list[str]
    feedback: list[str]


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1] + "…"}"'


def _change(turn: CsmTurn) -> str:
    """The state change of a turn in words: "satisfaction 0.40 to 0.55, trust 0.50 to 0.58"."""
    assert turn.before is not None and turn.after is not None
    parts = [
        f"{name} {getattr(turn.before, name):.2f} to {getattr(turn.after, name):.2f}"
        for name in ("satisfaction", "trust")
        if abs(getattr(turn.after, name) - getattr(turn.before, name)) >= 0.005
    ]
    return ", ".join(parts)


def turning_points(turns: Sequence[CsmTurn]) -> list[str]:
    """The turn that won the customer over most and the one that cost most, quoted."""
    ranked = sorted(
        (turn for turn in turns if abs(turn.moved) >= TURNING_POINT), key=lambda t: t.moved
    )
    lines: list[str] = []
    if ranked and ranked[-1].moved > 0:
        lines.append(f"{_quote(ranked[-1].text)} won them over most ({_change(ranked[-1])}).")
    if ranked and ranked[0].moved < 0:
        lines.append(f"{_quote(ranked[0].text)} cost you most ({_change(ranked[0])}).")
    return lines


def _coaching(scenario: Scenario, state: ChatState, turns: Sequence[CsmTurn]) -> list[str]:
    """Concrete advice from the CSM's own turns."""
    feedback: list[str] = []
    caring = [turn for turn in turns if turn.intents & {Intent.EMPATHY, Intent.APOLOGY}]
    if caring:
        feedback.append(f"Good acknowledgement: {_quote(caring[0].text)} set a constructive tone.")
    elif turns:
        feedback.append(
            f"You never acknowledged the customer's situation; {_quote(turns[0].text)} went "
            "straight to the point. Name the impact on their team first."
        )
    vague = [turn for turn in turns if Intent.VAGUE in turn.intents]
    if vague:
        feedback.append(
            f"{_quote(vague[0].text)} committed to nothing; give a date, an owner or a mechanism."
        )
    pitches = [turn for turn in turns if Intent.UPSELL in turn.intents]
    if pitches and state.satisfaction < scenario.success.min_satisfaction:
        feedback.append(
            f"{_quote(pitches[0].text)} pitched more before the customer was satisfied; "
            "resolve their concern before selling."
        )
    clarity_scores = [clarity(turn) for turn in turns]
    best = max(range(len(turns)), key=lambda index: clarity_scores[index], default=None)
    if best is not None and clarity_scores[best] >= CLEAR:
        feedback.append(f"Your clearest turn: {_quote(turns[best].text)}")
    if state.trust < scenario.success.min_trust and not any(
        turn.intents & {Intent.TIMELINE, Intent.ESCALATION} for turn in turns
    ):
        feedback.append("Trust stayed low: commit to a date you can keep or name who owns the fix.")
    if not turns:
        feedback.append("No turns were played.")
    return feedback


def _unanswered(scenario: Scenario, state: ChatState) -> list[str]:
    """Each objection the customer raised and the CSM never answered, with what to try."""
    lines = []
    for objection in scenario.hidden_objections:
        if objection.key in state.raised_objections and objection.key not in (
            state.handled_objections
        ):
            advice = objection.advice or "answer it directly before moving on"
            lines.append(f"{_quote(objection.text)} was never answered: {advice}")
    return lines


def score_card(
    scenario: Scenario, state: ChatState, turns: Sequence[CsmTurn], *, persona_id: int
) -> ScoreCard:
    """Score a finished (or abandoned) run from where the customer ended up and how they got there.

    Half the score is the customer's final stance and state; the rest is how the CSM worked:
    acknowledgement, clarity and the objections they answered.
    """
    result = outcome(scenario, state)
    if result is Outcome.ONGOING:  # scored before the goal, the customer's exit or the last turn
        result = Outcome.ENDED_EARLY
    final = stance(scenario, state)
    caring = [turn for turn in turns if turn.intents & {Intent.EMPATHY, Intent.APOLOGY}]
    empathy = min(1.0, len(caring) / max(1.0, len(turns) / 3)) if turns else 0.0
    clarity_scores = [clarity(turn) for turn in turns]
    mean_clarity = sum(clarity_scores) / len(clarity_scores) if clarity_scores else 0.0
    handled = len(state.handled_objections)
    total = len(scenario.hidden_objections)
    goal = result is Outcome.SUCCEEDED
    reached = min(
        1.0,
        min(
            state.satisfaction / scenario.success.min_satisfaction,
            state.trust / scenario.success.min_trust,
        )
        if scenario.success.min_satisfaction and scenario.success.min_trust
        else 1.0,
    )
    score = (
        30 * goal
        + 20 * reached
        + 15 * empathy
        + 15 * mean_clarity
        + 20 * (handled / total if total else 1.0)
    )
    if final is Stance.UNCONVINCED:
        score = min(score, 49.0)  # a customer who walks away unconvinced is never a pass
    return ScoreCard(
        scenario=scenario.name,
        persona_id=persona_id,
        outcome=result,
        stance=final,
        goal_reached=goal,
        turns_used=state.turn,
        turn_limit=scenario.turn_limit,
        satisfaction=state.satisfaction,
        trust=state.trust,
        empathy=round(empathy, 3),
        clarity=round(mean_clarity, 3),
        objections_handled=handled,
        objections_total=total,
        score=round(score, 1),
        turning_points=turning_points(turns),
        unanswered=_unanswered(scenario, state),
        feedback=_coaching(scenario, state, turns),
    )
