"""Playbook definitions read from YAML or JSON files, with errors that name the field at fault."""

import json
from pathlib import Path

import yaml
from pydantic import ValidationError

from cspersona.exceptions import BadInput
from cspersona.playbooks.definition import PlaybookDefinition

MAX_ERRORS_SHOWN = 3


def read_definition(path: Path) -> PlaybookDefinition:
    """The definition in ``path`` (``.json`` as JSON, anything else as YAML); BadInput in words."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BadInput(f"cannot read {path}: {error}") from error
    try:
        document = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise BadInput(f"{path}: not JSON, line {error.lineno}: {error.msg}") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or "cannot be read"
        raise BadInput(f"{path}: not YAML{where}: {problem}") from error
    if not isinstance(document, dict):
        raise BadInput(f"{path}: a playbook is a mapping of fields (name, steps, ...)")
    try:
        return PlaybookDefinition.model_validate(document)
    except ValidationError as error:
        raise BadInput(f"{path}: {validation_words(error)}") from error


def validation_words(error: ValidationError) -> str:
    """Pydantic's errors as ``steps 2 > kind: Input should be 'email', ...``, a few at most."""
    problems = []
    for problem in error.errors()[:MAX_ERRORS_SHOWN]:
        where = " > ".join(
            str(part + 1) if isinstance(part, int) else str(part) for part in problem["loc"]
        )
        problems.append(f"{where}: {problem['msg']}" if where else str(problem["msg"]))
    more = len(error.errors()) - MAX_ERRORS_SHOWN
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
