"""Encrypted attachments, on a concrete model that exists only for these tests.

The model lives in an isolated app registry (so no migration, and nothing that walks
``apps.get_models()`` elsewhere ever sees it); its table is created before this module's tests
and dropped after them, outside any test transaction, as SQLite's schema editor requires.
"""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.test.utils import isolate_apps

from violeta.crypto import envelope
from violeta.crypto.attachments import (
    MB,
    AttachmentError,
    AttachmentIntegrityError,
    AttachmentShreddedError,
    EncryptedAttachment,
    attachment_check,
    attachment_response,
    attachments_storage,
    download_name,
)
from violeta.crypto.services import data_key_shred

with isolate_apps("violeta.crypto"):

    class Evidence(EncryptedAttachment):
        objects: models.Manager["Evidence"] = models.Manager()

        class Meta:
            app_label = "crypto"


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n"
SECRET_TEXT = b"Me dijo que si hablaba me corria de la oficina 3B"
SECRET_NAME = "Captura de pantalla Quiñones.pdf"


@pytest.fixture(scope="module")
def evidence_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            editor.create_model(Evidence)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(Evidence)


@pytest.fixture
def storage_dir(settings, tmp_path) -> Path:
    location = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location)},
        },
    }
    return location


@pytest.fixture
def evidence(evidence_table, db, storage_dir) -> Evidence:
    att = Evidence()
    att.attach(PDF + SECRET_TEXT, filename=SECRET_NAME, content_type="application/pdf")
    att.save()
    return att


def stored_bytes(att: EncryptedAttachment) -> bytes:
    with attachments_storage().open(att.blob_name, "rb") as stored:
        return stored.read()


# --- Storing and reading --------------------------------------------------------------------


def test_a_file_round_trips_through_storage_and_database(evidence):
    fresh = Evidence.objects.get(pk=evidence.pk)
    assert fresh.read() == PDF + SECRET_TEXT
    assert fresh.filename == SECRET_NAME
    assert fresh.content_type == "application/pdf"
    assert fresh.size == len(PDF + SECRET_TEXT)


def test_the_recorded_digest_is_the_sha256_of_the_plaintext(evidence):
    fresh = Evidence.objects.get(pk=evidence.pk)
    assert fresh.sha256 == hashlib.sha256(PDF + SECRET_TEXT).hexdigest()


def test_storage_holds_neither_the_content_nor_the_name(evidence, storage_dir):
    files = [path for path in storage_dir.rglob("*") if path.is_file()]
    assert [path.name for path in files] == [evidence.blob_name]
    assert len(evidence.blob_name) == 32
    assert "." not in evidence.blob_name
    raw = files[0].read_bytes()
    for secret in (SECRET_TEXT, b"oficina 3B", b"%PDF-", SECRET_NAME.encode(), b"Captura"):
        assert secret not in raw
    for word in ("Captura", "Quiñones", ".pdf"):
        assert word not in evidence.blob_name


def test_the_database_holds_the_original_name_only_encrypted(evidence):
    stored = Evidence.objects.filter(pk=evidence.pk).values_list("filename", flat=True).get()
    assert "Captura" not in stored
    assert "Quiñones" not in stored


def test_a_file_can_be_attached_before_the_record_has_a_data_key(evidence_table, db, storage_dir):
    att = Evidence()
    assert att.data_key_id is None
    att.attach(PNG, filename="foto.png", content_type="image/png")
    att.save()
    assert Evidence.objects.get(pk=att.pk).read() == PNG


def test_an_attachment_holds_one_file_for_life(evidence):
    with pytest.raises(AttachmentError, match="already holds a file"):
        evidence.attach(PNG, filename="otra.png", content_type="image/png")


def test_reading_before_attaching_fails_clearly(evidence_table, db, storage_dir):
    with pytest.raises(AttachmentError, match="No file was attached"):
        Evidence().read()


# --- Integrity ------------------------------------------------------------------------------


def test_a_changed_byte_in_storage_fails_loudly(evidence, storage_dir):
    path = storage_dir / evidence.blob_name
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(AttachmentIntegrityError, match="does not decrypt"):
        Evidence.objects.get(pk=evidence.pk).read()


def test_another_records_file_swapped_in_fails_loudly(evidence, storage_dir):
    other = Evidence()
    other.attach(PNG, filename="foto.png", content_type="image/png")
    other.save()
    (storage_dir / evidence.blob_name).write_bytes(stored_bytes(other))
    with pytest.raises(AttachmentIntegrityError):
        Evidence.objects.get(pk=evidence.pk).read()


def test_a_changed_digest_in_the_database_fails_loudly(evidence):
    Evidence.objects.filter(pk=evidence.pk).update(sha256="0" * 64)
    with pytest.raises(AttachmentIntegrityError, match="not the one recorded"):
        Evidence.objects.get(pk=evidence.pk).read()


def test_a_missing_stored_file_fails_loudly(evidence, storage_dir):
    (storage_dir / evidence.blob_name).unlink()
    with pytest.raises(AttachmentIntegrityError, match="missing"):
        Evidence.objects.get(pk=evidence.pk).read()


def test_the_file_cipher_refuses_other_associated_data():
    key = b"k" * 32
    blob = envelope.encrypt_bytes(key, b"datos", aad=envelope.blob_aad(label="a.B", pk="1"))
    assert envelope.decrypt_bytes(key, blob, aad=envelope.blob_aad(label="a.B", pk="1")) == (
        b"datos"
    )
    for aad in (
        envelope.blob_aad(label="a.B", pk="2"),
        envelope.blob_aad(label="a.C", pk="1"),
        envelope.field_aad(label="a.B", field="blob", pk="1"),
    ):
        with pytest.raises(envelope.DecryptionError):
            envelope.decrypt_bytes(key, blob, aad=aad)


@pytest.mark.parametrize("blob", [b"", b"VLTB1\x00short", b"v1.AAAA", b"\x00" * 64])
def test_malformed_file_ciphertexts_fail_loudly(blob):
    with pytest.raises(envelope.DecryptionError):
        envelope.decrypt_bytes(b"k" * 32, blob, aad=b"x")


# --- Destruction ----------------------------------------------------------------------------


def test_a_shredded_data_key_makes_the_file_unreadable(evidence):
    assert evidence.data_key is not None
    data_key_shred(data_key=evidence.data_key)
    fresh = Evidence.objects.get(pk=evidence.pk)
    assert fresh.is_shredded is True
    with pytest.raises(AttachmentShreddedError, match="destroyed"):
        fresh.read()
    # What stays readable says nothing of the content, and the type, size and digest remain.
    assert fresh.filename is None
    assert fresh.sha256 == hashlib.sha256(PDF + SECRET_TEXT).hexdigest()


def test_blob_delete_removes_the_ciphertext_once_committed(
    evidence, storage_dir, django_capture_on_commit_callbacks
):
    path = storage_dir / evidence.blob_name
    with django_capture_on_commit_callbacks(execute=True):
        evidence.blob_delete()
    assert not path.exists()
    fresh = Evidence.objects.get(pk=evidence.pk)
    assert fresh.blob_name == ""
    with pytest.raises(AttachmentShreddedError):
        fresh.read()


def test_blob_delete_keeps_the_file_while_the_transaction_is_open(
    evidence, storage_dir, django_capture_on_commit_callbacks
):
    path = storage_dir / evidence.blob_name
    with django_capture_on_commit_callbacks(execute=False):
        evidence.blob_delete()
    assert path.exists()


# --- Detecting the type ---------------------------------------------------------------------

MP4_AUDIO = b"\x00\x00\x00\x20ftypM4A \x00\x00\x02\x00M4A isom"
HEIC_PHOTO = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (PDF, "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
        (PNG, "image/png"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (b"\xff\xf3\x90\x64\x00", "audio/mpeg"),
        (b"\xff\xf2\x90\x64\x00", "audio/mpeg"),
        (MP4_AUDIO, "audio/mp4"),
        (b"OggS\x00\x02\x00\x00", "audio/ogg"),
        (b"RIFF\x24\x08\x00\x00WAVEfmt ", "audio/wav"),
    ],
)
def test_the_type_comes_from_the_first_bytes(data, expected):
    assert attachment_check(data, filename="archivo", max_bytes=MB) == expected


def test_a_png_named_pdf_is_detected_as_png():
    assert attachment_check(PNG, filename="oficio.pdf", max_bytes=MB) == "image/png"


@pytest.mark.parametrize(
    "data",
    [
        b"Esto es texto plano, no un PDF.",
        b"<html><script>alert(1)</script></html>",
        HEIC_PHOTO,
        b"RIFF\x24\x08\x00\x00AVI LIST",
        b" %PDF-1.7",
    ],
)
def test_other_content_is_refused_whatever_its_name(data):
    with pytest.raises(ValidationError) as caught:
        attachment_check(data, filename="x.pdf", max_bytes=MB)
    assert caught.value.code == "attachment_type"
    assert caught.value.messages == [
        "Tipo de archivo no permitido: sólo PDF, imágenes JPEG o PNG y audio."
    ]


def test_a_file_over_the_limit_is_refused_naming_the_limit_in_mb():
    with pytest.raises(ValidationError) as caught:
        attachment_check(PDF + b"\x00" * (2 * MB), filename="C:\\fotos\\acta.pdf", max_bytes=2 * MB)
    assert caught.value.code == "attachment_too_big"
    assert caught.value.messages == ["El archivo «acta.pdf» pesa más de 2 MB, el máximo permitido."]


def test_a_file_at_the_limit_is_accepted():
    data = PDF + b"\x00" * (MB - len(PDF))
    assert attachment_check(data, filename="acta.pdf", max_bytes=MB) == "application/pdf"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError) as caught:
        attachment_check(b"", filename="vacio.pdf", max_bytes=MB)
    assert caught.value.messages == ["El archivo «vacio.pdf» está vacío."]


def test_a_narrower_allowed_set_refuses_other_types_and_names_what_it_accepts():
    only_pdf = {"application/pdf": [b"%PDF-"]}
    assert attachment_check(PDF, filename="a.pdf", allowed=only_pdf, max_bytes=MB) == (
        "application/pdf"
    )
    with pytest.raises(ValidationError) as caught:
        attachment_check(PNG, filename="a.png", allowed=only_pdf, max_bytes=MB)
    assert caught.value.messages == ["Tipo de archivo no permitido: sólo PDF."]


# --- Sending --------------------------------------------------------------------------------


def test_the_response_is_private_unsniffable_and_has_a_safe_ascii_name(evidence):
    response = attachment_response(Evidence.objects.get(pk=evidence.pk))
    assert response.content == PDF + SECRET_TEXT
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Captura_de_pantalla_Quinones.pdf"'
    )
    assert response["Cache-Control"] == "no-store, private"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_inline_response_names_the_detected_type(evidence_table, db, storage_dir):
    att = Evidence()
    att.attach(PNG, filename="../../oficio.pdf", content_type="image/png")
    att.save()
    response = attachment_response(att, as_attachment=False)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="oficio.png"'


def test_an_unknown_stored_type_is_only_ever_a_download(evidence_table, db, storage_dir):
    att = Evidence()
    att.attach(b"<script>alert(1)</script>", filename="x.html", content_type="text/html")
    att.save()
    response = attachment_response(att, as_attachment=False)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("filename", "content_type", "expected"),
    [
        ("Fotografía del oficio.pdf", "image/png", "Fotografia_del_oficio.png"),
        ('a"b;c.mp3', "audio/mpeg", "a_b_c.mp3"),
        ("¿¿??", "application/pdf", "adjunto.pdf"),
        ("/etc/passwd", "application/pdf", "passwd.pdf"),
    ],
)
def test_download_names_are_ascii_without_paths_or_quotes(filename, content_type, expected):
    assert download_name(filename, content_type) == expected
