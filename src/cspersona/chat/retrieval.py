"""Finding what the persona's real customers said about a subject: sentence retrieval.

Member messages are cut into sentences (greetings, closings and signatures dropped) and indexed
with TF-IDF; the ``embeddings`` backend ranks with a sentence-transformer instead (the
``embeddings`` extra). Texts were anonymised at ingestion; what is shown is redacted again.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from cspersona.chat.typicality import typicality
from cspersona.conversations.hygiene import without_greeting
from cspersona.exceptions import ConfigError
from cspersona.nlp.sentiment import LinearSentiment
from cspersona.nlp.similarity import normalised, says_the_same

_SALUTATION = re.compile(
    r"^(hi|hello|hey|dear|good (morning|afternoon)|hi there|hello all)\b[^.!?]{0,40}[,!]?$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^(best|cheers|thanks|thank you|many thanks|regards|kind regards|best regards|sincerely|"
    r"thx|ta)\b[^.!?]{0,20}[,.!]?$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z\"'(])")
# A sentence that only makes sense inside its own message ("details below", "see attached") or
# that still holds a redaction placeholder is not something a customer would say in a chat.
_BOUND_TO_MESSAGE = re.compile(
    r"\b(below|above|attached|attachment|inline|screenshots?|this (e-?mail|thread|ticket)|"
    r"forward(ed|ing)|cc'?d?|see the)\b|\b[a-z]+[_-][0-9a-z-]*\d[0-9a-z]*\b|\b[0-9a-f]{8,}\b",
    re.IGNORECASE,
)
# A typo doubling a word ("Scheduled Scheduled reports") reads as a glitch of the product.
_DOUBLED_WORD = re.compile(r"\b(\w+) \1\b", re.IGNORECASE)
# A sentence speaking to someone by name ("Noted, Ethan, we'll go with that") was said to the
# agent of that thread, not to the CSM in this chat.
_VOCATIVE = re.compile(
    r"^[\w' ]{1,24}, [A-Z][a-z]+[,:!]|, [A-Z][a-z]+[.!]$|"
    r"^(noted|thanks|thank you|ok|okay|sure|hi|hello|cheers|great|perfect), [a-z]+[,:!]",
    re.IGNORECASE,
)
# What redaction leaves in place of a person, an address or a number: never said in a chat.
PLACEHOLDER = re.compile(r"\[(name|email|phone|address|url|id|[a-z_]+)\]|<[A-Z_]+>")
MIN_WORDS, MAX_WORDS = 4, 45
# How much a sentence's typicality of the persona counts against its relevance to the query: on
# a topic, the sentence that sounds most like the persona wins (chosen with
# bench_chat_believability on its dev script lines and a dev world seed).
TYPICALITY_WEIGHT = 3.0
# A sentence this likely to be the persona's reads as theirs; so does any of their most typical
# fifth, for a persona whose siblings sound much alike.
TYPICAL = 0.8
TYPICAL_SHARE = 0.8

Backend = Literal["tfidf", "embeddings"]
EMBEDDING_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def sentences(text: str) -> list[str]:
    """The content sentences of one message: no salutation, closing, signature or placeholder."""
    kept: list[str] = []
    for raw_line in text.splitlines():
        line = raw_line.strip()
        if not line or line.startswith(">") or _SALUTATION.match(line):
            continue  # quoted earlier messages are someone else's words
        if _CLOSING.match(line):
            break  # what follows a closing is a signature
        line = without_greeting(line)
        kept.extend(
            _ended(part.strip())
            for part in _SENTENCE_END.split(line)
            if MIN_WORDS <= len(part.split()) <= MAX_WORDS
            and not _BOUND_TO_MESSAGE.search(part)
            and not _VOCATIVE.search(part.strip())
            and not _DOUBLED_WORD.search(part)
            and not _ANSWER_TO_VENDOR.match(part.strip())
            and not _AFTER_ADVICE.search(part)
        )
    return kept


# A reply to advice given earlier in that thread ("We tried that, but...", "I did what you
# suggested") presupposes advice this chat never gave.
_AFTER_ADVICE = re.compile(
    r"\b(we|i) (already )?tried that\b|\bwhat you suggested\b|\byour suggestion\b|"
    r"\bthat (didn'?t|did not) (help|change|work)|^no change\b|\bsame advice\b|"
    r"\bthanks for the (quick )?help\b|"
    # or announces a question that followed it in that message
    r"\b(one|a|quick) question[.:!]?$|\bright place to ask\b|\bi have a question\b",
    re.IGNORECASE,
)
# An answer to a question the vendor asked in that thread ("no, that covers the export") means
# nothing without the question.
_ANSWER_TO_VENDOR = re.compile(
    r"^(yes|no|yep|nope|confirmed|correct|exactly|sure|ok|okay|right|will do|done|agreed)\b[,.!:;]",
    re.IGNORECASE,
)


def _ended(sentence: str) -> str:
    """The sentence with a full stop when it has no ending of its own, so quotes read apart."""
    return sentence if sentence[-1] in ".!?" else f"{sentence}."


@dataclass(frozen=True)
class Snippet:
    """One retrieved sentence of a member customer, ready to be shown."""

    text: str
    score: float
    customer_id: int
    index: int


class SnippetIndex:
    """Ranks the members' sentences against a query; deterministic for the same inputs."""

    def __init__(
        self,
        texts: Sequence[str],
        customer_ids: Sequence[int],
        *,
        redact: Callable[[str], str] | None = None,
        backend: Backend = "tfidf",
        others: Sequence[str] = (),
    ) -> None:
        """Index the sentences of ``texts``; ``redact`` cleans a sentence before it is shown.

        ``others`` are other customers' messages: against them each sentence gets a typicality
        in [0, 1] of the persona's voice, and typical sentences are preferred.
        """
        pairs = [
            (sentence, customer_id)
            for text, customer_id in zip(texts, customer_ids, strict=True)
            for sentence in sentences(text)
        ]
        unique: dict[str, tuple[str, int]] = {}
        for sentence, customer_id in pairs:  # one copy of each sentence, first seen kept
            unique.setdefault(normalised(sentence), (sentence, customer_id))
        self.sentences = [sentence for sentence, _ in unique.values()]
        self.customer_ids = [customer_id for _, customer_id in unique.values()]
        self.polarity = polarity(self.sentences)
        self.typicality = typicality(self.sentences, texts, others)
        self.contrasted = bool(others) and bool(self.sentences)  # else typicality is unknown
        self._typical_floor: float | None = None
        self._redact = redact
        self._matrix: Any = None
        self._vectorizer: TfidfVectorizer | None = None
        self._encoder: Any = None
        if not self.sentences:
            return
        if backend == "embeddings":
            self._encoder = _sentence_encoder()
            self._matrix = self._encoder.encode(self.sentences, normalize_embeddings=True)
        else:
            self._vectorizer = TfidfVectorizer(
                sublinear_tf=True, ngram_range=(1, 2), min_df=1, stop_words="english"
            )
            self._matrix = self._vectorizer.fit_transform(self.sentences)

    def typical(self, index: int) -> bool:
        """Whether sentence ``index`` reads as this persona.

        It does when likely theirs (``TYPICAL``), when among their most typical fifth (for a
        persona whose siblings sound much alike), or when there is nothing to tell it from.
        """
        if not self.contrasted:
            return True
        if self._typical_floor is None:
            self._typical_floor = min(TYPICAL, float(np.quantile(self.typicality, TYPICAL_SHARE)))
        return bool(self.typicality[index] >= self._typical_floor)

    def __len__(self) -> int:
        """How many sentences are indexed."""
        return len(self.sentences)

    def scores(self, query: str) -> np.ndarray:
        """Similarity of every sentence to ``query``."""
        if not self.sentences:
            return np.zeros(0)
        if self._vectorizer is not None:
            vector = self._vectorizer.transform([query])
            return np.asarray((self._matrix @ vector.T).toarray()).ravel()
        encoded = self._encoder.encode([query], normalize_embeddings=True)
        return np.asarray(self._matrix @ encoded[0]).ravel()

    def search(
        self,
        query: str,
        *,
        k: int = 3,
        exclude: frozenset[int] = frozenset(),
        mood: float = 0.0,
        relevance: float = 0.0,
    ) -> list[Snippet]:
        """The ``k`` best sentences for ``query``, skipping indexes in ``exclude``.

        A sentence that says the same as an excluded one or one already chosen (another member's
        version of it) is skipped too.

        ``mood`` in [-1, 1] favours sentences of the same polarity, so a pleased customer does not
        quote a complaint. Sentences less similar to the query than ``relevance`` are left out, so
        typicality only chooses among sentences on the subject. Ties fall back to index order: the
        same call gives the same answer.
        """
        similarity = self.scores(query)
        ranking = similarity + TYPICALITY_WEIGHT * self.typicality + 0.15 * mood * self.polarity
        ranking[similarity < relevance] = -np.inf
        order = np.lexsort((np.arange(len(ranking)), -ranking))
        chosen: list[int] = []
        openings: set[str] = set()
        said = [self.sentences[index] for index in sorted(exclude)]
        for index in map(int, order):
            if ranking[index] == -np.inf:
                break
            sentence = self.sentences[index]
            opening = " ".join(normalised(sentence).split()[:4])
            if index in exclude or opening in openings:
                continue  # two sentences that open alike read as the customer repeating itself
            if PLACEHOLDER.search(self.snippet(index).text):
                continue  # redaction took a name or a number out: the sentence no longer reads
            if any(says_the_same(sentence, other) for other in said):
                # Another member's version of a line already said, with a typo or another
                # number ("45 people" then "181 people"): the customer would contradict itself.
                continue
            said.append(sentence)
            chosen.append(index)
            openings.add(opening)
            if len(chosen) == k:
                break
        return [self.snippet(index, float(similarity[index])) for index in chosen]

    def snippet(self, index: int, score: float = 0.0) -> Snippet:
        """Sentence ``index`` as a snippet, redacted again before anyone sees it."""
        text = self.sentences[index]
        if self._redact is not None:
            text = self._redact(text)
        return Snippet(text=text, score=score, customer_id=self.customer_ids[index], index=index)


def polarity(texts: Sequence[str]) -> np.ndarray:
    """Each sentence's sentiment in [-1, 1] by the packaged model, for the mood filter."""
    if not texts:
        return np.zeros(0)
    model = LinearSentiment()
    model.load()
    return np.array([result.score for result in model.analyze_batch(list(texts))])


def _sentence_encoder() -> Any:
    """The sentence-transformer for the ``embeddings`` backend, or a message naming the extra."""
    try:
        from sentence_transformers import SentenceTransformer  # noqa: PLC0415
    except ImportError as error:
        raise ConfigError(
            "chat retrieval 'embeddings' needs the embeddings extra: "
            "pip install 'cspersona[embeddings]'"
        ) from error
    return SentenceTransformer(EMBEDDING_MODEL)
