from datetime import UTC, datetime, timedelta

import pytest

from cspersona.auth.sessions import issue_token, read_token

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SECRET = "server-secret"


def _token(key_id: int = 42, lifetime: timedelta = timedelta(hours=1)) -> str:
    return issue_token(key_id=key_id, secret_key=SECRET, now=NOW, lifetime=lifetime)


def test_a_token_names_its_key_until_it_expires() -> None:
    token = _token()

    assert read_token(token, secret_key=SECRET, now=NOW + timedelta(minutes=59)) == 42
    assert read_token(token, secret_key=SECRET, now=NOW + timedelta(hours=1)) is None


def _swap_key_id(token: str) -> str:
    key_id, expires, signature = token.split(".")
    return f"1.{expires}.{signature}"


def _extend(token: str) -> str:
    key_id, expires, signature = token.split(".")
    return f"{key_id}.{int(expires) + 3600}.{signature}"


@pytest.mark.parametrize(
    ("forge", "secret"),
    [
        (_swap_key_id, SECRET),
        (_extend, SECRET),
        (lambda token: token[:-2] + "xx", SECRET),
        (lambda token: token, "another-secret"),
        (lambda token: "", SECRET),
        (lambda token: "not-a-token", SECRET),
        (lambda token: "a.b.c", SECRET),
    ],
    ids=["other-key", "extended", "bad-signature", "other-secret", "empty", "garbage", "parts"],
)
def test_forged_or_malformed_tokens_are_refused(forge: object, secret: str) -> None:
    assert callable(forge)

    assert read_token(forge(_token()), secret_key=secret, now=NOW) is None
