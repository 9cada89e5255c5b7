"""Encryption of secrets kept in the database (camera stream credentials).

Fernet (AES-128-CBC + HMAC-SHA256) from `cryptography`. `RTCC_FIELD_ENCRYPTION_KEYS` lists keys;
the first encrypts and every key decrypts, so keys rotate by prepending a new one and running
`manage.py rotate_field_keys` (cameras app). In development (no keys set) a key is derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(RuntimeError):
    """A stored secret could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = hashlib.sha256(b"rtcc-field-encryption:" + secret_key.encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.RTCC_FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt_text(plain: str) -> str:
    """Ciphertext (URL-safe base64 text) of a secret; '' stays ''."""
    if plain == "":
        return ""
    return _current().encrypt(plain.encode()).decode()


def decrypt_text(token: str) -> str:
    if token == "":
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionError("stored secret cannot be decrypted with the configured keys") from exc


def reencrypt_text(token: str) -> str:
    """The same secret under the first (newest) key."""
    if token == "":
        return ""
    return _current().rotate(token.encode()).decode()
