"""Voice-of-customer fidelity: does a persona predict what its members say next?

In the spirit of Park et al. 2024 ("Generative Agent Simulations of 1,000 People"), a persona is
scored against a ceiling rather than against perfection. For each member, the latest fifth (at
least one) of their conversations and of their NPS answers is held out. Three targets are read
from what was held out: the NPS group (promoter 9-10, passive 7-8, detractor 0-6), the topic
they wrote about most, and their mood (the mean sentiment of their messages, positive, neutral
or negative). Three predictions are made from the earlier four fifths only:

- the persona: the most common answer among the *other* members' earlier history (each member
  counts once, whatever their volume; the member itself is left out, or the score is inflated);
- the book: the most common answer among every other customer's earlier history (the baseline);
- the member's own earlier history (the ceiling): their own most common answer.

Accuracy is the share of members whose held-out answer the prediction names (a tie among the
held-out answers counts any of them); the normalised accuracy is the persona's accuracy divided
by the ceiling's. It can pass 1 when a member's own history is a worse guide than their peers'.
"""

import numpy as np
import pandas as pd

from cspersona.personas.profile_schema import PersonaFidelity, TargetFidelity
from cspersona.personas.voc import CustomerVoice

HOLDOUT_SHARE = 0.2
# Mean sentiment beyond these bounds reads as positive or negative (as in the analytics' negative
# share); in between, neutral.
SENTIMENT_BAND = 0.2
TARGETS = ("nps", "topic", "sentiment")
# The key of the whole book's figures among the persona labels.
BOOK = -1


def nps_group(score: float) -> str:
    """An NPS answer's group: promoter (9-10), passive (7-8) or detractor (0-6)."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def mood(score: float) -> str:
    """A mean sentiment score's bucket."""
    if score > SENTIMENT_BAND:
        return "positive"
    return "negative" if score < -SENTIMENT_BAND else "neutral"


def held_out(times: pd.Series) -> pd.Series:
    """True for each customer's latest fifth of ``times`` (at least one, and never all of them).

    ``times`` is indexed by customer id; units sharing a time (messages of one conversation) are
    held out together.
    """
    frame = pd.DataFrame({"customer_id": times.index, "time": times.to_numpy()})
    by_customer = frame.groupby("customer_id")["time"]
    newest_first = by_customer.rank(method="dense", ascending=False)
    distinct = by_customer.transform("nunique")
    late = (newest_first <= np.maximum(1, np.ceil(HOLDOUT_SHARE * distinct))) & (distinct >= 2)
    return pd.Series(late.to_numpy(), index=times.index)


def _modes(labels: pd.Series) -> pd.Series:
    """Per customer, the set of their most frequent labels."""
    counts = labels.groupby(level=0).value_counts()
    best = counts[counts == counts.groupby(level=0).transform("max")]
    return pd.Series(
        {
            customer: frozenset(group.index.get_level_values(1))
            for customer, group in best.groupby(level=0)
        },
        dtype=object,
    )


def observations(voice: CustomerVoice) -> dict[str, tuple[pd.Series, pd.Series]]:
    """Per target: the earlier labels (indexed by customer) and each customer's held-out answers.

    The held-out answers are, per customer, the set of labels counted as right: the most frequent
    NPS group and topic of the held-out units, and the mood of the held-out messages' mean. Mood
    units are conversations (the mood of each one's mean sentiment).
    """
    nps = voice.nps.set_index("customer_id")
    messages = voice.messages.set_index("customer_id")
    topical = messages.dropna(subset=["topic"])
    scored = messages.dropna(subset=["sentiment_score"])
    conversations = (
        scored.groupby(["customer_id", "interaction_id", "started_at"])["sentiment_score"]
        .mean()
        .reset_index(level=[1, 2])
    )
    split = {}
    for target, labels, times in (
        ("nps", nps["score"].map(nps_group), nps["answered_at"]),
        ("topic", topical["topic"].astype(int), topical["started_at"]),
        ("sentiment", conversations["sentiment_score"].map(mood), conversations["started_at"]),
    ):
        late = held_out(times)
        split[target] = (labels[~late.to_numpy()], _modes(labels[late.to_numpy()]))
    late_scores = scored["sentiment_score"][held_out(scored["started_at"]).to_numpy()]
    split["sentiment"] = (
        split["sentiment"][0],
        late_scores.groupby(level=0).mean().map(lambda score: frozenset({mood(score)})),
    )
    return split


def _shares(earlier: pd.Series, customers: pd.Index) -> pd.DataFrame:
    """The customers' earlier labels as shares (rows sum to 1); customers without any left out."""
    shares = pd.crosstab(earlier.index, earlier.to_numpy(), normalize="index")
    return shares.reindex(customers).dropna(how="all")


def _predict(shares: pd.DataFrame) -> pd.Series:
    """The label with the largest share per row (NaN where a row has no share at all)."""
    filled = shares.fillna(0.0)
    return filled.idxmax(axis=1).where(filled.sum(axis=1) > 0)


def _accuracy(predicted: pd.Series, answers: pd.Series) -> float | None:
    """Share of customers whose answers contain the prediction (None without customers)."""
    if answers.empty:
        return None
    hits = [predicted.get(customer) in answer for customer, answer in answers.items()]
    return round(float(np.mean(hits)), 4)


def _ratio(persona: float | None, ceiling: float | None) -> float | None:
    """Persona accuracy over the ceiling's, where the ceiling is above zero."""
    return None if persona is None or not ceiling else round(persona / ceiling, 4)


def _target_scores(
    target: str, earlier: pd.Series, answers: pd.Series, membership: pd.Series
) -> tuple[dict[int, TargetFidelity], pd.Index]:
    """One target's figures per persona label (the whole book under :data:`BOOK`).

    Also returns the customers scored: those with both held-out answers and earlier history.
    """
    shares = _shares(earlier, membership.index)
    labels = membership.reindex(shares.index)
    own = _predict(shares)
    book = _predict((shares.sum() - shares) / max(len(shares) - 1, 1))
    others = (labels.map(labels.value_counts()) - 1).astype(float)
    peers = (shares.groupby(labels).transform("sum") - shares).div(others.where(others > 0), axis=0)
    persona = _predict(peers)
    eligible = answers[answers.index.intersection(shares.index)]
    scores = {}
    for label, customers in _groups(membership).items():
        members = eligible[eligible.index.intersection(customers)]
        persona_accuracy = _accuracy(persona, members)
        self_accuracy = _accuracy(own, members)
        scores[label] = TargetFidelity(
            target=target,
            members=len(members),
            persona_accuracy=persona_accuracy,
            book_accuracy=_accuracy(book, members),
            self_accuracy=self_accuracy,
            normalised=_ratio(persona_accuracy, self_accuracy),
        )
    return scores, eligible.index


def _groups(membership: pd.Series) -> dict[int, pd.Index]:
    """Each persona label's customers, and every labelled customer under :data:`BOOK`."""
    labelled = membership[membership >= 0]
    groups = {int(label): labelled.index[labelled == label] for label in labelled.unique()}
    return groups | {BOOK: labelled.index}


def persona_fidelity(voice: CustomerVoice, membership: pd.Series) -> dict[int, PersonaFidelity]:
    """Fidelity per persona label of ``membership`` (customer id -> label), the book's as well.

    Customers labelled below 0 (noise of a density clusterer) only feed the book's prediction.
    """
    by_target = {}
    scored = pd.Index([])
    for target, (earlier, answers) in observations(voice).items():
        by_target[target], eligible = _target_scores(target, earlier, answers, membership)
        scored = scored.union(eligible)
    result = {}
    for label, customers in _groups(membership).items():
        targets = [by_target[target][label] for target in TARGETS]
        ratios = [item.normalised for item in targets if item.normalised is not None]
        result[label] = PersonaFidelity(
            members_with_history=len(customers.intersection(scored)),
            normalised=round(float(np.mean(ratios)), 4) if ratios else None,
            targets=targets,
        )
    return result
