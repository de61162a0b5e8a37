"""Dashboard sessions: a signed, expiring token naming the API key the user logged in with.

The cookie never holds the key itself; each request re-checks that the key still exists and is
not revoked, so revoking a key also ends the sessions opened with it.
"""

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

COOKIE_NAME = "cspersona_session"
_PURPOSE = b"cspersona-session-v1:"


def _signature(payload: str, secret_key: str) -> str:
    mac = hmac.new(secret_key.encode(), _PURPOSE + payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def issue_token(*, key_id: int, secret_key: str, now: datetime, lifetime: timedelta) -> str:
    """A token for ``key_id`` that expires ``lifetime`` after ``now``."""
    payload = f"{key_id}.{int((now + lifetime).timestamp())}"
    return f"{payload}.{_signature(payload, secret_key)}"


def read_token(token: str, *, secret_key: str, now: datetime) -> int | None:
    """The key id in a valid, unexpired token; None for anything forged, malformed or old."""
    payload, _, signature = token.rpartition(".")
    if not hmac.compare_digest(signature.encode(), _signature(payload, secret_key).encode()):
        return None
    key_id, _, expires = payload.partition(".")
    if not (key_id.isdigit() and expires.isdigit()):
        return None
    if int(expires) <= now.timestamp():
        return None
    return int(key_id)
