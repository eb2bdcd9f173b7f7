"""Personal data: encrypted at rest, found by keyed hash."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from cordial_core.crypto import PersonalDataCipher


@pytest.fixture
def cipher() -> PersonalDataCipher:
    return PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-1")


def test_round_trip(cipher: PersonalDataCipher) -> None:
    for plain in ["52998224725", "Maria da Silva", "", "ção ü 😀"]:
        assert cipher.decrypt(cipher.encrypt(plain)) == plain


def test_ciphertext_does_not_contain_the_plain_value(cipher: PersonalDataCipher) -> None:
    token = cipher.encrypt("52998224725")
    assert isinstance(token, bytes)
    assert token != b"52998224725"
    assert b"52998224725" not in token


def test_encryption_is_randomised(cipher: PersonalDataCipher) -> None:
    assert cipher.encrypt("same") != cipher.encrypt("same")


def test_wrong_key_fails_loudly(cipher: PersonalDataCipher) -> None:
    token = cipher.encrypt("52998224725")
    other = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-1")
    with pytest.raises(ValueError, match="cannot be decrypted"):
        other.decrypt(token)


def test_tampered_token_fails(cipher: PersonalDataCipher) -> None:
    with pytest.raises(ValueError, match="cannot be decrypted"):
        cipher.decrypt(b"not-a-token")


def test_lookup_hash_is_stable_and_keyed() -> None:
    data_key = Fernet.generate_key().decode()
    a = PersonalDataCipher(data_key, "lookup-key-1")
    a_again = PersonalDataCipher(Fernet.generate_key().decode(), "lookup-key-1")
    b = PersonalDataCipher(data_key, "lookup-key-2")
    digest = a.lookup_hash("52998224725")
    assert digest == a.lookup_hash("52998224725")
    # Depends on the lookup key only, not on the data key.
    assert digest == a_again.lookup_hash("52998224725")
    assert digest != b.lookup_hash("52998224725")
    assert digest != a.lookup_hash("52998224726")
    assert "52998224725" not in digest
    assert len(digest) == 64
    int(digest, 16)


@pytest.mark.parametrize("bad", ["", "short", "changeme", "x" * 44])
def test_bad_data_key_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="CORDIAL_DATA_KEY"):
        PersonalDataCipher(bad, "lookup")
