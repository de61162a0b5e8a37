from cspersona.auth.keys import PREFIX_LENGTH, generate_key, key_digest, key_prefix


def test_keys_are_long_random_and_recognisable() -> None:
    keys = {generate_key() for _ in range(100)}

    assert len(keys) == 100
    assert all(key.startswith("csp_") and len(key) == 44 for key in keys)


def test_the_digest_is_keyed_by_the_server_secret() -> None:
    key = generate_key()

    assert key_digest(key, "secret-a") == key_digest(key, "secret-a")
    assert key_digest(key, "secret-a") != key_digest(key, "secret-b")
    assert key_digest(key, "secret-a") != key_digest(generate_key(), "secret-a")
    assert len(key_digest(key, "secret-a")) == 64
    assert key not in key_digest(key, "secret-a")


def test_the_prefix_shows_only_the_start() -> None:
    key = generate_key()

    assert key_prefix(key) == key[:PREFIX_LENGTH]
    assert len(key_prefix(key)) < len(key) // 3
