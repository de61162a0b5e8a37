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

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write customer persona narratives for Customer Success Managers of a B2B SaaS company. "
    "Write one paragraph of at most 120 words, in plain English, in the third person, about the "
    "persona described by the JSON profile the user sends. Use only facts in the profile: its "
    "communication style, technical level, decision-making, risk tolerance, support preference, "
    "top topics, pain points, triggers, success metrics and share of the book. Say how a CSM "
    "should approach these customers. No headings, no lists, no invented numbers."
)
PROFILE_KEYS = (
    "name",
    "customers",
    "share",
    "dimensions",
    "mbti",
    "top_topics",
    "pain_points",
    "triggers",
    "success_metrics",
    "industries",
)


def profile_summary(profile: dict[str, Any]) -> str:
    """The parts of a profile a narrative may use, as compact JSON without the evidence lists."""
    summary = {key: profile[key] for key in PROFILE_KEYS if key in profile}
    if "dimensions" in summary:
        summary["dimensions"] = {
            key: {"value": value["value"], "confidence": value.get("confidence")}
            for key, value in summary["dimensions"].items()
        }
    if "mbti" in summary:
        summary["mbti"] = summary["mbti"]["type"]
    return json.dumps(summary, sort_keys=True, default=str)


def written_narrative(profile: dict[str, Any], *, client: LLMClient) -> str | None:
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
        logger.warning("persona narrative for %s stays the template: %s", profile["name"], error)
        return None
    return text or None
