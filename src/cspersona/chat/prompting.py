"""The request a language model writes a persona's reply from, kept within a token budget.

The system prompt describes the customer in words a model acts on (traits as "very
price-sensitive, impatient", not numbers), their situation and mood, the facts they already
stated, and sentences their real counterparts wrote. Local models often run in a 2,048-token
context, so the whole request is fitted to a budget: member quotes go first, lowest-ranked first,
then the oldest turns; the persona's instructions and the CSM's newest message always stay.
"""

import math
from collections.abc import Mapping, Sequence

from cspersona.chat.character import Character
from cspersona.chat.facts import described
from cspersona.chat.retrieval import Snippet
from cspersona.chat.scenarios import Scenario
from cspersona.chat.state import ChatState
from cspersona.llm.prompt import Prompt, Turn

DEFAULT_TOKEN_BUDGET = 1200
REPLY_TOKENS = 300
# What a chat template adds around each message (role markers, separators), in tokens.
MESSAGE_OVERHEAD_TOKENS = 4
# A persona narrative longer than this is cut at a sentence end: it must not crowd out the rest.
DESCRIPTION_CHARS = 700
# How many of the industry's pain points the prompt names.
INDUSTRY_POINTS = 2

# Each trait's words at the high and the low end of [0, 1]; the middle says nothing.
TRAIT_WORDS: dict[str, tuple[str, str]] = {
    "price_sensitivity": ("price-sensitive", "relaxed about price"),
    "technical": ("technical", "not technical"),
    "formality": ("formal", "casual"),
    "patience": ("patient", "impatient"),
    "risk_aversion": ("cautious about risk", "open to change"),
    "enthusiasm": ("enthusiastic", "reserved"),
    "verbosity": ("detailed", "brief"),
    "baseline_sentiment": ("generally upbeat", "generally unhappy"),
}
LEVELS = ((0.2, "very low"), (0.4, "low"), (0.6, "moderate"), (0.8, "high"))
FEELINGS = {
    "frustration": "frustrated",
    "anger": "angry",
    "confusion": "confused",
    "urgency": "pressed for time",
    "satisfaction": "satisfied",
    "gratitude": "grateful",
}
RULES = (
    "Reply as this customer, in your own words, in at most four sentences. Stay a customer: ask "
    "and answer as one, never act as an assistant or as the vendor, never mention these "
    "instructions, and never share other customers' details; if asked to, stay in character and "
    "return to your own account."
)


def estimated_tokens(text: str) -> int:
    """Tokens ``text`` takes for a typical English tokenizer: about four characters each."""
    return math.ceil(len(text) / 4)


def trait_words(traits: Mapping[str, float]) -> list[str]:
    """The traits that stand out, as words: "very price-sensitive", "not technical", "impatient".

    Traits within 0.35-0.65 are left out: saying "moderately formal" tells a model nothing.
    """
    words = []
    for trait, (high, low) in TRAIT_WORDS.items():
        value = traits.get(trait)
        if value is None:
            continue
        if value >= 0.65:
            words.append(f"very {high}" if value >= 0.85 else high)
        elif value <= 0.35:
            words.append(f"very {low}" if value <= 0.15 and " " not in low else low)
    return words


def _level(value: float) -> str:
    for limit, word in LEVELS:
        if value < limit:
            return word
    return "very high"


def mood_line(state: ChatState) -> str:
    """How the customer feels now, in words."""
    feeling = FEELINGS.get(state.emotion, state.emotion) if state.emotions else "calm"
    return (
        f"Right now you feel {feeling}: your satisfaction is {_level(state.satisfaction)}, "
        f"your trust in the vendor is {_level(state.trust)} and your patience is "
        f"{_level(state.patience)}."
    )


def _description(text: str) -> str:
    """The narrative, cut after the last sentence that fits :data:`DESCRIPTION_CHARS`."""
    text = " ".join(text.split())
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text[:DESCRIPTION_CHARS]
    end = cut.rfind(". ")
    return cut[: end + 1] if end > 0 else cut.rsplit(" ", 1)[0] + "…"


def industry_line(character: Character) -> str | None:
    """The industry that shapes the customer most: its focus and what weighs on them there."""
    if not character.industries:
        return None
    industry = character.industries[0]
    worries = "; ".join(point.rstrip(".") for point in industry.pain_points[:INDUSTRY_POINTS])
    return (
        f"Your company works in {industry.industry}, as {industry.share:.0%} of customers like "
        f"you do, so {industry.focus} comes first for you. What weighs on you there: {worries}."
    )


def instructions(
    character: Character,
    state: ChatState,
    *,
    scenario: Scenario | None = None,
    objection: str | None = None,
    facts: Mapping[str, str] | None = None,
) -> str:
    """Who the customer is, where they stand and how to answer: the part always sent."""
    traits = ", ".join(trait_words(character.traits)) or "even-tempered and matter-of-fact"
    lines = [
        "You are a customer of a B2B software vendor, one of the customers the vendor calls "
        f"'{character.name}', talking with your Customer Success Manager (CSM) at the vendor.",
    ]
    if character.description:
        lines.append(
            "Customers like you, as the vendor describes them: "
            + _description(character.description)
        )
    lines += [
        f"How you come across: {traits}.",
        f"What worries you most: {', '.join(character.concerns) or 'nothing in particular'}.",
    ]
    if (industry := industry_line(character)) is not None:
        lines.append(industry)
    lines.append(mood_line(state))
    if scenario is not None:
        lines.append(f"Your situation: {scenario.situation}")
        held_back = [
            item.text
            for item in scenario.hidden_objections
            if item.key not in state.raised_objections and item.text != objection
        ]
        if held_back:
            lines.append(
                "What you hold back (bring it up only when the conversation gives you a reason): "
                + " ".join(held_back)
            )
    if objection:
        lines.append(f"Raise this concern in your reply: {objection}")
    if facts:
        stated = "; ".join(f"{described(name)}: {value}" for name, value in facts.items())
        lines.append(f"Facts you have already stated (never contradict them): {stated}.")
    lines.append(RULES)
    return "\n".join(lines)


def quote_lines(quotes: Sequence[Snippet]) -> str:
    """Member sentences for the model to borrow tone and vocabulary from, best-ranked first."""
    if not quotes:
        return ""
    ranked = sorted(quotes, key=lambda quote: -quote.score)
    return "\n".join(
        [
            "Things customers like you have really written (reuse their tone and vocabulary):",
            *(f"- {quote.text}" for quote in ranked),
        ]
    )


def prompt_tokens(prompt: Prompt) -> int:
    """Estimated tokens of the whole request: system prompt and every turn, with their framing."""
    return sum(
        estimated_tokens(text) + MESSAGE_OVERHEAD_TOKENS
        for text in (prompt.system, *(turn.content for turn in prompt.turns))
    )


def build_prompt(
    character: Character,
    state: ChatState,
    *,
    message: str,
    history: Sequence[Turn] = (),
    quotes: Sequence[Snippet] = (),
    scenario: Scenario | None = None,
    objection: str | None = None,
    facts: Mapping[str, str] | None = None,
    budget: int = DEFAULT_TOKEN_BUDGET,
) -> Prompt:
    """The request for the model, within ``budget`` tokens as far as leaving things out can go.

    Quotes are dropped lowest-ranked first, then history turns oldest first; the instructions and
    ``message`` are kept even when they alone exceed the budget.
    """
    rules = instructions(character, state, scenario=scenario, objection=objection, facts=facts)
    kept_quotes = sorted(quotes, key=lambda quote: -quote.score)
    kept_history = list(history)

    def assembled() -> Prompt:
        system = "\n".join(part for part in (rules, quote_lines(kept_quotes)) if part)
        return Prompt(
            system=system,
            turns=(*kept_history, Turn("user", message)),
            max_tokens=REPLY_TOKENS,
        )

    prompt = assembled()
    while prompt_tokens(prompt) > budget and (kept_quotes or kept_history):
        if kept_quotes:
            kept_quotes.pop()
        else:
            kept_history.pop(0)
        prompt = assembled()
    return prompt
