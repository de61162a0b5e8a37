"""Anonymisation operators (Presidio's shape): each turns one detected value into its stand-in.

``replace`` writes a readable placeholder (``[name]``), ``mask`` hides every letter and digit,
``hash`` writes a keyed hash, and ``pseudonymize`` writes a realistic stand-in (a name for a
name) chosen by a keyed hash of the normalised value: the same person gets the same pseudonym in
every message, customer and run, with no mapping table to store or leak.
"""

import hashlib
import hmac
import re
import unicodedata
from abc import ABC, abstractmethod
from typing import ClassVar

from cspersona.config import PII_OPERATOR_NAMES
from cspersona.pii.entities import EntityType
from cspersona.pii.gazetteer import Gazetteer, load_gazetteer

NAME_PART = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def normalise(value: str) -> str:
    """Casefolded, accents removed, whitespace collapsed: "Šárka  OTTOVÁ" → "sarka ottova"."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


class KeyedHash:
    """HMAC-SHA256 with the installation's secret key: stable, and not guessable without it."""

    def __init__(self, secret_key: str) -> None:
        """Keep the key as bytes."""
        self._key = secret_key.encode("utf-8")

    def digest(self, *parts: str) -> bytes:
        """The keyed digest of ``parts`` (joined unambiguously)."""
        message = "\x1f".join(parts).encode("utf-8")
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def hexdigest(self, *parts: str) -> str:
        """The digest in hexadecimal."""
        return self.digest(*parts).hex()

    def choose(self, options: tuple[str, ...], *parts: str) -> str:
        """One of ``options``, always the same one for the same ``parts``."""
        return options[int.from_bytes(self.digest(*parts)[:8], "big") % len(options)]


class Operator(ABC):
    """Turns one detected value into the text stored in its place."""

    name: ClassVar[str]

    @abstractmethod
    def operate(self, value: str, entity_type: EntityType) -> str:
        """The stand-in for ``value``."""


# What ``replace`` leaves: a plain word in brackets, readable in a sentence shown to a person
# ("Call [name] on [phone]"), never a code such as <PHONE_NUMBER>. docs/ingest.md lists them.
PLACEHOLDERS: dict[EntityType, str] = {
    EntityType.PERSON: "[name]",
    EntityType.EMAIL_ADDRESS: "[email]",
    EntityType.PHONE_NUMBER: "[phone]",
    EntityType.STREET_ADDRESS: "[address]",
    EntityType.CREDIT_CARD: "[card number]",
    EntityType.IBAN_CODE: "[bank account]",
    EntityType.US_SSN: "[SSN]",
    EntityType.IP_ADDRESS: "[IP address]",
    EntityType.URL: "[link]",
    EntityType.SECRET: "[secret]",
}


class Replace(Operator):
    """``[email]``: says what was there, nothing more, in words a reader understands."""

    name = "replace"

    def operate(self, value: str, entity_type: EntityType) -> str:
        """The type's placeholder."""
        return PLACEHOLDERS[entity_type]


class Mask(Operator):
    """``****-****-****-1111``-like: every letter and digit becomes ``*``, the shape stays."""

    name = "mask"

    def operate(self, value: str, entity_type: EntityType) -> str:
        """The value with its letters and digits masked."""
        return "".join("*" if character.isalnum() else character for character in value)


class Hash(Operator):
    """``<PERSON:3f9a0c...>``: equal values give equal tags, so counts and joins still work."""

    name = "hash"
    length = 16

    def __init__(self, keyed_hash: KeyedHash) -> None:
        """Hash with the installation's key (a salted hash)."""
        self.keyed_hash = keyed_hash

    def operate(self, value: str, entity_type: EntityType) -> str:
        """The type and the first 16 hex digits of the keyed hash of the normalised value."""
        digest = self.keyed_hash.hexdigest(entity_type.value, normalise(value))
        return f"<{entity_type.value}:{digest[: self.length]}>"


class Pseudonymize(Operator):
    """A realistic, consistent stand-in: "Sarah Miller" → "Donna Keller" everywhere."""

    name = "pseudonymize"

    def __init__(self, keyed_hash: KeyedHash, gazetteer: Gazetteer | None = None) -> None:
        """Draw names from the gazetteer's pseudonym lists."""
        self.keyed_hash = keyed_hash
        self.gazetteer = gazetteer or load_gazetteer()
        self._name_parts: dict[str, str] = {}

    def operate(self, value: str, entity_type: EntityType) -> str:
        """A name for a name, an example.com address for an e-mail, a 555 number for a phone.

        Other types (a card, an IBAN) get ``replace``'s placeholder: a made-up number would
        pass for a real one, and a code such as ``<IBAN_CODE_3fa2>`` means nothing to a reader.
        """
        if entity_type is EntityType.PERSON:
            return self.person(value)
        if entity_type is EntityType.EMAIL_ADDRESS:
            return self.email(value)
        if entity_type is EntityType.PHONE_NUMBER:
            return self.phone(value)
        return PLACEHOLDERS[entity_type]  # no believable stand-in: say what was there

    def person(self, value: str) -> str:
        """Each part replaced on its own, so "Sarah" alone matches "Sarah" in "Sarah Miller"."""
        return NAME_PART.sub(lambda match: self._name_part(match.group()), value)

    def _name_part(self, part: str) -> str:
        """A given name for a given name, a family name otherwise, whatever its position."""
        pseudonym = self._name_parts.get(part)
        if pseudonym is None:
            pseudonym = self._name_parts[part] = self._choose_name_part(part)
        return pseudonym

    def _choose_name_part(self, part: str) -> str:
        folded = normalise(part)
        if len(part) == 1:
            return self.keyed_hash.choose(tuple("ABCDEFGHJKLMNPRSTW"), "initial", folded)
        if self._given(folded):
            return self.keyed_hash.choose(self.gazetteer.pseudonym_first_names, "first", folded)
        return self.keyed_hash.choose(self.gazetteer.pseudonym_last_names, "last", folded)

    def _given(self, folded: str) -> bool:
        """Whether a name part is a given name: common English use first, then the gazetteer."""
        gazetteer = self.gazetteer
        if folded in gazetteer.common_given_names:
            return True
        if folded in gazetteer.common_family_names:
            return False
        return folded in gazetteer.first_names

    def email(self, value: str) -> str:
        """``first.last@example.com`` from the keyed hash of the whole address."""
        folded = normalise(value)
        first = self.keyed_hash.choose(self.gazetteer.pseudonym_first_names, "email-first", folded)
        last = self.keyed_hash.choose(self.gazetteer.pseudonym_last_names, "email-last", folded)
        return f"{first}.{last}@example.com".lower()

    def phone(self, value: str) -> str:
        """A number in the 555 range reserved for fiction."""
        digits = re.sub(r"\D", "", value)
        number = int.from_bytes(self.keyed_hash.digest("phone", digits)[:8], "big") % 10_000
        return f"+1 555 01{number // 100:02d} {number % 100:02d}"


def make_operator(name: str, *, secret_key: str) -> Operator:
    """The operator called ``name`` (one of ``PII_OPERATOR_NAMES``)."""
    keyed_hash = KeyedHash(secret_key)
    if name == Replace.name:
        return Replace()
    if name == Mask.name:
        return Mask()
    if name == Hash.name:
        return Hash(keyed_hash)
    if name == Pseudonymize.name:
        return Pseudonymize(keyed_hash)
    raise ValueError(f"unknown PII operator {name!r}; use one of {', '.join(PII_OPERATOR_NAMES)}")
