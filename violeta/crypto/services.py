"""Data keys: create, open, shred, re-wrap. Every write to key material goes through here."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable, Sequence

from django.db import models, transaction
from django.utils import timezone

from violeta.crypto.keys import KEY_BYTES, key_provider
from violeta.crypto.models import DataKey, EncryptedModel

_DEK_ATTR = "_violeta_dek"


def _new_data_key(owner: str) -> tuple[DataKey, bytes]:
    dek = secrets.token_bytes(KEY_BYTES)
    data_key = DataKey(owner=owner)
    data_key.kek_id, wrapped = key_provider().wrap(dek, context=data_key.context())
    data_key.wrapped = wrapped
    setattr(data_key, _DEK_ATTR, dek)
    return data_key, dek


def data_key_create(*, owner: str) -> DataKey:
    data_key, _dek = _new_data_key(owner)
    data_key.save(force_insert=True)
    return data_key


def data_keys_assign(objs: Sequence[EncryptedModel]) -> None:
    """Give each unsaved object a data key of its own, in one query (for bulk_create)."""
    pending = [obj for obj in objs if obj.data_key_id is None]
    keys = [_new_data_key(obj._meta.label)[0] for obj in pending]
    DataKey.objects.bulk_create(keys)
    for obj, data_key in zip(pending, keys, strict=True):
        obj.data_key = data_key


def data_key_open(*, data_key: DataKey) -> bytes | None:
    """The plaintext data key, or None if it was destroyed. Cached on the instance only."""
    cached = getattr(data_key, _DEK_ATTR, None)
    if cached is not None:
        return bytes(cached)
    if data_key.is_destroyed:
        return None
    dek = key_provider().unwrap(
        data_key.kek_id, bytes(data_key.wrapped), context=data_key.context()
    )
    setattr(data_key, _DEK_ATTR, dek)
    return dek


def data_key_shred(*, data_key: DataKey) -> DataKey:
    """Destroy a data key: everything encrypted under it becomes unrecoverable.

    In the live database at once; in backups once the key-encryption keys that wrapped it by
    then are retired (see docs/security.md, "Crypto-shredding and backups").
    """
    from violeta.audit.services import audit_record

    with transaction.atomic():
        DataKey.objects.filter(pk=data_key.pk).update(wrapped=b"", destroyed_at=timezone.now())
        data_key.refresh_from_db()
        if hasattr(data_key, _DEK_ATTR):
            delattr(data_key, _DEK_ATTR)
        audit_record(action="shred", target=data_key, detail={"owner": data_key.owner})
    return data_key


def record_shred(*, record: EncryptedModel) -> None:
    if record.data_key is not None:
        data_key_shred(data_key=record.data_key)


@dataclasses.dataclass
class RewrapReport:
    rewrapped: int = 0
    already_current: int = 0
    raced: int = 0


def data_keys_rewrap(*, batch_size: int = 500) -> RewrapReport:
    """Re-wrap every live data key under the active KEK, while the system keeps serving.

    Plaintext data keys do not change, so ciphertexts stay valid. Each row is updated with a
    compare-and-set on its old wrapping: a row that changed meanwhile is counted as raced and
    left for the next run, never overwritten.
    """
    provider = key_provider()
    active = provider.active_kek_id()
    report = RewrapReport()
    report.already_current = DataKey.objects.filter(
        kek_id=active, destroyed_at__isnull=True
    ).count()
    last_pk = None
    while True:
        batch = DataKey.objects.filter(destroyed_at__isnull=True).exclude(kek_id=active)
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        rows = list(batch.order_by("pk")[:batch_size])
        if not rows:
            break
        last_pk = rows[-1].pk
        for row in rows:
            old_wrapped = bytes(row.wrapped)
            dek = provider.unwrap(row.kek_id, old_wrapped, context=row.context())
            new_kek, new_wrapped = provider.wrap(dek, context=row.context())
            changed = DataKey.objects.filter(
                pk=row.pk, kek_id=row.kek_id, wrapped=old_wrapped, destroyed_at__isnull=True
            ).update(kek_id=new_kek, wrapped=new_wrapped)
            if changed == 1:
                report.rewrapped += 1
            else:
                report.raced += 1
    return report


def kek_usage() -> dict[str, int]:
    """How many live data keys each KEK wraps."""
    rows: Iterable[dict[str, object]] = (
        DataKey.objects.filter(destroyed_at__isnull=True)
        .values("kek_id")
        .annotate(n=models.Count("pk"))
        .order_by()
    )
    return {str(row["kek_id"]): int(str(row["n"])) for row in rows}
