"""Templates written by the configured LLM from the same evidence; offline ones are the fallback.

The model gets the evidence and the offline draft's steps and returns, as JSON, new templates for
each step. What comes back is validated like an analyst's edit (``PlaybookDefinition``, then
``rendering.check`` for the variables); anything wrong keeps the offline templates, and the
evidence says why, so a playbook never ships a model's broken or unsafe template.
"""

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from cspersona.exceptions import BadInput
from cspersona.llm.client import LLMClient
from cspersona.llm.prompt import Prompt, Turn
from cspersona.llm.providers import ProviderError
from cspersona.playbooks.definition import Evidence, PlaybookDefinition
from cspersona.playbooks.evidence import PersonaEvidence
from cspersona.playbooks.rendering import VARIABLES, check

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write the message templates of a Customer Success playbook for one customer persona of "
    "a B2B SaaS company. The user sends JSON: the persona's register, the evidence about these "
    "customers, and the playbook's steps with draft templates. Rewrite the templates so they fit "
    "this persona and its evidence. Answer with JSON only, no prose: "
    '{"steps": [{"templates": [{"channel": ..., "subject": ..., "body": ...}]}]}, one entry per '
    "step in the same order (an empty list for a step without templates). Channels: email "
    "(with a subject), call and meeting (a talk track for the CSM), in_app, internal. Use Jinja2 "
    "and only these variables: " + ", ".join(sorted(VARIABLES)) + ". Start e-mails with "
    "{{ greeting }} and end them with {{ sign_off }} and {{ csm_name }}. Never tell the customer "
    "about churn risk, scores or drivers; those belong in talk tracks only. No invented facts."
)
# What a PII redactor leaves in text: a model that echoes it would send "<PERSON>" to a customer.
PLACEHOLDER = re.compile(r"<[A-Z_]{3,}>")
FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")


@dataclass(frozen=True)
class WrittenPlaybook:
    """The playbook to store, who wrote its templates (``llm`` or ``template``), and why."""

    definition: PlaybookDefinition
    source: str
    note: str


def prompt_for(draft: PlaybookDefinition, evidence: PersonaEvidence) -> Prompt:
    """The request: register, evidence and the draft's steps, as compact JSON."""
    document: dict[str, Any] = {
        "persona": evidence.persona_name,
        "register": evidence.register.words,
        "objective": draft.objective,
        "evidence": [fact.text for fact in draft.evidence],
        "steps": [
            {
                "title": step.title,
                "kind": step.kind.value,
                "instructions": step.instructions,
                "templates": [template.document() for template in step.templates],
            }
            for step in draft.steps
        ],
    }
    return Prompt(
        system=SYSTEM_PROMPT,
        turns=(Turn("user", json.dumps(document, ensure_ascii=False)),),
        max_tokens=2_000,
        temperature=0.3,
    )


def written(
    draft: PlaybookDefinition, evidence: PersonaEvidence, *, client: LLMClient
) -> WrittenPlaybook:
    """``draft`` with the model's templates, or ``draft`` itself and the reason in its evidence."""
    model = f"{client.provider.model} ({client.provider.name})"
    try:
        answer = client.complete(prompt_for(draft, evidence)).text
        definition = _merged(draft, answer)
    except ProviderError as error:
        return _fallback(draft, f"the model could not be reached ({error})")
    except (ValueError, BadInput) as error:
        return _fallback(draft, f"the model's answer was not usable: {_short(error)}")
    note = f"Message templates written by {model} from the evidence above."
    definition.evidence.append(Evidence(source="llm", text=note))
    return WrittenPlaybook(definition, "llm", note)


def _merged(draft: PlaybookDefinition, answer: str) -> PlaybookDefinition:
    """The draft with the answer's templates; ValueError or BadInput when the answer is wrong."""
    try:
        loaded = json.loads(FENCE.sub("", answer.strip()))
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    steps = loaded.get("steps") if isinstance(loaded, dict) else None
    if not isinstance(steps, list) or len(steps) != len(draft.steps):
        raise ValueError(f"it must hold templates for each of the {len(draft.steps)} steps")
    document = draft.document()
    for target, written_step in zip(document["steps"], steps, strict=True):
        templates = written_step.get("templates") if isinstance(written_step, dict) else None
        if not isinstance(templates, list):
            raise ValueError("a step has no list of templates")
        target["templates"] = templates
    try:
        definition = PlaybookDefinition.model_validate(document)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"])
        raise ValueError(f"{where}: {problem['msg']}") from None
    for step in definition.steps:
        for template in step.templates:
            for text in (template.subject, template.body):
                if not text:
                    continue
                check(text)
                if PLACEHOLDER.search(text):
                    raise ValueError("a template holds a redaction placeholder")
    return definition


def _fallback(draft: PlaybookDefinition, reason: str) -> WrittenPlaybook:
    logger.warning("playbook %s keeps its offline templates: %s", draft.name, reason)
    note = f"The offline templates are used: {reason}."
    definition = draft.model_copy(deep=True)
    definition.evidence.append(Evidence(source="llm", text=note))
    return WrittenPlaybook(definition, "template", note)


def _short(error: Exception) -> str:
    text = str(error).split("; known:")[0]  # the list of known variables is in the docs
    return text if len(text) <= 200 else text[:197] + "..."
