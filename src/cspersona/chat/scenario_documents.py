"""A scenario sent to the API: YAML text or a JSON object, read and validated like a file.

FastAPI can only read JSON bodies into a model, so the route reads the body itself and documents
both media types with the ``Scenario`` model's own JSON schema.
"""

import json
from typing import Any

from fastapi import Request

from cspersona.chat.scenarios import Scenario, parse_scenario, scenario_from_document
from cspersona.exceptions import BadInput

MAX_SCENARIO_BYTES = 64_000


def inline_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with its ``$defs`` references written in place.

    Embedded in the OpenAPI document, ``#/$defs/...`` would point at the document's root.
    """
    definitions = schema.get("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolve(definitions[node["$ref"].rsplit("/", 1)[1]])
            return {key: resolve(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    resolved: dict[str, Any] = resolve(schema)
    return resolved


_SCHEMA = inline_schema(Scenario.model_json_schema())
SCENARIO_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "A scenario as a JSON object, or as YAML text (docs/chat.md).",
        "content": {
            "application/json": {"schema": _SCHEMA},
            "application/yaml": {"schema": _SCHEMA},
        },
    }
}


async def scenario_body(request: Request) -> Scenario:
    """The request's scenario: JSON when the content type says so, YAML otherwise."""
    body = await request.body()
    if not body.strip():
        raise BadInput("the request has no scenario: send YAML text or a JSON object")
    if len(body) > MAX_SCENARIO_BYTES:
        raise BadInput(f"a scenario is at most {MAX_SCENARIO_BYTES // 1000} KB")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadInput("the scenario is not UTF-8 text") from error
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "application/json":
        return parse_scenario(text, source="the scenario")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BadInput(f"the scenario is not valid JSON (line {error.lineno})") from error
    if not isinstance(document, dict):
        raise BadInput("the scenario must be a JSON object of fields (name, title, ...)")
    return scenario_from_document(document, source="the scenario")
