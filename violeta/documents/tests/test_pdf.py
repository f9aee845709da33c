"""Official PDF documents: text, letterhead, footer, watermark, metadata and the download."""

from __future__ import annotations

import io
import re

import pytest
import segno
from pypdf import PdfReader

from violeta.documents.pdf import OfficialDocument, pdf_response, safe_filename
from violeta.documents.testing import pdf_metadata, pdf_page_texts, pdf_text

TITLE = "Constancia de canalización"
PERSON = "Ñeri Bautista Cruzʼ"
LONG_TEXT = " ".join(f"renglón{number}" for number in range(1200))


def _document(**kwargs: str) -> OfficialDocument:
    options = {
        "title": TITLE,
        "issuer": "Instituto Municipal de las Mujeres",
        "issuer_detail": "Av. Juárez 123, Chihuahua",
        "reference": "Folio IMM-2025-0042",
    }
    options.update(kwargs)
    return OfficialDocument(**options)


def _qr_png() -> bytes:
    buffer = io.BytesIO()
    segno.make("https://violeta.example/v/abc").save(buffer, kind="png", scale=4)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def full_document() -> bytes:
    document = _document(watermark="COPIA PARA FISCALÍA")
    document.heading("Datos de la persona usuaria")
    document.paragraph("Primera línea del relato\nSegunda línea: niña, señor, pingüino")
    document.fields([("Nombre", PERSON), ("Domicilio", ""), ("Teléfono", "   ")])
    document.bullets(["Atención psicológica", "Asesoría jurídica en Guachochi"])
    document.table(
        ["Fecha", "Institución", "Estado"],
        [["2025-03-01", "Fiscalía Especializada en la Mujer", "Enviada"]],
    )
    document.image_png(_qr_png(), width_mm=25)
    document.signature("Lic. Ramona Batista", "Coordinadora de Atención")
    return document.output()


def test_output_is_a_pdf(full_document: bytes) -> None:
    assert full_document.startswith(b"%PDF")


def test_text_of_every_call_is_extractable(full_document: bytes) -> None:
    text = pdf_text(full_document)

    for expected in (
        "Instituto Municipal de las Mujeres",
        "Av. Juárez 123, Chihuahua",
        TITLE,
        "Folio IMM-2025-0042",
        "Datos de la persona usuaria",
        "Segunda línea: niña, señor, pingüino",
        "Nombre",
        PERSON,
        "Atención psicológica",
        "Asesoría jurídica en Guachochi",
        "Fecha",
        "Fiscalía Especializada en la Mujer",
        "Lic. Ramona Batista",
        "Coordinadora de Atención",
    ):
        assert expected in text


def test_paragraph_keeps_its_line_breaks(full_document: bytes) -> None:
    assert "Primera línea del relato\nSegunda línea" in pdf_text(full_document)


def test_empty_field_value_prints_a_dash(full_document: bytes) -> None:
    text = pdf_text(full_document)

    assert re.search(r"Domicilio\s*—", text)
    assert re.search(r"Teléfono\s*—", text)


def test_image_is_embedded(full_document: bytes) -> None:
    assert len(PdfReader(io.BytesIO(full_document)).pages[0].images) == 1


def test_default_footer_is_the_confidentiality_notice(full_document: bytes) -> None:
    assert "Documento confidencial: contiene datos personales sensibles." in pdf_text(full_document)


def test_custom_footer_replaces_the_notice() -> None:
    document = _document(footer="Uso exclusivo del Comité de Ética")

    text = pdf_text(document.output())

    assert "Uso exclusivo del Comité de Ética" in text
    assert "Documento confidencial" not in text


def test_pages_are_numbered_with_the_total() -> None:
    document = _document()
    # Sixty lines of body text fill one page and spill onto a second.
    document.paragraph("\n".join(f"línea {number}" for number in range(60)))

    pages = pdf_page_texts(document.output())

    assert len(pages) == 2
    assert "Página 1 de 2" in pages[0]
    assert "Página 2 de 2" in pages[1]


def test_letterhead_and_watermark_are_on_every_page() -> None:
    document = _document(watermark="COPIA CONTROLADA")
    document.paragraph(LONG_TEXT)

    pages = pdf_page_texts(document.output())

    assert len(pages) >= 3
    for page in pages:
        assert "COPIA CONTROLADA" in page
        assert "Folio IMM-2025-0042" in page
        assert TITLE in page


def test_field_value_longer_than_a_page_continues_on_the_next() -> None:
    document = _document()
    document.fields([("Relato", LONG_TEXT), ("Después", "sigue")])

    data = document.output()

    assert len(pdf_page_texts(data)) >= 3
    text = pdf_text(data)
    assert "renglón1199" in text
    assert "sigue" in text


def test_table_header_repeats_on_every_page() -> None:
    document = _document()
    document.table(
        ["Columna única de encabezado", "Detalle"],
        [[f"fila {number}", "texto " * 20] for number in range(80)],
    )

    pages = pdf_page_texts(document.output())

    assert len(pages) >= 2
    for page in pages:
        assert "Columna única de encabezado" in page
    assert "fila 79" in pages[-1]


def test_table_rows_must_match_the_header() -> None:
    with pytest.raises(ValueError, match="Row 0"):
        _document().table(["A", "B"], [["solo una"]])


def test_image_png_refuses_other_formats() -> None:
    with pytest.raises(ValueError, match="PNG"):
        _document().image_png(b"GIF89a", width_mm=20)


def test_nothing_can_be_added_after_output() -> None:
    document = _document()
    first = document.output()

    assert document.output() == first
    with pytest.raises(RuntimeError):
        document.paragraph("tarde")


def test_metadata_holds_the_title_and_no_personal_data(full_document: bytes) -> None:
    metadata = pdf_metadata(full_document)

    assert metadata["/Title"] == TITLE
    assert metadata["/Creator"] == "Violeta"
    assert metadata["/Producer"] == "Violeta"
    assert set(metadata) <= {"/Title", "/Creator", "/Producer", "/CreationDate"}
    for value in metadata.values():
        assert "Ñeri" not in value
        assert "Ramona" not in value
        assert "Juárez" not in value


def test_pdf_response_is_a_private_uncached_attachment() -> None:
    response = pdf_response(b"%PDF-1.4 test", filename="Constancia Núñez/2025:01.pdf")

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="Constancia_Nunez_2025_01.pdf"'
    )
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= cache_control
    assert response.content == b"%PDF-1.4 test"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "etc_passwd.pdf"),
        ('canalización "IMM".pdf', "canalizacion_IMM_.pdf"),
        ("¿?", "documento.pdf"),
        ("folio-2025.PDF", "folio-2025.PDF"),
    ],
)
def test_safe_filename_is_plain_ascii(given: str, expected: str) -> None:
    assert safe_filename(given) == expected
