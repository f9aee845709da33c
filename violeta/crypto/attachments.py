"""Encrypted file attachments, for any app: evidence in a procedure, uploads to a report.

A model derives from ``EncryptedAttachment``. ``attach()`` encrypts the file with the record's
own data key (AES-256-GCM, associated data binding the model and the primary key) and writes
only the ciphertext to the ``attachments`` storage (``settings.STORAGES``: a local directory by
default, S3-compatible object storage in production), under a random name that says nothing
about the file. The row keeps the original name encrypted, and in clear the type, the size and
the SHA-256 of the plaintext, which both parties can compare against a copy.

Validate an upload with ``attachment_check`` first: it decides the type from the file's first
bytes, never from the name or the browser's claim.

Files are handled whole in memory; ``attachment_check``'s ``max_bytes`` is what bounds them.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath
from types import MappingProxyType

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import models, transaction
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from violeta.crypto import envelope
from violeta.crypto.fields import EncryptedTextField
from violeta.crypto.models import EncryptedModel

STORAGE_ALIAS = "attachments"
MB = 1024 * 1024

# ISO BMFF brands of still images (HEIF/HEIC, AVIF, Canon raw): files that also carry "ftyp" at
# offset 4 but are photos, not the audio recordings that phones save as M4A/MP4.
_IMAGE_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif")

# Content type → signatures. Each signature is a regular expression over bytes, matched at the
# start of the file; literal bytes go through re.escape. The first type that matches wins.
ATTACHMENT_SIGNATURES: Mapping[str, Sequence[bytes]] = MappingProxyType(
    {
        "application/pdf": (re.escape(b"%PDF-"),),
        "image/jpeg": (re.escape(b"\xff\xd8\xff"),),
        "image/png": (re.escape(b"\x89PNG\r\n\x1a\n"),),
        "audio/mpeg": tuple(re.escape(s) for s in (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
        "audio/mp4": (b"(?s:....)ftyp(?!" + b"|".join(_IMAGE_BRANDS) + b")",),
        "audio/ogg": (re.escape(b"OggS"),),
        "audio/wav": (b"RIFF(?s:....)WAVE",),
    }
)

# Names of formats (not translated: they are the same in every language) and the extension a
# download gets, chosen from the detected type rather than from the name it was uploaded with.
_FORMAT_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "audio/mpeg": "MP3",
    "audio/mp4": "M4A",
    "audio/ogg": "OGG",
    "audio/wav": "WAV",
}
_EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/ogg": "ogg",
    "audio/wav": "wav",
}
_UNSAFE_FILENAME_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


class AttachmentError(Exception):
    """An attachment's content cannot be given."""


class AttachmentIntegrityError(AttachmentError, envelope.DecryptionError):
    """The stored file is missing, altered, or not the one recorded. Never ignored."""


class AttachmentShreddedError(AttachmentError):
    """The content no longer exists: its data key was shredded or its stored file deleted."""


def attachments_storage() -> Storage:
    return storages[STORAGE_ALIAS]


def _basename(filename: str) -> str:
    """The last part of a path, whichever separator the uploading system used."""
    return PurePosixPath(filename.replace("\\", "/")).name


class EncryptedAttachment(EncryptedModel):
    """One file, encrypted under the record's own data key. Derive a concrete model from it."""

    filename = EncryptedTextField(_("nombre original"))
    content_type = models.CharField(_("tipo de contenido"), max_length=100)
    size = models.PositiveBigIntegerField(_("tamaño en bytes"), default=0)
    # Of the plaintext, so that anyone holding a copy can check it is the same file.
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    # Random; empty once the stored file has been deleted (blob_delete).
    blob_name = models.CharField(_("nombre en el almacenamiento"), max_length=255, blank=True)
    stored_at = models.DateTimeField(_("guardado"), default=timezone.now)

    class Meta:
        abstract = True

    def _blob_aad(self) -> bytes:
        return envelope.blob_aad(label=self._meta.label, pk=self.pk)

    def _dek(self) -> bytes | None:
        from violeta.crypto.services import data_key_open

        return None if self.data_key is None else data_key_open(data_key=self.data_key)

    def attach(self, data: bytes, *, filename: str, content_type: str) -> None:
        """Encrypt and store ``data``; save the instance afterwards to record it.

        ``content_type`` should be what ``attachment_check`` detected. An attachment holds one
        file for life (evidence is not replaced): attach another record for a new file. If the
        row is never saved, the stored ciphertext is left behind, unreadable once its data key
        is gone (a data key created here rolls back with the caller's transaction).
        """
        if self.sha256 or self.blob_name:
            raise AttachmentError("This attachment already holds a file.")
        if self.data_key_id is None:
            from violeta.crypto.services import data_key_create

            self.data_key = data_key_create(owner=self._meta.label)
        dek = self._dek()
        if dek is None:
            raise AttachmentShreddedError("This record's data key was shredded.")
        blob = envelope.encrypt_bytes(dek, data, aad=self._blob_aad())
        # Not derived from the file or the record: the storage's listing reveals nothing.
        self.blob_name = attachments_storage().save(uuid.uuid4().hex, ContentFile(blob))
        self.filename = _basename(filename)
        self.content_type = content_type
        self.size = len(data)
        self.sha256 = hashlib.sha256(data).hexdigest()
        self.stored_at = timezone.now()

    def read(self) -> bytes:
        """The plaintext, after checking it against the recorded SHA-256."""
        if not self.sha256:
            raise AttachmentError("No file was attached.")
        dek = self._dek()
        if dek is None or not self.blob_name:
            raise AttachmentShreddedError("This attachment's content was destroyed.")
        try:
            with attachments_storage().open(self.blob_name, "rb") as stored:
                blob = stored.read()
        except FileNotFoundError as exc:
            raise AttachmentIntegrityError("The stored file is missing.") from exc
        try:
            data = envelope.decrypt_bytes(dek, blob, aad=self._blob_aad())
        except envelope.DecryptionError as exc:
            raise AttachmentIntegrityError(f"The stored file does not decrypt: {exc}") from exc
        # A blob of this same record written earlier decrypts too; the digest tells them apart.
        if hashlib.sha256(data).hexdigest() != self.sha256:
            raise AttachmentIntegrityError("The stored file is not the one recorded.")
        return data

    def blob_delete(self) -> None:
        """Delete the stored ciphertext once the current transaction commits.

        The row keeps its type, size and digest, and ``read()`` then raises
        ``AttachmentShreddedError``. Together with ``record_shred`` this destroys the file.
        """
        name = self.blob_name
        if not name:
            return
        self.blob_name = ""
        if not self._state.adding:
            type(self)._default_manager.filter(pk=self.pk).update(blob_name="")
        # After the commit: a rolled-back transaction must not leave a row without its file.
        transaction.on_commit(lambda: attachments_storage().delete(name))


def _format_mb(max_bytes: int) -> str:
    whole = max_bytes % MB == 0
    return formats.number_format(max_bytes / MB, decimal_pos=0 if whole else 1)


def attachment_check(
    data: bytes,
    *,
    filename: str,
    allowed: Mapping[str, Sequence[bytes]] | None = None,
    max_bytes: int,
) -> str:
    """The file's content type, detected from its first bytes; ``ValidationError`` if it is
    too big, empty or of a type not in ``allowed`` (``ATTACHMENT_SIGNATURES`` by default)."""
    name = _basename(filename)[:80]
    if len(data) > max_bytes:
        raise ValidationError(
            _("El archivo «%(name)s» pesa más de %(limit)s MB, el máximo permitido."),
            code="attachment_too_big",
            params={"name": name, "limit": _format_mb(max_bytes)},
        )
    if not data:
        raise ValidationError(
            _("El archivo «%(name)s» está vacío."),
            code="attachment_empty",
            params={"name": name},
        )
    signatures = ATTACHMENT_SIGNATURES if allowed is None else allowed
    for content_type, patterns in signatures.items():
        if any(re.match(pattern, data) for pattern in patterns):
            return content_type
    if allowed is None:
        raise ValidationError(
            _("Tipo de archivo no permitido: sólo PDF, imágenes JPEG o PNG y audio."),
            code="attachment_type",
            params={"name": name},
        )
    raise ValidationError(
        _("Tipo de archivo no permitido: sólo %(formats)s."),
        code="attachment_type",
        params={
            "name": name,
            "formats": ", ".join(_FORMAT_NAMES.get(ct, ct) for ct in signatures),
        },
    )


def download_name(filename: str, content_type: str) -> str:
    """An ASCII file name without paths or quotes, its extension from the detected type:
    ("Fotografía del oficio.pdf", "image/png") → "Fotografia_del_oficio.png"."""
    stem = _basename(filename)
    extension = _EXTENSIONS.get(content_type)
    if extension and "." in stem:
        stem = stem.rsplit(".", 1)[0]
    ascii_name = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = _UNSAFE_FILENAME_CHARACTERS.sub("_", ascii_name).strip("._-")[:120] or "adjunto"
    return f"{name}.{extension}" if extension else name


def attachment_response(att: EncryptedAttachment, *, as_attachment: bool = True) -> HttpResponse:
    """Send an attachment's plaintext that neither the browser nor any proxy keeps a copy of.

    Raises ``AttachmentShreddedError`` or ``AttachmentIntegrityError`` as ``read()`` does. Only
    the types ``attachment_check`` knows are shown inline; anything else is a download of
    ``application/octet-stream``, so no stored type can make the browser run it as a page.
    """
    data = att.read()
    content_type = att.content_type
    if content_type not in ATTACHMENT_SIGNATURES:
        content_type, as_attachment = "application/octet-stream", True
    response = HttpResponse(data, content_type=content_type)
    disposition = "attachment" if as_attachment else "inline"
    # download_name() leaves only [A-Za-z0-9._-]: nothing to quote or encode.
    filename = download_name(att.filename or "", content_type)
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Content-Length"] = str(len(data))
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response
