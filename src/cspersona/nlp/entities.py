"""Entities: catalogue names, customers' company names, money, dates, versions, error codes.

The catalogue gives products, features, integrations, competitors and plans.

spaCy's blank English pipeline with an EntityRuler built from the catalogue finds the names;
regular expressions find the shapes. A real spaCy model, when configured, adds its own entities.
"""

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from cspersona.catalogue.models import Catalogue
from cspersona.exceptions import ConfigError
from cspersona.nlp.registry import Analyzer

if TYPE_CHECKING:
    from spacy.language import Language

Entity = dict[str, Any]

_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
SHAPES: dict[str, re.Pattern[str]] = {
    "MONEY": re.compile(
        r"(?<![\w.])(?:[$€£]\s?\d[\d,]*(?:\.\d+)?(?:\s?(?:k|m|bn|million|thousand))?"
        r"|\d[\d,]*(?:\.\d+)?\s?(?:k\s)?(?:usd|eur|gbp|dollars|euros|pounds)\b)",
        re.IGNORECASE,
    ),
    "DATE": re.compile(
        r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}"
        rf"|{_MONTH}\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH}(?:\s\d{{4}})?"
        r"|q[1-4](?:\s\d{4})?|(?:next|last|this)\s(?:week|month|quarter|year|monday|tuesday"
        r"|wednesday|thursday|friday)|tomorrow|yesterday"
        r"|end of (?:the )?(?:day|week|month|quarter))\b",
        re.IGNORECASE,
    ),
    "VERSION": re.compile(
        r"\b(?:v\d+(?:\.\d+){0,3}|version\s\d+(?:\.\d+){0,3}|\d+\.\d+\.\d+(?:-[a-z0-9.]+)?)\b",
        re.IGNORECASE,
    ),
    "ERROR_CODE": re.compile(
        r"\b(?:(?i:(?:http|status|error|code)\s?[1-5]\d\d\b|[1-5]\d\d\s(?:bad gateway|"
        r"bad request|unauthorized|forbidden|not found|too many requests|internal server error|"
        r"service unavailable|gateway timeout))|[A-Z]{2,8}-\d{2,6}\b|0x[0-9a-f]{4,}|"
        r"E\d{3,5}\b)",
    ),
}


def catalogue_patterns(
    catalogue: Catalogue, company_names: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """Case-insensitive EntityRuler phrase patterns (bare plan names: :func:`plan_pattern`)."""
    patterns: list[dict[str, Any]] = []

    def phrase(label: str, text: str, key: str | None = None) -> None:
        pattern: dict[str, Any] = {"label": label, "pattern": text}
        if key:
            pattern["id"] = key
        patterns.append(pattern)

    phrase("PRODUCT", catalogue.product)
    for feature in catalogue.features:
        for alias in {feature.name, *feature.aliases}:
            phrase("FEATURE", alias, feature.key)
    for integration in catalogue.integrations:
        phrase("INTEGRATION", integration)
    for competitor in catalogue.competitors:
        phrase("COMPETITOR", competitor)
    for plan in catalogue.plans:
        for noun in ("plan", "tier", "edition", "subscription"):
            phrase("PLAN", f"{plan} {noun}")
    for company in company_names:
        if company.strip():
            phrase("COMPANY", company.strip())
    return patterns


def plan_pattern(catalogue: Catalogue) -> re.Pattern[str]:
    """Bare plan names, capitalised only: they are ordinary words ("growth", "business")."""
    return re.compile(r"\b(?:" + "|".join(map(re.escape, catalogue.plans)) + r")\b")


def shape_entities(text: str, shapes: dict[str, re.Pattern[str]]) -> list[Entity]:
    """Entities found by regular expressions, one per match."""
    return [
        {"type": label, "text": match.group(), "start": match.start(), "end": match.end()}
        for label, pattern in shapes.items()
        for match in pattern.finditer(text)
    ]


def _without_overlaps(entities: list[Entity]) -> list[Entity]:
    """Longest span wins where spans overlap; the result is in text order."""
    kept: list[Entity] = []
    taken: list[tuple[int, int]] = []
    for entity in sorted(entities, key=lambda item: (item["start"] - item["end"], item["start"])):
        if all(entity["end"] <= start or entity["start"] >= end for start, end in taken):
            kept.append(entity)
            taken.append((entity["start"], entity["end"]))
    return sorted(kept, key=lambda item: item["start"])


class RuleEntities(Analyzer[list[Entity]]):
    """Catalogue and company names (spaCy EntityRuler) plus shapes (regular expressions)."""

    task = "entities"
    name = "rules"
    version = "1"
    batch_size = 256

    def __init__(
        self, catalogue: Catalogue, *, company_names: Sequence[str] = (), spacy_model: str = ""
    ) -> None:
        """Recognise ``catalogue`` names and ``company_names``; ``spacy_model`` adds its own."""
        super().__init__()
        self.catalogue = catalogue
        self.company_names = tuple(company_names)
        self.spacy_model = spacy_model
        if spacy_model:
            self.name = f"spacy-{spacy_model}"

    def load(self) -> None:
        """Build the pipeline: a blank English one, or the configured model with the ruler first.

        spaCy is imported here, not at module level: it costs 0.4 s, and every CLI command
        imports this module through the pipeline without necessarily analysing text.
        """
        import spacy

        if self.spacy_model:
            try:
                self._nlp: Language = spacy.load(self.spacy_model)
            except OSError:
                raise ConfigError(
                    f"CSPERSONA_NLP_SPACY_MODEL: spaCy pipeline {self.spacy_model!r} is not "
                    "installed (python -m spacy download it, or leave the setting empty)"
                ) from None
            ruler = self._nlp.add_pipe(
                "entity_ruler",
                config={"phrase_matcher_attr": "LOWER"},
                before="ner" if "ner" in self._nlp.pipe_names else None,
            )
            self._disabled = [
                name for name in self._nlp.pipe_names if name not in {"ner", "entity_ruler"}
            ]
        else:
            self._nlp = spacy.blank("en")
            ruler = self._nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
            self._disabled = []
        ruler.add_patterns(catalogue_patterns(self.catalogue, self.company_names))  # type: ignore[attr-defined]
        self._shapes = SHAPES | {"PLAN": plan_pattern(self.catalogue)}

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Entity]]:
        """Entities per text, without overlaps, in text order."""
        results = []
        with self._nlp.select_pipes(disable=self._disabled):
            for text, doc in zip(
                texts, self._nlp.pipe(texts, batch_size=self.batch_size), strict=True
            ):
                found: list[Entity] = []
                for span in doc.ents:
                    entity: Entity = {
                        "type": "COMPANY" if span.label_ == "ORG" else span.label_,
                        "text": span.text,
                        "start": span.start_char,
                        "end": span.end_char,
                    }
                    if span.ent_id_:
                        entity["id"] = span.ent_id_
                    found.append(entity)
                results.append(_without_overlaps(found + shape_entities(text, self._shapes)))
        return results
