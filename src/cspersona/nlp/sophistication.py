"""Technical sophistication in [0, 1]: how much a text reads like an engineer wrote it.

Four cues, each scaled to [0, 1] and weighted: the rate of technical terms (a tech lexicon plus the
catalogue's technical integrations), code-like tokens (error codes, versions, paths, identifiers),
word length, and sentence length.
"""

import re
from collections.abc import Iterable, Sequence

from cspersona.nlp.registry import Analyzer

TECHNICAL_LEXICON = (
    "api",
    "apis",
    "endpoint",
    "endpoints",
    "http",
    "https",
    "rest",
    "graphql",
    "oauth",
    "saml",
    "scim",
    "sso",
    "idp",
    "jwt",
    "token",
    "tokens",
    "json",
    "xml",
    "yaml",
    "csv",
    "parquet",
    "sql",
    "query",
    "queries",
    "schema",
    "schemas",
    "latency",
    "p95",
    "p99",
    "throughput",
    "webhook",
    "webhooks",
    "payload",
    "payloads",
    "config",
    "configuration",
    "cursor",
    "pagination",
    "paginate",
    "backoff",
    "retry",
    "retries",
    "idempotent",
    "idempotency",
    "header",
    "headers",
    "request",
    "requests",
    "response",
    "timeout",
    "timeouts",
    "quota",
    "throttle",
    "throttled",
    "throttling",
    "rate-limit",
    "utf-8",
    "encoding",
    "kms",
    "siem",
    "tls",
    "ssl",
    "cert",
    "certificate",
    "certificates",
    "deploy",
    "deployed",
    "deployment",
    "regression",
    "repro",
    "stack",
    "trace",
    "log",
    "logs",
    "logging",
    "batch",
    "batches",
    "bulk",
    "connector",
    "connectors",
    "tenant",
    "tenants",
    "sandbox",
    "staging",
    "prod",
    "production",
    "cli",
    "sdk",
    "library",
    "script",
    "scripts",
    "cron",
    "async",
    "sync",
    "database",
    "db",
    "cache",
    "caching",
    "dns",
    "proxy",
    "firewall",
    "ip",
    "vpc",
    "s3",
    "bucket",
    "lambda",
    "kubernetes",
    "docker",
    "terraform",
    "ci",
    "pipeline",
    "etl",
    "jit",
    "rbac",
    "permissions",
    "scope",
    "scopes",
    "audit",
    "encryption",
    "hash",
    "null",
    "field",
    "fields",
    "mapping",
    "integration",
    "integrations",
    "migration",
    "version",
    "versions",
    "deprecated",
    "changelog",
    "bug",
    "debug",
    "exception",
    "500",
    "429",
    "401",
    "403",
    "502",
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_\-']*|\d+")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)")
_CODE_TOKEN = re.compile(
    r"\b[a-z]+_[a-z0-9_]+\b|\b[a-z]+[A-Z][A-Za-z]+\b|/[\w\-.]+/[\w\-./]*|\b\w+\.(?:json|csv|py|js|"
    r"yaml|yml|xml|log)\b|`[^`]+`|\{[^{}]*:[^{}]*\}|\b[A-Z]{2,8}-\d{2,6}\b|\bv?\d+\.\d+\.\d+\b|"
    r"\bhttps?://\S+|\b0x[0-9a-fA-F]+\b|\b[1-5]\d\d\b"
)
WEIGHTS = {"terms": 0.45, "code": 0.2, "word_length": 0.2, "sentence_length": 0.15}
TERM_RATE_CEILING = 0.12
CODE_RATE_CEILING = 0.05


def _scaled(value: float, low: float, high: float) -> float:
    return min(1.0, max(0.0, (value - low) / (high - low)))


class LexicalSophistication(Analyzer[float | None]):
    """A weighted blend of technical-term rate, code tokens, word and sentence length."""

    task = "sophistication"
    name = "lexical"
    version = "1"

    def __init__(self, extra_terms: Iterable[str] = ()) -> None:
        """Count the lexicon plus ``extra_terms`` (e.g. the catalogue's integrations)."""
        super().__init__()
        self.terms = frozenset(TECHNICAL_LEXICON) | {term.lower() for term in extra_terms}

    def load(self) -> None:
        """Nothing to read: the lexicon is in the code."""

    def score(self, text: str) -> float | None:
        """The text's sophistication, or None when it has no words."""
        words = _WORD.findall(text)
        if not words:
            return None
        lowered = [word.lower() for word in words]
        term_rate = sum(word in self.terms for word in lowered) / len(words)
        code_rate = len(_CODE_TOKEN.findall(text)) / len(words)
        mean_length = sum(map(len, words)) / len(words)
        sentences = max(1, len(_SENTENCE_END.findall(text)))
        cues = {
            "terms": _scaled(term_rate, 0.0, TERM_RATE_CEILING),
            "code": _scaled(code_rate, 0.0, CODE_RATE_CEILING),
            "word_length": _scaled(mean_length, 3.8, 6.5),
            "sentence_length": _scaled(len(words) / sentences, 6.0, 28.0),
        }
        return round(sum(WEIGHTS[name] * value for name, value in cues.items()), 4)

    def analyze_batch(self, texts: Sequence[str]) -> list[float | None]:
        """One score per text."""
        return [self.score(text) for text in texts]
