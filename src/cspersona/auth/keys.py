"""API key material: generation, the keyed digest that is stored, and the visible prefix."""

import hashlib
import hmac
import secrets

KEY_MARKER = "csp_"
PREFIX_LENGTH = 12


def generate_key() -> str:
    """A new random API key, recognisable by its ``csp_`` start (240 bits of randomness)."""
    return KEY_MARKER + secrets.token_urlsafe(30)


def key_digest(key: str, secret_key: str) -> str:
    """The HMAC-SHA256 of ``key`` under the server's secret: what the database stores.

    Keyed, so a copy of the database alone cannot be used to check guesses.
    """
    return hmac.new(secret_key.encode(), key.encode(), hashlib.sha256).hexdigest()


def key_prefix(key: str) -> str:
    """The first characters of a key, shown in listings so people can tell keys apart."""
    return key[:PREFIX_LENGTH]
