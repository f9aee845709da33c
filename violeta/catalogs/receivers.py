"""Every write to a catalog gives the catalogs a new generation token, in the same transaction.

Catalog rows are written one by one (``catalogs_load``, the admin, a review of an institution's
contact data), so ``post_save`` and ``post_delete`` see each of them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models.signals import post_delete, post_save

from violeta.catalogs.models import CATALOG_MODELS, CatalogGeneration


def generation_bump() -> None:
    """A new token: every process reads the catalogs afresh from now on."""
    CatalogGeneration.objects.update_or_create(
        id=CatalogGeneration.SINGLETON_ID, defaults={"token": uuid.uuid4()}
    )


def _written(sender: Any, **kwargs: Any) -> None:
    # Also for fixtures (raw saves): their rows are catalog content all the same.
    generation_bump()


def connect() -> None:
    for model in CATALOG_MODELS:
        post_save.connect(_written, sender=model, dispatch_uid=f"catalogs_gen_{model.__name__}")
        post_delete.connect(
            _written, sender=model, dispatch_uid=f"catalogs_gen_del_{model.__name__}"
        )
