"""AES-256-GCM for field values. The associated data binds a ciphertext to its place."""

from __future__ import annotations

import base64
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

VERSION = "v1"
NONCE_BYTES = 12
TAG_BYTES = 16


class DecryptionError(Exception):
    """A value does not decrypt: wrong key, wrong place, or altered bytes. Never ignored."""


def field_aad(*, label: str, field: str, pk: object) -> bytes:
    """Associated data for one field of one row (model label, field name, primary key)."""
    return f"violeta:field:{label}:{field}:{pk}".encode()


def encrypt(dek: bytes, plaintext: str, *, aad: bytes) -> str:
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = AESGCM(dek).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return f"{VERSION}.{base64.urlsafe_b64encode(nonce + body).decode('ascii')}"


def decrypt(dek: bytes, token: str, *, aad: bytes) -> str:
    version, _, payload = token.partition(".")
    if version != VERSION or not payload:
        raise DecryptionError("Unknown ciphertext format.")
    try:
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise DecryptionError("Ciphertext is not valid base64.") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("Ciphertext is too short.")
    nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        return AESGCM(dek).decrypt(nonce, body, aad).decode("utf-8")
    except InvalidTag:
        raise DecryptionError("Ciphertext, key or associated data do not match.") from None
