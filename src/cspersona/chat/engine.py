"""Persona engines: the offline conversational model, and the LLM engine that writes with it.

The offline engine classifies the CSM's message, moves the customer's state with the persona's
own reactions, and composes the reply from the persona's phrase banks and sentences its member
customers really wrote. The LLM engine lets a language model write the text while the offline
engine still tracks state, suggestions and objections.
"""

import hashlib
import random
import re
from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass, field, replace

from cspersona.chat.character import Character
from cspersona.chat.facts import asked, mentions, settle
from cspersona.chat.intents import Intent, classify
from cspersona.chat.prompting import DEFAULT_TOKEN_BUDGET, build_prompt
from cspersona.chat.retrieval import Snippet, SnippetIndex
from cspersona.chat.scenarios import Objection, Outcome, Scenario, Stance, outcome, stance
from cspersona.chat.state import REACTIONS, ChatState, initial_state, react, style_of
from cspersona.chat.voice import Voice, default_voice
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Prompt, Turn
from cspersona.llm.providers import ProviderError
from cspersona.nlp.similarity import normalised, repeats

# Below this TF-IDF similarity a sentence is not about what the CSM said.
MIN_RELEVANCE = 0.12

# How many recently quoted sentences the customer avoids repeating.
MEMORY_SENTENCES = 40
# How many of the CSM's moves in one message the customer reacts to, most important first.
REACTED_MOVES = 2
# Sentences this far on the other side of neutral do not fit the customer's mood.
MOOD_MARGIN = 0.2
# From this satisfaction on, a customer warmed by the CSM's move is pleased enough to praise.
PLEASED = 0.55
# What a customer asks the vendor for: not asked again once the CSM has done it.
_REQUESTS = frozenset({Intent.ESCALATION, Intent.TIMELINE, Intent.CONCESSION})
# Member sentences a reply holds at least, when the persona has any left to say.
FEWEST_QUOTES = 3
# A sentence reporting a problem fixed belongs to the thread where the fix happened.
_RESOLVED = re.compile(
    r"\b(sorted|fixed|resolved|back to normal|works now|working again|fine now|rock solid|"
    r"much appreciated|nice work|great work|looks (right|good|fine|correct) now|"
    r"works as expected|did the trick)\b",
    re.IGNORECASE,
)
# A customer saying who they are, which belongs to the start of a conversation.
_INTRODUCTION = re.compile(
    r"\b(i'?m reaching out|reaching out on behalf|i manage our|i lead our|i run our|my name is|"
    r"i'?m new to|we'?re new to|just joined|i'?m the \w+ (manager|lead|director))\b",
    re.IGNORECASE,
)
# Candidates retrieved per sentence wanted: some are left out (a repeat, a contradicted fact, the
# wrong mood).
CANDIDATES_PER_SENTENCE = 6

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
    facts: dict[str, str] = field(default_factory=dict)

    @property
    def emotion(self) -> str:
        """The persona's strongest emotion after this turn."""
        return self.state.emotion


class OfflineEngine:
    """A customer of one persona, simulated without any network: deterministic for a seed.

    Each reply reacts to the CSM's main move in the persona's register, then adds what the
    persona's members really wrote about the subject. Within a conversation no sentence is said
    twice, each fact about the account keeps the value it was first given (see :mod:`facts`), a
    pleased customer does not quote a complaint, and a question is answered before any is asked.
    """

    def __init__(
        self,
        character: Character,
        index: SnippetIndex,
        *,
        voice: Voice | None = None,
        seed: int = 0,
        accounts: Sequence[Mapping[str, str]] = (),
    ) -> None:
        """Speak as ``character``, quoting ``index``, about one of the member ``accounts``."""
        self.character = character
        self.index = index
        self.voice = voice or default_voice()
        self.seed = seed
        self.accounts = tuple(accounts)

    def start(self, scenario: Scenario | None = None) -> ChatState:
        """The state a new conversation (or a scenario run) begins in, with its account's facts."""
        state = initial_state(self.character, scenario.mood if scenario else None)
        if not self.accounts:
            return state
        account = self._rng(state, "account").choice(self.accounts)
        return replace(state, facts=dict(account))

    def _rng(self, state: ChatState, message: str) -> random.Random:
        material = f"{self.seed}|{self.character.persona_id}|{state.turn}|{message}".encode()
        return random.Random(int.from_bytes(hashlib.sha256(material).digest()[:8], "big"))

    def moves(self, intents: frozenset[Intent]) -> list[str]:
        """The CSM's moves by the priority the customer reacts to them: ``neutral`` if none.

        A plain question comes last and goes when other moves are made: it is answered by
        what follows the reactions.
        """
        moves = [intent.value for intent in _PRIORITY if intent in intents]
        if len(moves) > 1 and Intent.QUESTION.value in moves:
            moves.remove(Intent.QUESTION.value)
        return moves or ["neutral"]

    def _warms(self, move: str, state: ChatState) -> bool:
        """Whether ``move`` warms this customer; with no move, whether the last turn did."""
        if move == "neutral":
            return state.last_mood >= 0
        return REACTIONS[Intent(move)](self.character.traits).mood > 0

    def respond(self, state: ChatState, message: str, *, scenario: Scenario | None = None) -> Reply:
        """Classify ``message``, update the state and compose the customer's reply.

        In a scenario, a reply that ends the run says where the customer stands.
        """
        rng = self._rng(state, message)
        intents = classify(message)
        objections = scenario.hidden_objections if scenario else ()
        handled = tuple(
            objection.key
            for objection in objections
            if objection.key in state.raised_objections
            and objection.key not in state.handled_objections
            and objection.handled_in(message, intents)
        )
        state = react(state, intents, self.character)
        state = replace(state, handled_objections=state.handled_objections + handled)
        final = None
        if scenario is not None and outcome(scenario, state) is not Outcome.ONGOING:
            final = stance(scenario, state)
        objection = None if final else self._next_objection(state, objections, rng)
        if objection is not None:
            state = replace(state, raised_objections=state.raised_objections + (objection.key,))
        draft = _Draft(said=list(state.said), facts=dict(state.facts))
        background = (
            f"{scenario.situation} {scenario.opening}" if scenario else self.character.background
        )
        self._compose(
            draft,
            state,
            message,
            intents,
            objection=objection,
            final=final,
            background=background,
            rng=rng,
        )
        state = replace(
            state,
            used_snippets=(state.used_snippets + tuple(s.index for s in draft.snippets))[
                -MEMORY_SENTENCES:
            ],
            said=tuple(draft.said),
            facts=draft.facts,
        )
        suggestions = self.voice.suggestions_for(self.character, state, message, scenario, rng)
        state = replace(state, offered_suggestions=state.offered_suggestions + suggestions)
        return Reply(
            text=draft.text,
            state=state,
            intents=intents,
            suggestions=suggestions,
            snippets=tuple(draft.snippets),
            style=style_of(state, self.character),
            objection=objection.text if objection else None,
            facts=dict(draft.facts),
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

    def _compose(
        self,
        draft: "_Draft",
        state: ChatState,
        message: str,
        intents: frozenset[Intent],
        *,
        objection: Objection | None,
        final: Stance | None,
        background: str,
        rng: random.Random,
    ) -> None:
        """Write the reply: reactions, facts asked for, member sentences, a raised objection.

        Member sentences are about what the CSM said, else about the ``background`` (the
        scenario or the persona's concerns); a run that ends says where the customer stands.
        """
        register = self.character.register
        moves = self.moves(intents)[:REACTED_MOVES]
        warmth = [self._warms(move, state) for move in moves]
        warm = warmth[0]
        if register.startswith("formal") and state.turn == 1:
            draft.add(self.voice.pick(self.voice.openers, register, rng, avoid=draft.said))
            if moves == ["neutral"]:
                moves, warmth = [], []  # the opener is the whole reaction to a greeting
        for move, warms in zip(moves, warmth, strict=True):
            reaction = self.voice.reaction(
                move, warm=warms, register=register, rng=rng, avoid=draft.said
            )
            if not draft.opens_like(reaction):  # "Thank you ... Thank you ..." reads as a stutter
                draft.add(reaction)
        for key in asked(message):
            if key in draft.facts:
                line = self.voice.pick(self.voice.fact_lines[key], register, rng, avoid=draft.said)
                draft.add(line.format(value=draft.facts[key]))
        if final is not None:  # the run is over: the customer says where they stand, nothing more
            draft.add(self.voice.pick(self.voice.stances[final.value], register, rng))
            return
        if objection is not None:
            draft.add(objection.text)
        count = 3 + (self.character.traits["verbosity"] >= 0.45) - (objection is not None)
        self._quote_members(
            draft, state, message, intents, warm=warm, count=count, background=background
        )
        if not draft.parts:  # everything this persona would say here has been said
            draft.add(self.voice.pick(self.voice.nothing_new, register, rng, avoid=draft.said))

    def _quote_members(
        self,
        draft: "_Draft",
        state: ChatState,
        message: str,
        intents: frozenset[Intent],
        *,
        warm: bool,
        count: int,
        background: str,
    ) -> None:
        """Add up to ``count`` member sentences about what the CSM raised, else ``background``.

        A prompt-injection attempt is never used as a query: the customer steers back to their
        own concerns rather than looking up whatever was asked for.
        """
        memory = min(MEMORY_SENTENCES, len(self.index) // 2)
        used = frozenset(state.used_snippets[-memory:]) if memory else frozenset()
        mood = max(-1.0, min(1.0, 4 * state.last_mood))
        moves = {Intent(move) for move in state.moves}
        wide = CANDIDATES_PER_SENTENCE * count
        candidates: list[Snippet] = []
        if Intent.PROMPT_INJECTION not in intents:
            candidates += self.index.search(
                message, k=wide, exclude=used, mood=mood, relevance=MIN_RELEVANCE
            )
        relevant = len(candidates)
        candidates += self.index.search(
            background, k=wide, exclude=used, mood=mood, relevance=MIN_RELEVANCE
        )
        on_subject = len(candidates)
        # Then what sounds most like the persona, so that no reply is a bare phrase.
        candidates += self.index.search(background, k=wide, exclude=used, mood=mood)
        question_asked = Intent.QUESTION in intents
        pleased = warm and state.satisfaction >= PLEASED
        lowest = -MOOD_MARGIN if pleased else -1.0
        highest = MOOD_MARGIN if not pleased else 1.0
        added = 0
        # A second pass lets in sentences any customer could have written, so that a reply is
        # never a bare "right." when everything typical of the persona here has been said.
        for typical_only in (True, False):
            for position, snippet in enumerate(candidates):
                if typical_only and not self.index.typical(snippet.index):
                    continue  # a sentence any customer could have written is not this persona
                if not lowest <= self.index.polarity[snippet.index] <= highest:
                    continue  # a pleased customer does not complain, an unhappy one does not gush
                if snippet.text.endswith("?") and (
                    question_asked
                    or draft.asked
                    or position >= relevant
                    or snippet.score < 2 * MIN_RELEVANCE
                ):
                    continue  # answer the CSM first; ask at most one question, and only on topic
                if classify(snippet.text) & _REQUESTS & set(moves):
                    continue  # do not ask for an escalation, a date or a discount already given
                if _RESOLVED.search(snippet.text):
                    continue  # "sorted, thanks" closed another thread; here it contradicts
                if state.turn > 1 and _INTRODUCTION.search(snippet.text):
                    continue  # the customer introduced themselves when the conversation began
                if draft.add(snippet.text, snippet=snippet):
                    added += 1
                if added == count or (added >= FEWEST_QUOTES and position >= on_subject):
                    return
            if added:
                return


@dataclass
class _Draft:
    """A reply being written: its sentences, and what the conversation has said and stated."""

    said: list[str]
    facts: dict[str, str]
    parts: list[str] = field(default_factory=list)
    snippets: list[Snippet] = field(default_factory=list)
    asked: bool = False
    stated_here: set[str] = field(default_factory=set)

    def opens_like(self, sentence: str) -> bool:
        """Whether ``sentence`` opens with the same two words as a sentence of this reply."""
        opening = normalised(sentence).split()[:2]
        return bool(opening) and any(normalised(p).split()[:2] == opening for p in self.parts)

    def restates(self, sentence: str) -> bool:
        """Whether ``sentence`` states a fact this reply already stated."""
        return any(mention.key in self.stated_here for mention in mentions(sentence))

    def add(self, sentence: str, *, snippet: Snippet | None = None) -> bool:
        """Add ``sentence`` told with the conversation's facts, unless it was said before."""
        if not sentence:
            return False
        settled = settle(sentence, self.facts)
        if settled is None:
            return False  # it would contradict a number the customer already gave
        text, stated = settled
        if repeats(text, self.said) or self.restates(text):
            return False
        self.facts.update(stated)
        self.stated_here.update(mention.key for mention in mentions(text))
        self.parts.append(text)
        self.said.append(text)
        self.asked = self.asked or text.rstrip().endswith("?")
        if snippet is not None:
            self.snippets.append(replace(snippet, text=text))
        return True

    @property
    def text(self) -> str:
        """The reply as one message."""
        return " ".join(self.parts)


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
            facts=reply.facts,
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
    ) -> Generator[str, None, str | None]:
        """The provider's text in pieces; on a failure before any text, the offline text.

        The generator returns why the offline text streamed instead (``yield from`` receives
        it; None when the provider wrote), as :meth:`write` sets ``fallback_reason``.
        """
        pieces = self.client.stream(self.prompt(reply, message, history, scenario))
        try:
            first = next(pieces, "")
            if not first:
                raise self._no_text()
        except ProviderError as error:
            if not self.fallback:
                raise
            yield reply.text
            return error.message
        yield first
        yield from pieces
        return None

    def _no_text(self) -> ProviderError:
        """An empty answer (a reasoning model that spent its tokens thinking) is a failure."""
        return ProviderError(f"{self.client.provider.label} answered with no text")
