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
        r"\b(that|it) makes (total |complete )?sense\b|\bin your (position|shoes)\b",
        r"\b(i'?d|i would) (feel|be) (\w+ )?(annoyed|upset|frustrated|unhappy|angry|the same)",
        r"\b(totally|completely|entirely) (fair|understandable|reasonable)\b",
        r"\bsounds (really |so |very )?(tough|painful|awful|exhausting|hard|stressful|rough)\b",
        r"\bi know (this|that|it) (has|is|was|must)\b|\bi hear (how|what|that|your)\b",
        r"\bthanks for (being patient|your patience|bearing with)",
        r"\bi can only imagine\b|\bmust have been (a |an )?(\w+ )?(painful|hard|tough|difficult|"
        r"stressful|rough|frustrating)\b",
        r"\bhow (stressful|painful|frustrating|hard) (this|that|it)\b",
    ),
    Intent.APOLOGY: _cues(
        r"\b(i'?m|we'?re|we are|i am) (so |very |really )?sorry\b",
        r"\bapolog(y|ies|i[sz]e)",
        r"\bmy apologies\b",
        r"\bour (mistake|fault)\b",
        r"\b(we|i) (messed|screwed) up\b|\bdropped the ball\b|\bowe you an apology\b",
        r"\b(i|we) regret\b|\b(this|that) (one )?(is|was) on (us|me)\b|\bsorry (about|for)\b",
        r"\bshould (never|not) have happened\b|\bwe let you down\b|^sorry\b",
    ),
    Intent.CONCESSION: _cues(
        r"\b\d{1,2} ?(%|percent)\s*(off|discount)",
        r"\bdiscount",
        r"\bcredit (note|back)?\b",
        r"\brefund",
        r"\b(waive|lock in|price lock|freeze the price|free of charge|at no (extra )?cost)",
        r"\b(extra|additional|free) (seats?|months?|licen[cs]es?)",
        r"\b(reduce|lower) (the |your )?(price|cost|rate)",
        r"\b(knock|take|shave) .{0,20}\boff\b|\b(months?|weeks?) (for )?free\b",
        r"\bfree (month|trial)",
        r"\b(waiv|match(ing)? (part|the|their))|\bkeep your (current )?(rate|price)\b",
        r"\bcredit (your|the) account\b|\bno charge\b|\bat cost\b",
    ),
    Intent.TECHNICAL: _cues(
        r"\b(api|webhooks?|endpoints?|rate limits?|sso|saml|oauth|scim|latency|retry|retries|"
        r"backoff|timeout|cache|schema|payload|token|config(uration)?|release|patch|hotfix|"
        r"root cause|logs?|version \d|v\d+\.\d+|\d+\.\d+\.\d+|requests per|encrypt\w*|region|"
        r"code change|database|failover|certificates?|tls|ssl|gateway|servers?|deploy\w*|"
        r"migrat\w*|backups?|rollback|access control|permissions?|sandbox|load balancer|queue|"
        r"throttl\w*|nulls?|sync job|crash\w*|roles|audit (trail|log)|pars(e|ing)|time ?zones?|utc|"
        r"build|bug|index(es)?|connections?|batch|memory leak|worker|certificate)\b",
        r"\b(caused by|came from|traced (it |this )?(back )?to|was due to|the reason (was|is))\b",
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
        r"\b(by|before) (the )?(end|close) of (the )?(day|week|month|business)\b|\bfirst thing\b",
        r"\bwithin (\w+ )?(working|business) days?\b|\bclose of business\b",
        r"\b(tomorrow|tonight|today) (morning|afternoon|evening|at \d)",
        r"\b(goes|going|go) live (on|by|next)\b|\b(on|by) the (first|second|third|\w+teenth|"
        r"\w+tieth|twenty-\w+|thirty-\w+)\b",
        r"\b(on|by|before) (the )?\d{1,2}(st|nd|rd|th)\b|\bon (monday|tuesday|wednesday|thursday|"
        r"friday) (morning|afternoon|evening)\b",
        r"\b(i|we)(?:'ll| will) (call|update|ring|email|e-mail|come back to) you (on|by|tomorrow|"
        r"first|before|monday|tuesday|wednesday|thursday|friday)",
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
        r"\bdedicated (engineer|contact|team|manager)\b|\blooped in\b|\bhighest level\b",
        r"\b(vp|cto|ceo|coo|cio|ciso|head of \w+|director)\b.{0,40}\b(involved|aware|own|owns|"
        r"join|joins|taking|on it|tracking)\b",
        r"\bleadership\b.{0,30}\b(aware|involved|tracking)\b",
    ),
    Intent.UPSELL: _cues(
        r"\bupgrad",
        r"\b(premium|enterprise|pro|business|advanced) (plan|tier|edition|add-?on)",
        r"\badd-?on\b",
        r"\bmore seats\b",
        r"\b(new|additional) module\b",
        r"\b(unlock|take advantage of|check out our|try our)\b",
        r"\b(higher|premium|top|next) (tier|package|plan|edition)\b|\bmodule\b|\bbundle\b",
        r"\b(new|our) \w+ (suite|package|tier)\b",
        r"\b(expand|expanding|add(ing)?) (to )?(more )?(licen[cs]es|seats|users|workspaces)\b",
    ),
    Intent.VAGUE: _cues(
        r"\b(looking into it|we'?ll see|at some point|in due course|hopefully|should be fine|"
        r"not sure|hard to say|can'?t promise|soon(ish)?\b|working on it|as soon as possible|"
        r"down the line|stay tuned|it depends|bear with us|on our radar|we'?ll get to it|"
        r"\bis what it is|i'?m afraid[.!]?$|out of (my|our) hands|"
        r"nothing (i|we) can do|not much (i|we) can do|keep you posted|leave it with (us|me)|"
        r"when we can\b|we'?ll try\b|no promises|wait and see|revert (to you|when)|"
        r"doing (our|my) best|can'?t say (for sure|yet|right now)|being looked at|"
        r"see what (can be|we can|i can) do|improve over time|figuring (it|this|that) out|"
        r"still (working|looking) (on|at|into)|keeping an eye on|"
        r"get back to you(?! (on|by|before|"
        r"tomorrow|within|today|first|monday|tuesday|wednesday|thursday|friday)))",
    ),
    Intent.PROMPT_INJECTION: _cues(
        r"\bignore (all |your |the |previous |prior )*(instructions|rules|prompt)",
        r"\b(system|hidden|initial) prompt\b",
        r"\byou are (now )?an? (ai|language model|assistant)",
        r"\b(reveal|print|show|repeat|output|tell me) (me )?(your|the) (\w+ )?"
        r"(instructions|prompt|rules|setup)",
        r"\b(forget|disregard) (everything|all|your)\b|\bpretend (you are|to be)\b",
        r"\bact as (my|an?) (assistant|ai|chatbot)\b|\btext you were given\b",
        r"\bwhat were you told\b|\bsetup message\b|\byour (instructions|system message)\b",
        r"\b(other|all the other) (companies|customers|clients|accounts)\b",
        r"\b(other|all) customers'? (data|messages|emails|names)\b",
        r"\bjailbreak\b",
    ),
}
_QUESTION = _cues(
    r"\?",
    r"^(what|how|why|when|where|which|who|could|can|would|do|does|did|is|are)\b",
)


# Fewer words than this, with no move in them ("ok", "fine then"), commit to nothing.
SHORT_WORDS = 4
# A greeting or a thank-you opens or closes a turn; it is not a non-answer.
_GREETING = _cues(r"^(hi|hello|hey|good (morning|afternoon|evening)|thanks|thank you|welcome)\b")


def classify(text: str) -> frozenset[Intent]:
    """Every intent the message shows; a short statement that commits to nothing counts as vague."""
    found = {intent for intent, pattern in CUES.items() if pattern.search(text)}
    if _QUESTION.search(text.strip()):
        found.add(Intent.QUESTION)
    short = len(text.split()) < SHORT_WORDS and not any(ch.isdigit() for ch in text)
    if not found and short and not _GREETING.match(text.strip()):
        found.add(Intent.VAGUE)
    if Intent.VAGUE in found and {Intent.TIMELINE, Intent.TECHNICAL} <= found:
        found.discard(Intent.VAGUE)  # a concrete date and mechanism outweigh a hedge word
    return frozenset(found)
