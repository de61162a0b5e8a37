"""Persona engines: the offline conversational model, and the LLM engine that writes with it.

The offline engine classifies the CSM's message, moves the customer's state with the persona's
own reactions, and composes the reply from the persona's phrase banks and sentences its member
customers really wrote. The LLM engine lets a language model write the text while the offline
engine still tracks state, suggestions and objections.
"""

import hashlib
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from cspersona.chat.character import Character
from cspersona.chat.intents import Intent, classify
from cspersona.chat.prompting import DEFAULT_TOKEN_BUDGET, build_prompt
from cspersona.chat.retrieval import Snippet, SnippetIndex
from cspersona.chat.scenarios import Objection, Scenario
from cspersona.chat.state import REACTIONS, ChatState, initial_state, react, style_of
from cspersona.chat.voice import Voice, default_voice
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Prompt, Turn
from cspersona.llm.providers import ProviderError
from cspersona.nlp.similarity import repeats

# Below this TF-IDF similarity a sentence is not about what the CSM said.
MIN_RELEVANCE = 0.12

# How many recently quoted sentences the customer avoids repeating.
MEMORY_SENTENCES = 40

# Moves whose reaction is voiced first when the CSM makes several at once.
_PRIORITY = (
    Intent.PROMPT_INJECTION,
    Intent.CONCESSION,
    Intent.UPSELL,
    Intent.VAGUE,
    Intent.TIMELINE,
    Intent.ESCALATION,
    Intent.TECHNICAL,
    Intent.APOLOGY,
    Intent.EMPATHY,
    Intent.QUESTION,
)


@dataclass(frozen=True)
class Reply:
    """The persona's answer to one CSM message, with everything the interfaces show."""

    text: str
    state: ChatState
    intents: frozenset[Intent]
    suggestions: tuple[str, ...]
    snippets: tuple[Snippet, ...]
    style: dict[str, float]
    objection: str | None = None
    fallback_reason: str | None = None

    @property
    def emotion(self) -> str:
        """The persona's strongest emotion after this turn."""
        return self.state.emotion


class OfflineEngine:
    """A customer of one persona, simulated without any network: deterministic for a seed."""

    def __init__(
        self,
        character: Character,
        index: SnippetIndex,
        *,
        voice: Voice | None = None,
        seed: int = 0,
    ) -> None:
        """Speak as ``character``, quoting sentences from ``index``."""
        self.character = character
        self.index = index
        self.voice = voice or default_voice()
        self.seed = seed

    def start(self, scenario: Scenario | None = None) -> ChatState:
        """The state a new conversation (or a scenario run) begins in."""
        return initial_state(self.character, scenario.mood if scenario else None)

    def _rng(self, state: ChatState, message: str) -> random.Random:
        material = f"{self.seed}|{self.character.persona_id}|{state.turn}|{message}".encode()
        return random.Random(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))

    def main_move(self, intents: frozenset[Intent]) -> str:
        """The move the customer reacts to most: the first of the CSM's moves by priority."""
        for intent in _PRIORITY:
            if intent in intents:
                return intent.value
        return "neutral"

    def respond(
        self,
        state: ChatState,
        message: str,
        *,
        objections: Sequence[Objection] = (),
    ) -> Reply:
        """Classify ``message``, update the state and compose the customer's reply."""
        rng = self._rng(state, message)
        intents = classify(message)
        handled = tuple(
            objection.key
            for objection in objections
            if objection.key in state.raised_objections
            and objection.key not in state.handled_objections
            and objection.handled_in(message, intents)
        )
        state = react(state, intents, self.character)
        state = replace(state, handled_objections=state.handled_objections + handled)
        objection = self._next_objection(state, objections, rng)
        if objection is not None:
            state = replace(state, raised_objections=state.raised_objections + (objection.key,))
        snippets = self._snippets(message, intents, state)
        state = replace(
            state,
            used_snippets=(state.used_snippets + tuple(s.index for s in snippets))[
                -MEMORY_SENTENCES:
            ],
        )
        text = self._compose(state, intents, snippets, objection, rng)
        concern = self.character.concerns[0] if self.character.concerns else "this"
        suggestions = self.voice.suggestions_for(self.character, state, concern, rng)
        state = replace(
            state,
            offered_suggestions=(state.offered_suggestions + suggestions)[-MEMORY_SENTENCES:],
        )
        return Reply(
            text=text,
            state=state,
            intents=intents,
            suggestions=suggestions,
            snippets=tuple(snippets),
            style=style_of(state, self.character),
            objection=objection.text if objection else None,
        )

    def _next_objection(
        self, state: ChatState, objections: Sequence[Objection], rng: random.Random
    ) -> Objection | None:
        """Raise a hidden objection on the first turn, after a cooling move, or now and then."""
        pending = [o for o in objections if o.key not in state.raised_objections]
        if not pending:
            return None
        if state.turn <= 1 or state.last_mood <= 0 or rng.random() < 0.3:
            return pending[0]
        return None

    def _snippets(
        self, message: str, intents: frozenset[Intent], state: ChatState
    ) -> list[Snippet]:
        """Member sentences about what the CSM raised, else about the persona's concerns.

        A prompt-injection attempt is never used as a query: the customer steers back to their
        own concerns rather than looking up whatever was asked for. Sentences used in the last
        turns are skipped, so the customer does not repeat themselves.
        """
        count = 2 + (self.character.traits["verbosity"] >= 0.45)
        # Remember recent sentences only, so a persona with few messages never runs dry.
        memory = min(MEMORY_SENTENCES, len(self.index) // 2)
        used = frozenset(state.used_snippets[-memory:]) if memory else frozenset()
        mood = max(-1.0, min(1.0, 4 * state.last_mood))
        concerns = " ".join(self.character.concerns)
        if Intent.PROMPT_INJECTION not in intents:
            found = self.index.search(message, k=count, exclude=used, mood=mood)
            if found and min(snippet.score for snippet in found) >= MIN_RELEVANCE:
                return found
        return self.index.search(concerns, k=count, exclude=used, mood=mood)

    def _compose(
        self,
        state: ChatState,
        intents: frozenset[Intent],
        snippets: Sequence[Snippet],
        objection: Objection | None,
        rng: random.Random,
    ) -> str:
        register = self.character.register
        formal = register.startswith("formal")
        move = self.main_move(intents)
        warm = (
            REACTIONS[Intent(move)](self.character.traits).mood > 0
            if move != "neutral"
            else state.last_mood >= 0
        )
        parts: list[str] = []
        if formal and state.turn == 1:
            parts.append(self.voice.pick(self.voice.openers, register, rng))
        parts.append(self.voice.reaction(move, warm=warm, register=register, rng=rng))
        for snippet in snippets:  # a member's line that says what the reaction said is left out
            if not repeats(snippet.text, parts):
                parts.append(snippet.text)
        if objection is not None:
            parts.append(objection.text)
        elif self.character.concerns and not warm:
            concern = rng.choice(self.character.concerns)
            parts.append(
                self.voice.pick(self.voice.concern_lines, register, rng).format(concern=concern)
            )
        if formal:
            parts.append(self.voice.pick(self.voice.closings, register, rng))
        return " ".join(part for part in parts if part)


class LLMEngine:
    """A language model writes the reply; the offline engine keeps state and suggestions."""

    def __init__(
        self,
        offline: OfflineEngine,
        client: LLMClient,
        *,
        fallback: bool,
        token_budget: int = DEFAULT_TOKEN_BUDGET,
    ) -> None:
        """With ``fallback``, a provider failure is answered by the offline engine's text."""
        self.offline = offline
        self.client = client
        self.fallback = fallback
        self.token_budget = token_budget

    def prompt(
        self, reply: Reply, message: str, history: Sequence[Turn], scenario: Scenario | None
    ) -> Prompt:
        """The request for the provider: persona instructions, the history and the new message."""
        return build_prompt(
            self.offline.character,
            reply.state,
            message=message,
            history=history,
            quotes=reply.snippets,
            scenario=scenario,
            objection=reply.objection,
            budget=self.token_budget,
        )

    def write(
        self, reply: Reply, message: str, history: Sequence[Turn], scenario: Scenario | None
    ) -> Reply:
        """The offline reply with its text written by the provider (or kept, on fallback)."""
        try:
            text = self.client.complete(self.prompt(reply, message, history, scenario)).text.strip()
            if not text:
                raise self._no_text()
        except ProviderError as error:
            if not self.fallback:
                raise
            return replace(reply, fallback_reason=error.message)
        return replace(reply, text=text)

    def stream(
        self, reply: Reply, message: str, history: Sequence[Turn], scenario: Scenario | None
    ) -> Iterator[str]:
        """The provider's text in pieces; on a failure before any text, the offline text."""
        pieces = self.client.stream(self.prompt(reply, message, history, scenario))
        try:
            first = next(pieces, "")
            if not first:
                raise self._no_text()
        except ProviderError:
            if not self.fallback:
                raise
            yield reply.text
            return
        yield first
        yield from pieces

    def _no_text(self) -> ProviderError:
        """An empty answer (a reasoning model that spent its tokens thinking) is a failure."""
        return ProviderError(f"{self.client.provider.label} answered with no text")
