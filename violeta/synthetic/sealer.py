"""Envelope encryption and blind indexes in bulk, byte for byte what the ORM path writes.

The ORM path (``EncryptedModel.save`` → ``crypto.services._new_data_key``, then
``EncryptedTextField.pre_save`` → ``envelope.encrypt``) builds a fresh AES-GCM object for every
value and reads the keyring for every data key. Here each record's AES-GCM object is built
once for all its fields, and the key-encryption key is opened once per process: the same
formats, the same associated data, the same random sources (``os.urandom`` for keys and nonces,
as ``secrets.token_bytes`` uses). ``Sealer.self_check`` proves the equivalence at start-up by
opening what it wrote with the project's own functions.
"""

from __future__ import annotations

import binascii
import hashlib
import hmac
import os
import uuid
import weakref
from collections.abc import Callable, Sequence

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from violeta.crypto import envelope
from violeta.crypto.blind_index import blind_index
from violeta.crypto.keys import KEY_BYTES, NONCE_BYTES, FileKeyProvider, key_provider

_WRAP_PREFIX = b"violeta:dek:"
_FIELD_PREFIX = "violeta:field:"
_b2a = binascii.b2a_base64
_URLSAFE = bytes.maketrans(b"+/", b"-_")  # base64.urlsafe_b64encode, without its two calls
# Random bytes read at once for data keys and nonces (each byte is used once).
POOL_BYTES = 1 << 16


# A forked worker must never reuse random bytes its parent had read but not used yet (the same
# data key or nonce in two processes would break AES-GCM), so every child drops its pools.
_sealers: weakref.WeakSet[Sealer] = weakref.WeakSet()


def _drop_pools_in_child() -> None:
    for sealer in _sealers:
        sealer._fresh = b""
        sealer._at = 0


os.register_at_fork(after_in_child=_drop_pools_in_child)


class Sealer:
    """Makes data keys and encrypts field values for records of the given model labels."""

    def __init__(self) -> None:
        provider = key_provider()
        self.kek_id = provider.active_kek_id()
        self._provider = provider
        self._kek: AESGCM | None = None
        if isinstance(provider, FileKeyProvider):
            # The keyring is already in this process's memory; reading it once per process
            # instead of once per key changes nothing in what is written.
            self._kek = AESGCM(provider._kek(self.kek_id))
            self._wrap_aad = _WRAP_PREFIX + self.kek_id.encode("ascii") + b":"
        self._index = hmac.new(provider.blind_index_key(), digestmod=hashlib.sha256)
        self._fresh = b""
        self._at = 0
        _sealers.add(self)

    def aad_prefix(self, label: str, field: str) -> bytes:
        """``envelope.field_aad`` without the primary key, which each record appends."""
        return f"{_FIELD_PREFIX}{label}:{field}:".encode()

    def seal_record(
        self, data_key_id: bytes, pk: bytes, aads: Sequence[bytes], values: Sequence[bytes]
    ) -> tuple[bytes, list[str]]:
        """A new data key for one record, wrapped, and its fields encrypted under it.

        ``data_key_id`` is the DataKey's id (16 bytes), ``pk`` the record's primary key as
        ``str(uuid)`` in ASCII, ``aads`` the per-field prefixes from ``aad_prefix`` and
        ``values`` the plaintexts (UTF-8). Returns the wrapped key and the stored form of each
        field.
        """
        need = KEY_BYTES + NONCE_BYTES * (len(values) + 1)
        at = self._at
        if at + need > len(self._fresh):
            # One read of the system's random source serves many records.
            self._fresh = os.urandom(POOL_BYTES)
            at = 0
        self._at = at + need
        fresh = self._fresh
        dek = fresh[at : at + KEY_BYTES]
        offset = at + KEY_BYTES
        nonce = fresh[offset : offset + NONCE_BYTES]
        offset += NONCE_BYTES
        if self._kek is not None:
            wrapped = nonce + self._kek.encrypt(nonce, dek, self._wrap_aad + data_key_id)
        else:
            _kek_id, wrapped = self._provider.wrap(dek, context=data_key_id)
        encrypt = AESGCM(dek).encrypt
        if len(values) == 1:
            nonce = fresh[offset : offset + NONCE_BYTES]
            body = encrypt(nonce, values[0], aads[0] + pk)
            text = _b2a(nonce + body, newline=False).translate(_URLSAFE).decode("ascii")
            return wrapped, ["v1." + text]
        tokens = []
        for aad, value in zip(aads, values, strict=True):
            nonce = fresh[offset : offset + NONCE_BYTES]
            offset += NONCE_BYTES
            raw = nonce + encrypt(nonce, value, aad + pk)
            tokens.append("v1." + _b2a(raw, newline=False).translate(_URLSAFE).decode("ascii"))
        return wrapped, tokens

    def index(self, kind: str, normalized: str) -> str:
        """``blind_index(kind, value)`` for a value already normalised by that kind's rules."""
        if not normalized:
            return ""
        digest = self._index.copy()
        digest.update(f"{kind}\x00{normalized}".encode())
        return digest.hexdigest()[:32]

    def self_check(self, normalizers: dict[str, Callable[[str], str]]) -> None:
        """Open what this sealer writes with the project's own functions; raise if anything
        differs, before a single row is written."""
        from violeta.crypto.models import DataKey
        from violeta.crypto.services import data_key_open

        key_id = uuid.uuid4()
        record = uuid.uuid4()
        label, field = "synthetic.Check", "value"
        wrapped, (token,) = self.seal_record(
            key_id.bytes,
            str(record).encode(),
            [self.aad_prefix(label, field)],
            ["comprobación".encode()],
        )
        data_key = DataKey(id=key_id, kek_id=self.kek_id, wrapped=wrapped, owner=label)
        dek = data_key_open(data_key=data_key)
        assert dek is not None  # noqa: S101 - a fresh key is never destroyed
        aad = envelope.field_aad(label=label, field=field, pk=record)
        if envelope.decrypt(dek, token, aad=aad) != "comprobación":
            raise RuntimeError("Synthetic encryption differs from violeta.crypto.envelope.")
        for kind, normalize in normalizers.items():
            sample = "Muestra Índice 000 123 4567 ñ"
            if self.index(kind, normalize(sample)) != blind_index(kind, sample):
                raise RuntimeError(f"Synthetic blind index {kind!r} differs from blind_index.")
