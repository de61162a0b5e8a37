"""Persona narratives written by the configured LLM from the profile; the template is the fallback.

The offline template (``profiles.narrative``) is always there; when settings name an LLM
provider, the model rewrites it from the same profile, so a provider outage never leaves a persona
without a narrative.
"""

import json
import logging
from typing import Any

from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Prompt, Turn
from cspersona.llm.providers import ProviderError
from cspersona.personas.profile_schema import PersonaProfile

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write customer persona narratives for Customer Success Managers of a B2B SaaS company. "
    "Write one paragraph of at most 120 words, in plain English, in the third person, about the "
    "persona described by the JSON profile the user sends. Use only facts in the profile: its "
    "communication style, technical level, decision-making, risk tolerance, support preference, "
    "top topics, pain points, triggers, success metrics and share of the book. Say how a CSM "
    "should approach these customers. No headings, no lists, no invented numbers."
)


def profile_summary(profile: PersonaProfile) -> str:
    """The facts a narrative may use, as compact JSON: names and values, no evidence or quotes."""
    summary: dict[str, Any] = {
        "name": profile.name,
        "customers": profile.customers,
        "dimensions": {
            key: {"value": item.value, "confidence": item.confidence}
            for key, item in profile.dimensions.items()
        },
        "mbti": profile.mbti.type,
        "top_topics": [item.topic for item in profile.top_topics],
        "pain_points": [item.topic for item in profile.pain_points],
        "triggers": [item.emotion for item in profile.triggers],
        "success_metrics": [item.metric for item in profile.success_metrics],
        "industries": profile.industries,
    }
    if profile.share is not None:
        summary["share"] = {"customers": profile.share.customers, "arr": profile.share.arr}
    return json.dumps(summary, sort_keys=True)


def written_narrative(profile: PersonaProfile, *, client: LLMClient) -> str | None:
    """The LLM's narrative for ``profile``; None when the provider fails, so the template stays."""
    prompt = Prompt(
        system=SYSTEM_PROMPT,
        turns=(Turn("user", profile_summary(profile)),),
        max_tokens=300,
        temperature=0.4,
    )
    try:
        text = client.complete(prompt).text.strip()
    except ProviderError as error:
        logger.warning("persona narrative for %s stays the template: %s", profile.name, error)
        return None
    return text or None
