"""Every write to a catalog gives the catalogs a new generation token, in the same transaction.

Catalog rows are written one by one (``catalogs_load``, the admin, a review of an institution's
contact data), so ``post_save`` and ``post_delete`` see each of them. Other apps' reference
data read under the same token registers here too (``generation_watch``: the protocol
versions, loaded one by one by ``protocols_load``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from violeta.catalogs.models import CATALOG_MODELS, CatalogGeneration


def generation_bump() -> None:
    """A new token: every process reads the catalogs afresh from now on."""
    CatalogGeneration.objects.update_or_create(
        id=CatalogGeneration.SINGLETON_ID, defaults={"token": uuid.uuid4()}
    )


# Inside ``generation_bumped_once``: whether a catalog row was written (None outside).
_WRITTEN_IN_BLOCK: ContextVar[list[bool] | None] = ContextVar("catalog_writes", default=None)


@contextmanager
def generation_bumped_once() -> Iterator[None]:
    """Around many catalog writes in one transaction that reads no catalog through the
    remembered catalogs meanwhile (``catalogs_load``): one new token when the block ends, if
    anything was written, instead of one per row. A block that fails bumps nothing: its
    transaction is rolled back with its writes."""
    written: list[bool] = []
    token = _WRITTEN_IN_BLOCK.set(written)
    try:
        yield
    finally:
        _WRITTEN_IN_BLOCK.reset(token)
    if written:
        generation_bump()


def _written(sender: Any, **kwargs: Any) -> None:
    # Also for fixtures (raw saves): their rows are catalog content all the same.
    written = _WRITTEN_IN_BLOCK.get()
    if written is not None:
        written.append(True)
        return
    generation_bump()


def generation_watch(model: type[Model]) -> None:
    """Every save and deletion of ``model``'s rows renews the token, as a catalog write does:
    for reference data of other apps read through ``catalogs.selectors.reference_read``."""
    label = model._meta.label_lower
    post_save.connect(_written, sender=model, dispatch_uid=f"catalogs_gen_{label}")
    post_delete.connect(_written, sender=model, dispatch_uid=f"catalogs_gen_del_{label}")


def connect() -> None:
    for model in CATALOG_MODELS:
        generation_watch(model)
