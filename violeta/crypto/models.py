from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """One record's data-encryption key, stored only wrapped by a key-encryption key.

    Destroying it (crypto-shredding) empties ``wrapped``: the record's encrypted fields can
    then never be decrypted again.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kek_id = models.CharField(_("llave maestra"), max_length=64, db_index=True)
    wrapped = models.BinaryField(_("llave envuelta"))
    owner = models.CharField(_("tipo de registro"), max_length=100)
    created_at = models.DateTimeField(_("creada"), auto_now_add=True)
    destroyed_at = models.DateTimeField(_("destruida"), null=True, blank=True)

    class Meta:
        verbose_name = _("llave de datos")
        verbose_name_plural = _("llaves de datos")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(destroyed_at__isnull=True) | models.Q(wrapped=b""),
                name="datakey_destroyed_means_empty",
            )
        ]

    def __str__(self) -> str:
        return f"DataKey {self.id}"

    def __repr__(self) -> str:
        return f"<DataKey {self.id} kek={self.kek_id} destroyed={self.destroyed_at is not None}>"

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None

    def context(self) -> bytes:
        return self.id.bytes


class EncryptedModel(models.Model):
    """Base for models with encrypted fields: a UUID primary key (known before the first save,
    so it can be bound into each ciphertext) and a data key of the record's own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    data_key = models.OneToOneField(
        DataKey, on_delete=models.PROTECT, related_name="+", null=True, editable=False
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.data_key_id is None:
            from violeta.crypto.services import data_key_create

            self.data_key = data_key_create(owner=self._meta.label)
        super().save(*args, **kwargs)
        from violeta.crypto.fields import mark_saved

        mark_saved(self)

    @property
    def is_shredded(self) -> bool:
        return self.data_key is not None and self.data_key.is_destroyed
