"""What a CSM's message does: multi-label intents from rules and cue lexicons."""

import re
from enum import StrEnum


class Intent(StrEnum):
    """A move a CSM makes in a customer conversation."""

    EMPATHY = "empathy"
    APOLOGY = "apology"
    CONCESSION = "concession"
    TECHNICAL = "technical_explanation"
    TIMELINE = "timeline_commitment"
    ESCALATION = "escalation"
    UPSELL = "upsell_pitch"
    VAGUE = "vague"
    QUESTION = "question"
    PROMPT_INJECTION = "prompt_injection"


def _cues(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.IGNORECASE)


CUES: dict[Intent, re.Pattern[str]] = {
    Intent.EMPATHY: _cues(
        r"\bi (completely |totally |fully )?(understand|hear you|get (it|that|why))",
        r"\b(understandabl[ey]|frustrating for you|must be (hard|frustrating|difficult))",
        r"\bthat('s| is) (not ok|not acceptable|a fair point|fair)",
        r"\bi can (see|imagine)\b",
        r"\byou('re| are) right\b",
        r"\bthank you for (your patience|raising|flagging|bearing)",
        r"\b(appreciate|value) (your|the) (patience|feedback|business|partnership)",
    ),
    Intent.APOLOGY: _cues(
        r"\b(i'?m|we'?re|we are|i am) (so |very |really )?sorry\b",
        r"\bapolog(y|ies|i[sz]e)",
        r"\bmy apologies\b",
        r"\bour (mistake|fault)\b",
    ),
    Intent.CONCESSION: _cues(
        r"\b\d{1,2} ?(%|percent)\s*(off|discount)",
        r"\bdiscount",
        r"\bcredit (note|back)?\b",
        r"\brefund",
        r"\b(waive|lock in|price lock|freeze the price|free of charge|at no (extra )?cost)",
        r"\b(extra|additional|free) (seats?|months?|licen[cs]es?)",
        r"\b(reduce|lower) (the |your )?(price|cost|rate)",
    ),
    Intent.TECHNICAL: _cues(
        r"\b(api|webhooks?|endpoints?|rate limits?|sso|saml|oauth|scim|latency|retry|retries|"
        r"backoff|timeout|cache|schema|payload|token|config(uration)?|release|patch|hotfix|"
        r"root cause|logs?|version \d|v\d+\.\d+|\d+\.\d+\.\d+|requests per|encrypt\w*|region|"
        r"code change|database|failover|certificates?|tls|ssl|gateway|servers?|deploy\w*|"
        r"migrat\w*|backups?|rollback|access control|permissions?|sandbox)\b",
    ),
    Intent.TIMELINE: _cues(
        r"\bby (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|"
        r"end of (day|week|month)|eod|eow|the \d+(st|nd|rd|th)?)",
        r"\bwithin (\d+|one|two|three|a|24|48) ?(hours?|days?|weeks?|business days?)",
        r"\b(on|before) (monday|tuesday|wednesday|thursday|friday|the \d+)",
        r"\b(i|we) (will|'ll) (have|send|ship|deliver|get back|confirm|fix)\b.*\b(today|tomorrow|"
        r"monday|tuesday|wednesday|thursday|friday|\d+ (hours?|days?))",
        r"\b(eta|deadline|committed date|next release on)\b",
        r"\b(starting|from|next|this coming) (monday|tuesday|wednesday|thursday|friday|week)\b",
        r"\b(\d+|one|two|three|four)[- ](day|week|month) (plan|trial|pilot|rollout)",
    ),
    Intent.ESCALATION: _cues(
        r"\bescalat",
        r"\b(engineering|product|executive|senior|leadership) (team|lead|sponsor)",
        r"\b(my|our) (manager|director|vp|head of)",
        r"\bpriority (one|1|p1)\b",
        r"\bbring in\b",
        r"\b(bring|bringing|brought|pull|pulling|loop|looping|involv\w*|asked|invit\w*) (in )?"
        r"(our|my) (\w+ ){0,2}(lead|architect|director|vp|head|cto|ceo|manager|officer|expert|"
        r"specialist|engineer)",
        r"\b(raised|flagged|took) (this|it) (up )?with (our|my)\b",
        r"\b(own|owns|owning) (this|it) personally\b|\btak(e|es|ing) (it|this) on\b",
        r"\bpersonally own\b|\b(i'?ll|i will) own (this|it)\b",
        r"\bdedicated (engineer|contact|team)\b",
    ),
    Intent.UPSELL: _cues(
        r"\bupgrad",
        r"\b(premium|enterprise|pro|business|advanced) (plan|tier|edition|add-?on)",
        r"\badd-?on\b",
        r"\bmore seats\b",
        r"\b(new|additional) module\b",
        r"\b(unlock|take advantage of|check out our|try our)\b",
    ),
    Intent.VAGUE: _cues(
        r"\b(looking into it|we'?ll see|at some point|in due course|hopefully|should be fine|"
        r"not sure|hard to say|can'?t promise|soon(ish)?\b|working on it|as soon as possible|"
        r"down the line|stay tuned|it depends|bear with us|on our radar|we'?ll get to it|"
        r"\bis what it is|i'?m afraid[.!]?$|out of (my|our) hands|"
        r"nothing (i|we) can do|not much (i|we) can do)",
    ),
    Intent.PROMPT_INJECTION: _cues(
        r"\bignore (all |your |the |previous |prior )*(instructions|rules|prompt)",
        r"\b(system|hidden|initial) prompt\b",
        r"\byou are (now )?an? (ai|language model|assistant)",
        r"\b(reveal|print|show|repeat) (me )?(your|the) (instructions|prompt|rules)",
        r"\b(other|all) customers'? (data|messages|emails|names)\b",
        r"\bjailbreak\b",
    ),
}
_QUESTION = _cues(
    r"\?",
    r"^(what|how|why|when|where|which|who|could|can|would|do|does|did|is|are)\b",
)


# A greeting or a thank-you opens or closes a turn; it is not a non-answer.
_GREETING = _cues(r"^(hi|hello|hey|good (morning|afternoon|evening)|thanks|thank you|welcome)\b")


def classify(text: str) -> frozenset[Intent]:
    """Every intent the message shows; a short statement that commits to nothing counts as vague."""
    found = {intent for intent, pattern in CUES.items() if pattern.search(text)}
    if _QUESTION.search(text.strip()):
        found.add(Intent.QUESTION)
    short = len(text.split()) < 6 and not any(ch.isdigit() for ch in text)
    if not found and short and not _GREETING.match(text.strip()):
        found.add(Intent.VAGUE)
    if Intent.VAGUE in found and {Intent.TIMELINE, Intent.TECHNICAL} <= found:
        found.discard(Intent.VAGUE)  # a concrete date and mechanism outweigh a hedge word
    return frozenset(found)
