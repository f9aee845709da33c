"""Receipts and the throttles of the public channel.

A receipt is 16 random digits, shown once, like a phone number. It is stored only as an
Argon2id hash whose salt is derived from a pepper kept outside the database
(``RECEIPT_PEPPER``): a copy of the database alone does not let anyone test receipts. The hash
is deterministic so a receipt finds its report in one indexed lookup.

Throttles count in the shared cache (Redis in production), keyed by a keyed hash of the
client's address that expires with the window: the address itself is never written anywhere,
and nothing ties a count to a report.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2.low_level import Type, hash_secret_raw
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

from violeta.accounts.lockout import client_ip

DIGITS = 16


def receipt_new() -> str:
    """16 random digits (about 53 bits), grouped by four for reading aloud."""
    digits = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
    return " ".join(digits[i : i + 4] for i in range(0, DIGITS, 4))


def receipt_normalize(text: str) -> str:
    """Digits only; whatever spaces or dashes she typed."""
    return "".join(ch for ch in text if ch.isdigit())


def _pepper() -> bytes:
    pepper = getattr(settings, "RECEIPT_PEPPER", "")
    if not pepper:
        raise ImproperlyConfigured(
            "RECEIPT_PEPPER is not set (or the file VIOLETA_VAR_DIR/receipt_pepper is missing)."
        )
    return pepper.encode() if isinstance(pepper, str) else bytes(pepper)


def receipt_hash(receipt: str) -> str:
    digits = receipt_normalize(receipt)
    salt = hmac.new(_pepper(), b"violeta-receipt-salt", hashlib.sha256).digest()[:16]
    raw = hash_secret_raw(
        secret=digits.encode(),
        salt=salt,
        time_cost=settings.RECEIPT_ARGON2_TIME_COST,
        memory_cost=settings.RECEIPT_ARGON2_MEMORY_KIB,
        parallelism=1,
        hash_len=32,
        type=Type.ID,
    )
    return raw.hex()


def _client_key(request: HttpRequest, scope: str) -> str:
    """A keyed, non-reversible handle for the client in one throttle scope. Behind the reverse
    proxy the address is the one it saw (as for the login lockout), not the proxy's own."""
    address = client_ip(request) or ""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"{scope}:{address}".encode(), hashlib.sha256
    ).hexdigest()
    return f"reports:{scope}:{digest[:32]}"


def throttled(request: HttpRequest, scope: str, *, limit: int, window: int) -> bool:
    """Whether this client already reached ``limit`` events in ``scope`` in the window."""
    return int(cache.get(_client_key(request, scope), 0)) >= limit


def throttle_count(request: HttpRequest, scope: str, *, window: int) -> int:
    key = _client_key(request, scope)
    if cache.add(key, 1, timeout=window):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1
