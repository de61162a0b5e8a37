"""A language model as judge of a simulated customer: believability and persona consistency.

In the spirit of PersonaGym (Samuel et al., 2024): the judge reads who the customer should be and
the whole conversation, and scores the customer on a written rubric from 1 to 5, with a reason.
Models wrap JSON in prose or code fences, so the answer is searched for its JSON object; an
answer that holds no valid rating is sent back once with what was wrong, then refused.
"""

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from cspersona.chat.character import Character
from cspersona.chat.prompting import trait_words
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Prompt, Turn
from cspersona.llm.providers import ProviderError

RUBRIC = """\
Rate the simulated CUSTOMER only, never the CSM, on two scales.

Believability: does the customer read like a real B2B customer writing to their CSM?
5 = every reply sounds like a real customer: it answers what the CSM said, keeps its facts \
straight, stays in the customer's role, and never repeats a sentence.
3 = mostly plausible, with some slips: a reply that ignores the CSM's point, a stilted or \
repeated sentence, or a small inconsistency.
1 = clearly not a real customer: it contradicts itself, repeats itself, speaks as the vendor or \
an assistant, shows placeholders or contact details, or makes no sense.

Persona consistency: does the customer behave like the character described, first to last turn?
5 = every reply fits the described traits and worries (tone, technical level, what they care \
about), and changes of mood follow from what the CSM did.
3 = broadly fits, but some replies drift out of character or the mood swings without a cause.
1 = the customer does not match the description, or changes personality during the conversation.

Answer with only this JSON object, no other text:
{"believability": <1-5>, "believability_reason": "<one sentence>", \
"persona_consistency": <1-5>, "persona_consistency_reason": "<one sentence>"}"""

SPEAKERS = {"csm": "CSM", "persona": "Customer", "user": "CSM", "assistant": "Customer"}


class Rating(BaseModel):
    """The judge's scores of one conversation, each with its one-sentence reason."""

    believability: int = Field(ge=1, le=5)
    believability_reason: str = Field(min_length=1)
    persona_consistency: int = Field(ge=1, le=5)
    persona_consistency_reason: str = Field(min_length=1)


class JudgeAnswerError(ProviderError):
    """The judge answered twice with something that is not a rating."""


def summary_of(character: Character) -> str:
    """Who the customer should be, in the words the prompt gave the persona."""
    traits = ", ".join(trait_words(character.traits)) or "even-tempered"
    concerns = ", ".join(character.concerns) or "nothing in particular"
    return f"{character.name}: {traits}; worried most about {concerns}."


def transcript_text(transcript: Sequence[tuple[str, str]]) -> str:
    """The conversation as the judge reads it, one "Speaker: text" line per turn."""
    return "\n".join(f"{SPEAKERS.get(speaker, speaker)}: {text}" for speaker, text in transcript)


def _json_object(answer: str) -> dict[str, Any]:
    """The first JSON object in ``answer``, wherever prose or code fences put it."""
    decoder = json.JSONDecoder()
    start = answer.find("{")
    while start >= 0:
        try:
            found, _end = decoder.raw_decode(answer, start)
        except json.JSONDecodeError:
            start = answer.find("{", start + 1)
            continue
        if isinstance(found, dict):
            return found
        start = answer.find("{", start + 1)
    raise ValueError("it holds no JSON object")


def parse_rating(answer: str) -> Rating:
    """The rating in a judge's answer; :class:`ValueError` says what is wrong with it."""
    document = _json_object(answer)
    try:
        return Rating.model_validate(document)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "the object"
        raise ValueError(f"{field}: {first['msg']}") from None


def rate_conversation(
    client: LLMClient, character_summary: str, transcript: Sequence[tuple[str, str]]
) -> Rating:
    """Ask the model behind ``client`` to rate the customer of ``transcript`` on the rubric.

    ``transcript`` holds (speaker, text) pairs; "csm" and "persona" are shown as CSM and Customer.
    An unreadable answer is sent back once with the reason; a second one raises
    :class:`JudgeAnswerError`.
    """
    request = Turn(
        "user",
        f"The customer should be: {character_summary}\n\nThe conversation:\n"
        f"{transcript_text(transcript)}",
    )
    prompt = Prompt(system=RUBRIC, turns=(request,), max_tokens=300, temperature=0.0)
    answer = client.complete(prompt).text
    try:
        return parse_rating(answer)
    except ValueError as error:
        problem = str(error)
    correction = f"Your answer could not be read ({problem}). Answer again with only the JSON."
    retry = Prompt(
        system=RUBRIC,
        turns=(request, Turn("assistant", answer), Turn("user", correction)),
        max_tokens=300,
        temperature=0.0,
    )
    answer = client.complete(retry).text
    try:
        return parse_rating(answer)
    except ValueError as error:
        beginning = " ".join(answer.split())[:80]
        raise JudgeAnswerError(
            f"the judge model answered twice without a valid rating ({error}); its answer began "
            f"{beginning!r}"
        ) from None
