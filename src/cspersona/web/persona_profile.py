"""Readable lines from a persona's JSON documents (traits, style, risk factors) for its page.

The persona stage writes nested documents (dimensions with evidence, shares, MBTI axes); the page
shows one line per fact and leaves the evidence to the API.
"""

from typing import Any

# Keys of a document whose value names the item (a dimension's pole, a trigger's emotion, ...).
NAMING_KEYS = ("value", "type", "emotion", "topic", "metric", "text", "action")
# Traits shown elsewhere on the page or too detailed for it.
HIDDEN_TRAITS = frozenset(
    {"name", "naming", "narrative", "quotes", "distinguishing", "customers", "industry_overlays"}
)
LIST_ITEMS = 4
LABELS = {"mbti": "MBTI-style type", "arr": "ARR"}


def describe(value: Any) -> str:
    """A short text for one document value: a name, a list of names, or a number."""
    if isinstance(value, dict):
        for key in NAMING_KEYS:
            if key in value:
                return describe(value[key])
        return "; ".join(f"{key.replace('_', ' ')} {describe(item)}" for key, item in value.items())
    if isinstance(value, list):
        return ", ".join(describe(item) for item in value[:LIST_ITEMS]) or "—"
    if isinstance(value, float):
        return f"{value:.2f}"
    return "—" if value is None else str(value)


def facts(document: dict[str, Any]) -> list[tuple[str, str]]:
    """One (label, text) line per entry; entries holding titled items give a line per item."""
    lines: list[tuple[str, str]] = []
    for key, value in document.items():
        if key in HIDDEN_TRAITS:
            continue
        if key == "share" and isinstance(value, dict):
            lines += [
                (f"Share of {LABELS.get(part, part)}", f"{share:.0%}")
                for part, share in value.items()
                if part in ("customers", "arr") and isinstance(share, int | float)
            ]
        elif isinstance(value, dict) and value and all(_titled(item) for item in value.values()):
            lines += [(item["title"], describe(item)) for item in value.values()]
        elif key == "industries" and isinstance(value, dict):
            top = list(value.items())[:LIST_ITEMS]
            lines.append(("Industries", ", ".join(f"{name} {share:.0%}" for name, share in top)))
        elif _titled(value):
            lines.append((value["title"], describe(value)))
        else:
            lines.append((_label(key), describe(value)))
    return lines


def quotes(traits: dict[str, Any]) -> list[str]:
    """The quotes the persona stage picked (typical members' words, anonymised)."""
    stored = traits.get("quotes")
    if not isinstance(stored, list):
        return []
    return [str(item["text"]) for item in stored if isinstance(item, dict) and item.get("text")]


def _titled(value: Any) -> bool:
    return isinstance(value, dict) and "title" in value


def _label(key: str) -> str:
    return LABELS.get(key) or key.replace("_", " ").capitalize()
