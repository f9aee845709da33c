"""Encrypted model fields.

The database column holds ``v1.<base64(nonce + AES-GCM ciphertext)>``; the attribute on a model
instance is the plaintext, decrypted on first access with the record's own data key and the
associated data of (model, field, primary key). Whatever serialises a model generically
(``value_from_object``: dumpdata, the admin, ``model_to_dict``) gets the ciphertext, never the
plaintext, and encrypted columns cannot be used in lookups: search through a blind index.
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import models
from django.db.models import Lookup

from violeta.crypto import envelope
from violeta.crypto.blind_index import NORMALIZERS, blind_index

_PLAIN = "_violeta_plaintext"
_DIRTY = "_violeta_dirty"


class Ciphertext(str):
    """A value as stored. Its repr never shows the bytes, to keep logs and tracebacks quiet."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<ciphertext>"


def _plain(instance: models.Model) -> dict[str, str | None]:
    return instance.__dict__.setdefault(_PLAIN, {})


def _dirty(instance: models.Model) -> set[str]:
    return instance.__dict__.setdefault(_DIRTY, set())


class EncryptedDescriptor:
    def __init__(self, field: EncryptedTextField) -> None:
        self.field = field

    def __get__(self, instance: models.Model | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        name = self.field.attname
        plain = _plain(instance)
        if name in plain:
            return plain[name]
        stored = instance.__dict__.get(name)
        if stored is None:
            return None
        value = self.field.decrypt_for(instance, str(stored))
        plain[name] = value
        return value

    def __set__(self, instance: models.Model, value: Any) -> None:
        name = self.field.attname
        if value is None or isinstance(value, Ciphertext):
            # Loaded from the database (from_db_value wraps it), or cleared.
            instance.__dict__[name] = value
            _plain(instance).pop(name, None)
            _dirty(instance).discard(name)
            if value is None:
                _plain(instance)[name] = None
            return
        _plain(instance)[name] = str(value)
        _dirty(instance).add(name)


class EncryptedTextField(models.TextField):
    """Text encrypted at rest under the record's data key. Use on an ``EncryptedModel``."""

    description = "Text encrypted with the record's data key"

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        setattr(cls, self.attname, EncryptedDescriptor(self))

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)
        if not any(f.name == "data_key" for f in self.model._meta.get_fields()):
            errors.append(
                checks.Error(
                    "EncryptedTextField needs a model derived from EncryptedModel.",
                    obj=self,
                    id="violeta.E101",
                )
            )
        return errors

    def aad(self, instance: models.Model) -> bytes:
        return envelope.field_aad(label=instance._meta.label, field=self.name, pk=instance.pk)

    def decrypt_for(self, instance: models.Model, token: str) -> str | None:
        from violeta.crypto.services import data_key_open

        data_key = instance.data_key  # type: ignore[attr-defined]
        if data_key is None:
            raise envelope.DecryptionError("Encrypted value without a data key.")
        dek = data_key_open(data_key=data_key)
        if dek is None:
            return None  # crypto-shredded: the content no longer exists
        return envelope.decrypt(dek, token, aad=self.aad(instance))

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        name = self.attname
        if name not in _dirty(model_instance):
            return model_instance.__dict__.get(name)
        plaintext = _plain(model_instance)[name]
        if plaintext is None:
            return None
        from violeta.crypto.services import data_key_open

        data_key = model_instance.data_key  # type: ignore[attr-defined]
        if data_key is None or model_instance.pk is None:
            raise envelope.DecryptionError(
                "Assign a data key (data_keys_assign) before saving encrypted values in bulk."
            )
        dek = data_key_open(data_key=data_key)
        if dek is None:
            raise envelope.DecryptionError("This record's content was destroyed.")
        token = Ciphertext(envelope.encrypt(dek, plaintext, aad=self.aad(model_instance)))
        model_instance.__dict__[name] = token
        # The dirty mark stays until the save completes (EncryptedModel.save clears it), so
        # blind-index fields later in the same save still see the new plaintext.
        return token

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else Ciphertext(value)

    def value_from_object(self, obj: models.Model) -> Any:
        return obj.__dict__.get(self.attname)

    def get_lookup(self, lookup_name: str) -> type[Lookup] | None:
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.model.__name__}.{self.name} is encrypted and cannot be searched with "
                f"'{lookup_name}'; use its blind index."
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """Keyed HMAC of another encrypted field's normalised value, kept up to date on save."""

    def __init__(self, *args: Any, source: str, kind: str, **kwargs: Any) -> None:
        if kind not in NORMALIZERS:
            raise ValueError(f"Unknown blind-index kind {kind!r}.")
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs.update(source=self.source, kind=self.kind)
        for key, default in (
            ("max_length", 32),
            ("blank", True),
            ("default", ""),
            ("editable", False),
            ("db_index", True),
        ):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        if not getattr(self, "db_index", True):  # set by Field.__init__
            # CharField leaves out its own default (False); this field's default is True.
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        if self.source in _dirty(model_instance):
            value = blind_index(self.kind, _plain(model_instance)[self.source])
            setattr(model_instance, self.attname, value)
            return value
        return getattr(model_instance, self.attname)


def is_changed(instance: models.Model, field_name: str) -> bool:
    """Whether an encrypted field was given a new value that is not saved yet."""
    return field_name in _dirty(instance)


def mark_saved(instance: models.Model) -> None:
    """Forget which encrypted values were changed: they are in the database now."""
    _dirty(instance).clear()
