"""Key-encryption keys (KEKs) behind a small interface.

Every record's data key is wrapped by a KEK that has an id. ``KeyProvider`` is what a KMS or
Vault implementation would replace; ``FileKeyProvider`` keeps a keyring in a JSON file (or in
the ``VIOLETA_KEYRING`` environment variable) outside the database, so a copy of the database
or of its backups alone decrypts nothing.

Keyring format::

    {"active": "kek-20261128-1a2b", "keys": {"kek-20261128-1a2b": "<base64 32 bytes>"},
     "blind_index_key": "<base64 32 bytes>"}
"""

from __future__ import annotations

import base64
import datetime
import json
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

KEY_BYTES = 32
NONCE_BYTES = 12


class KeyUnavailable(Exception):
    """A key is missing or a wrapped key does not open with it."""


class KeyProvider(Protocol):
    def active_kek_id(self) -> str: ...

    def kek_ids(self) -> set[str]: ...

    def wrap(self, dek: bytes, *, context: bytes) -> tuple[str, bytes]: ...

    def unwrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> bytes: ...

    def blind_index_key(self) -> bytes: ...


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def new_kek_id() -> str:
    stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d")
    return f"kek-{stamp}-{secrets.token_hex(3)}"


def new_keyring() -> dict[str, Any]:
    kek_id = new_kek_id()
    return {"active": kek_id, "keys": {kek_id: new_key()}, "blind_index_key": new_key()}


def _decode_key(name: str, value: object) -> bytes:
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"Keyring: {name} is not valid base64.") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"Keyring: {name} must be {KEY_BYTES} bytes, not {len(raw)}.")
    return raw


def parse_keyring(data: object) -> tuple[str, dict[str, bytes], bytes]:
    if not isinstance(data, dict):
        raise ImproperlyConfigured("Keyring: must be a JSON object.")
    keys = data.get("keys")
    active = data.get("active")
    if not isinstance(keys, dict) or not keys:
        raise ImproperlyConfigured("Keyring: 'keys' must map key ids to keys.")
    if active not in keys:
        raise ImproperlyConfigured(f"Keyring: active key {active!r} is not in 'keys'.")
    decoded = {str(kek_id): _decode_key(f"key {kek_id}", value) for kek_id, value in keys.items()}
    blind = _decode_key("blind_index_key", data.get("blind_index_key"))
    return str(active), decoded, blind


def write_keyring_file(path: Path, data: dict[str, Any]) -> None:
    """Replace the keyring atomically, readable only by its owner."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=2, sort_keys=True)
        handle.write("\n")
    os.replace(temporary, path)


class FileKeyProvider:
    """Keyring from ``VIOLETA_KEYRING`` (JSON) or the file ``VIOLETA_KEYRING_FILE``.

    The file is re-read when it changes (checked at most once a second) and whenever a wrapped
    key names a KEK this process does not know yet, so ``rotate_keys`` run on one machine is
    picked up by every app server without a restart.
    """

    RECHECK_SECONDS = 1.0

    def __init__(self, *, inline: str | None, path: Path | None) -> None:
        self.inline = inline
        self.path = path
        self._lock = threading.Lock()
        self._mtime: float | None = None
        self._checked_at = 0.0
        self._load()

    @classmethod
    def from_settings(cls) -> FileKeyProvider:
        return cls(inline=settings.VIOLETA_KEYRING, path=Path(settings.VIOLETA_KEYRING_FILE))

    @property
    def writable(self) -> bool:
        return self.inline is None and self.path is not None

    def raw(self) -> dict[str, Any]:
        if self.inline is not None:
            return dict(json.loads(self.inline))
        assert self.path is not None  # noqa: S101 - guaranteed by _load
        return dict(json.loads(self.path.read_text(encoding="utf-8")))

    def _load(self) -> None:
        if self.inline is None:
            if self.path is None or not self.path.exists():
                raise ImproperlyConfigured(
                    f"No keyring: set VIOLETA_KEYRING or create {self.path} "
                    "(`manage.py create_keyring`; `make run` does it for development)."
                )
            self._mtime = self.path.stat().st_mtime
        try:
            data = self.raw()
        except json.JSONDecodeError as exc:
            raise ImproperlyConfigured(f"Keyring: not valid JSON ({exc.msg}).") from exc
        self._active, self._keys, self._blind = parse_keyring(data)

    def _refresh(self, *, force: bool = False) -> None:
        if self.inline is not None or self.path is None:
            return
        now = time.monotonic()
        if not force and now - self._checked_at < self.RECHECK_SECONDS:
            return
        with self._lock:
            self._checked_at = now
            mtime = self.path.stat().st_mtime
            if force or mtime != self._mtime:
                self._load()

    def reload(self) -> None:
        """Re-read the keyring now (commands that change it must see the latest file)."""
        self._refresh(force=True)

    def active_kek_id(self) -> str:
        self._refresh()
        return self._active

    def kek_ids(self) -> set[str]:
        self._refresh()
        return set(self._keys)

    def _kek(self, kek_id: str) -> bytes:
        if kek_id not in self._keys:
            self._refresh(force=True)
        try:
            return self._keys[kek_id]
        except KeyError:
            raise KeyUnavailable(f"Key-encryption key {kek_id!r} is not in the keyring.") from None

    def wrap(self, dek: bytes, *, context: bytes) -> tuple[str, bytes]:
        kek_id = self.active_kek_id()
        nonce = secrets.token_bytes(NONCE_BYTES)
        wrapped = AESGCM(self._kek(kek_id)).encrypt(nonce, dek, _wrap_aad(kek_id, context))
        return kek_id, nonce + wrapped

    def unwrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> bytes:
        nonce, body = wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:]
        try:
            return AESGCM(self._kek(kek_id)).decrypt(nonce, body, _wrap_aad(kek_id, context))
        except InvalidTag:
            raise KeyUnavailable("A data key does not open with its key-encryption key.") from None

    def blind_index_key(self) -> bytes:
        return self._blind


def _wrap_aad(kek_id: str, context: bytes) -> bytes:
    # Binds a wrapped data key to its record and to the KEK id it claims: moving a wrapped key
    # to another record, or relabelling its KEK id, makes it fail to open.
    return b"violeta:dek:" + kek_id.encode("ascii") + b":" + context


_provider: KeyProvider | None = None
_provider_lock = threading.Lock()


def key_provider() -> KeyProvider:
    global _provider
    if _provider is None:
        with _provider_lock:
            if _provider is None:
                factory = import_string(settings.VIOLETA_KEY_PROVIDER)
                _provider = factory.from_settings()
    return _provider


def reset_key_provider() -> None:
    global _provider
    _provider = None


@receiver(setting_changed)
def _settings_changed(*, setting: str, **kwargs: object) -> None:
    if setting.startswith("VIOLETA_KEY"):
        reset_key_provider()
