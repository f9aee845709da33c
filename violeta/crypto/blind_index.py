"""Blind indexes: keyed HMAC of a normalised value, for exact-match search without decrypting.

Each kind has its own normaliser and its own domain in the HMAC input, so a phone number and an
employee number that happen to be equal do not produce the same index.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable

from violeta.crypto.keys import key_provider

INDEX_CHARS = 32  # 128 bits of HMAC-SHA256: no practical collisions, short enough to index


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize_name(value: str) -> str:
    text = _strip_accents(value).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    # Mexican numbers are 10 digits; +52 / 52 / 01 prefixes do not change who answers.
    return digits[-10:]


def normalize_curp(value: str) -> str:
    return re.sub(r"\s", "", value).upper()


def normalize_code(value: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", value).upper()


def normalize_email(value: str) -> str:
    return value.strip().casefold()


NORMALIZERS: dict[str, Callable[[str], str]] = {
    "name": normalize_name,
    "phone": normalize_phone,
    "curp": normalize_curp,
    "employee_number": normalize_code,
    "email": normalize_email,
}


def blind_index(kind: str, value: str | None) -> str:
    """The index of a value, or "" when there is nothing to index."""
    if kind not in NORMALIZERS:
        raise ValueError(f"Unknown blind-index kind {kind!r}.")
    if value is None:
        return ""
    normalized = NORMALIZERS[kind](value)
    if not normalized:
        return ""
    message = f"{kind}\x00{normalized}".encode()
    digest = hmac.new(key_provider().blind_index_key(), message, hashlib.sha256).hexdigest()
    return digest[:INDEX_CHARS]
