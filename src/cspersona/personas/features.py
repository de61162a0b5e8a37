"""The persona feature matrix: the analytics features that describe how a customer behaves.

Personas describe behaviour, so contract facts (ARR, tenure, days to renewal, contract events)
and recency counters (days since the last message or NPS answer) are left out: they say who a
customer is and when we last heard from them, not how they work with us; ARR comes back as each
persona's revenue share. Topic-mix columns get their topic's name, so profiles can read them.
"""

import re
from datetime import datetime

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics.features import customer_features
from cspersona.nlp.models import Topic

EXCLUDED = re.compile(r"^(arr|tenure_days|days_to_renewal|lifecycle_.*|days_since_.*)$")
TOPIC_COLUMN = re.compile(r"^topic_share_(\d+)$")
SLUG = re.compile(r"[^a-z0-9]+")


def topic_names(*, db_session: Session) -> dict[int, str]:
    """Topic number -> name in the newest topic model (empty before the NLP stage ran)."""
    newest = db_session.scalar(select(func.max(Topic.model_version)))
    if newest is None:
        return {}
    topics = db_session.scalars(select(Topic).where(Topic.model_version == newest))
    return {topic.number: topic.name for topic in topics}


def name_topic_columns(frame: pd.DataFrame, names: dict[int, str]) -> pd.DataFrame:
    """``topic_share_3`` -> ``topic_share_3_billing_invoice`` when topic 3 has a name."""

    def renamed(column: str) -> str:
        match = TOPIC_COLUMN.match(column)
        if match is None or int(match[1]) not in names:
            return column
        slug = SLUG.sub("_", names[int(match[1])].lower()).strip("_")[:48]
        return f"{column}_{slug}" if slug else column

    return frame.rename(columns=renamed)


def behaviour_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns that describe behaviour (see the module docstring for what is left out)."""
    return frame[[column for column in frame.columns if not EXCLUDED.match(column)]]


def persona_features(*, db_session: Session, as_of: datetime | None = None) -> pd.DataFrame:
    """Behavioural features of every customer with data before ``as_of``, topics named."""
    frame = behaviour_columns(customer_features(db_session=db_session, as_of=as_of))
    return name_topic_columns(frame, topic_names(db_session=db_session))
