"""Personal data at rest: encrypted with a data key, found by a keyed hash."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken


class PersonalDataCipher:
    """Encrypts personal fields before they are stored and decrypts them when needed."""

    def __init__(self, data_key: str, lookup_key: str) -> None:
        try:
            self._fernet = Fernet(data_key.encode())
        except (ValueError, TypeError) as exc:
            raise ValueError("CORDIAL_DATA_KEY must be a urlsafe base64 32-byte key") from exc
        self._lookup_key = lookup_key.encode()

    def encrypt(self, plain: str) -> bytes:
        """The ciphertext of a personal value."""
        return self._fernet.encrypt(plain.encode())

    def decrypt(self, token: bytes) -> str:
        """The plain value; fails loudly when the key is wrong."""
        try:
            return self._fernet.decrypt(token).decode()
        except InvalidToken as exc:
            raise ValueError("personal data cannot be decrypted with this key") from exc

    def lookup_hash(self, plain: str) -> str:
        """A keyed hash that finds a value without storing it in the clear."""
        return hmac.new(self._lookup_key, plain.encode(), hashlib.sha256).hexdigest()
