"""How a message is written, measured with vectorised string operations over many messages.

Everything here reads messages' clean bodies (:mod:`cspersona.conversations.hygiene`): quoted
replies would make every later message of a thread look long, and a signature's "Kind regards"
would make every e-mail look formal.
"""

import pandas as pd

FORMAL_MARKERS = (
    r"\b(?:dear|kind regards|best regards|sincerely|with thanks|please|would you|could you|"
    r"we would|i would|appreciate|regarding|furthermore|however|accordingly)\b"
)
INFORMAL_MARKERS = (
    r"(?:\b(?:hey|hi there|thx|thanks!|cheers|lol|btw|asap|gonna|wanna|yeah|ok|okay|cool|awesome|"
    r"super|fyi)\b|!|:\)|\bu\b)"
)
# Engineering vocabulary: how technical a customer's words are, before (or without) the NLP
# stage's sophistication score.
TECHNICAL_TERMS = (
    r"\b(?:api|apis|endpoint\w*|http\w*|oauth|saml|scim|sso|json|csv|parquet|sql|latency|p95|p99|"
    r"token\w*|webhook\w*|payload\w*|config\w*|cursor|schema\w*|quer(?:y|ies)|backoff|headers?|"
    r"request id|idempoten\w*|repro\w*|stack trace|paginat\w*|quota\w*|throttl\w*|rate limit\w*|"
    r"utf-8|kms|siem|idp|cert\w*|deploy\w*|regression|retr(?:y|ies)|batch\w*|bulk|connector\w*|"
    r"tenant\w*|sdk|cli|timeout\w*|[45]\d\d|logs?|debug\w*|script\w*|integration\w*|sandbox)\b"
)


# What staff write when they close a ticket; a customer turn after one reopens it.
CLOSING_PHRASES = (
    r"(?i)\b(?:marking this as (?:solved|resolved)|clos(?:e|ing) (?:this|the) (?:ticket|one|case)|"
    r"reply to reopen|replying here reopens|I'll close this|closing this)"
)


def text_measures(bodies: pd.Series) -> pd.DataFrame:
    """Per message body: words, characters, questions, formality and technical-term counts."""
    own = bodies.astype(str)
    lowered = own.str.lower()
    words = own.str.count(r"\S+").astype(float)
    return pd.DataFrame(
        {
            "words": words,
            "characters": own.str.len().astype(float),
            "questions": own.str.count(r"\?").astype(float),
            "formal_markers": lowered.str.count(FORMAL_MARKERS).astype(float),
            "informal_markers": lowered.str.count(INFORMAL_MARKERS).astype(float),
            "technical_terms": lowered.str.count(TECHNICAL_TERMS).astype(float),
        },
        index=bodies.index,
    )


def closes_ticket(bodies: pd.Series) -> pd.Series:
    """Per message body: does it say the ticket is closed or solved (:data:`CLOSING_PHRASES`)?"""
    said: pd.Series = bodies.astype(str).str.contains(CLOSING_PHRASES, regex=True)
    return said
