"""AES-256-GCM for field values and files; associated data binds each one to its place."""

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


# --- Files ----------------------------------------------------------------------------------
# A stored file is raw bytes, not text: ``BLOB_HEADER ‖ nonce ‖ AES-GCM ciphertext and tag``.
# The header names the format so a later version can be told apart; it is checked, not trusted.
BLOB_HEADER = b"VLTB1\x00"


def blob_aad(*, label: str, pk: object) -> bytes:
    """Associated data for the file of one row (model label, primary key). Its prefix differs
    from ``field_aad``'s, so a field's ciphertext can never pass for a file's or the reverse."""
    return f"violeta:blob:{label}:{pk}".encode()


def encrypt_bytes(dek: bytes, data: bytes, *, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(NONCE_BYTES)
    return BLOB_HEADER + nonce + AESGCM(dek).encrypt(nonce, data, aad)


def decrypt_bytes(dek: bytes, blob: bytes, *, aad: bytes) -> bytes:
    if not blob.startswith(BLOB_HEADER):
        raise DecryptionError("Unknown file ciphertext format.")
    raw = blob[len(BLOB_HEADER) :]
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("File ciphertext is too short.")
    nonce, body = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
    try:
        return AESGCM(dek).decrypt(nonce, body, aad)
    except InvalidTag:
        raise DecryptionError("File ciphertext, key or associated data do not match.") from None
