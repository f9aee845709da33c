import io
import warnings

import mutagen.id3
import mutagen.mp3
import mutagen.mp4
import mutagen.oggopus
import pytest
from django.core.exceptions import ValidationError
from fpdf import FPDF
from mutagen.ogg import OggPage
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from violeta.reports.sanitize import has_location, metadata_strip

MODEL = "Modelo-Secreto-X1"
AUTHOR = "Ana Testigo"


# --- Builders -----------------------------------------------------------------------------------


def _exif(*, orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "ViolPhone"
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.DateTime] = "2025:03:08 10:15:00"
    exif[ExifTags.Base.Artist] = AUTHOR
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (19.0, 25.0, 10.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (99.0, 8.0, 2.25)
    return exif


def _two_colour_image(size: tuple[int, int] = (40, 20)) -> Image.Image:
    """Red on the left half, blue on the right: a rotation moves the colours."""
    image = Image.new("RGB", size, (255, 0, 0))
    image.paste((0, 0, 255), (size[0] // 2, 0, size[0], size[1]))
    return image


def _photo(*, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    _two_colour_image().save(
        out,
        "JPEG",
        exif=_exif(orientation=orientation),
        comment=f"Tomada por {AUTHOR}".encode(),
        xmp=f'<x:xmpmeta><rdf:Description exif:GPSLatitude="19,25N" dc:creator="{AUTHOR}"/>'
        "</x:xmpmeta>".encode(),
    )
    return out.getvalue()


def _mp3_frames(count: int = 20) -> bytes:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames of silence.
    return (b"\xff\xfb\x90\x64" + bytes(413)) * count


def _box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def _m4a(samples: bytes) -> bytes:
    mvhd = _box(
        b"mvhd",
        bytes(4) + bytes(8) + (1000).to_bytes(4, "big") + (2000).to_bytes(4, "big") + bytes(80),
    )
    ilst = _box(
        b"ilst",
        _box(b"\xa9nam", _box(b"data", (1).to_bytes(4, "big") + bytes(4) + b"Calle Falsa 123"))
        + _box(b"\xa9ART", _box(b"data", (1).to_bytes(4, "big") + bytes(4) + AUTHOR.encode())),
    )
    hdlr = _box(b"hdlr", bytes(8) + b"mdir" + b"appl" + bytes(9))
    udta = _box(
        b"udta",
        _box(b"\xa9xyz", b"\x00\x12\x15\xc7+19.4195-099.1339/")
        + _box(b"meta", bytes(4) + hdlr + ilst),
    )
    keys = _box(b"meta", bytes(4) + _box(b"keys", b"com.apple.quicktime.location.ISO6709"))
    moov = _box(b"moov", mvhd + udta + keys)
    ftyp = _box(b"ftyp", b"M4A " + bytes(4) + b"M4A isom")
    return ftyp + moov + _box(b"mdat", samples)


def _ogg_opus() -> bytes:
    head = b"OpusHead" + bytes([1, 1]) + (312).to_bytes(2, "little") + (48000).to_bytes(4, "little")
    head += bytes(3)
    vendor = b"libopus 1.4"
    comments = [f"ARTIST={AUTHOR}".encode(), b"LOCATION=Calle Falsa 123"]
    tags = b"OpusTags" + len(vendor).to_bytes(4, "little") + vendor
    tags += len(comments).to_bytes(4, "little")
    tags += b"".join(len(c).to_bytes(4, "little") + c for c in comments)
    pages = []
    for sequence, (packet, position) in enumerate(
        [(head, 0), (tags, 0), (b"\xfc" + bytes(40), 48312)]
    ):
        page = OggPage()
        page.serial, page.sequence, page.position = 7, sequence, position
        page.first, page.last = sequence == 0, sequence == 2
        page.packets = [packet]
        pages.append(page.write())
    return b"".join(pages)


def _riff_chunk(kind: bytes, payload: bytes) -> bytes:
    return kind + len(payload).to_bytes(4, "little") + payload + b"\0" * (len(payload) & 1)


def _wav(samples: bytes, *chunks: bytes) -> bytes:
    # PCM, mono, 8 kHz, 16 bits.
    fmt = _riff_chunk(b"fmt ", bytes.fromhex("0100 0100 401f0000 803e0000 0200 1000"))
    body = b"WAVE" + fmt + b"".join(chunks[:1]) + _riff_chunk(b"data", samples)
    body += b"".join(chunks[1:])
    return b"RIFF" + len(body).to_bytes(4, "little") + body


# --- Images -------------------------------------------------------------------------------------


def test_jpeg_loses_gps_camera_author_comment_and_xmp():
    photo = _photo()
    assert MODEL.encode() in photo  # the fixture carries what must go

    clean = metadata_strip(photo, "image/jpeg")

    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert exif.get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert not {ExifTags.Base.Make, ExifTags.Base.Model, ExifTags.Base.Artist} & exif.keys()
    assert not {"exif", "xmp", "comment", "icc_profile"} & image.info.keys()
    for leaked in (MODEL, AUTHOR, "ViolPhone", "GPSLatitude", "Exif"):
        assert leaked.encode() not in clean
    assert image.size == (40, 20)


def test_jpeg_orientation_is_applied_before_the_tag_goes():
    # Orientation 6: the camera was turned; viewers rotate the stored pixels 90° clockwise.
    clean = metadata_strip(_photo(orientation=6), "image/jpeg")

    image = Image.open(io.BytesIO(clean)).convert("RGB")
    assert image.size == (20, 40)
    assert ExifTags.Base.Orientation not in image.getexif()
    assert image.getpixel((10, 5)) == pytest.approx((255, 0, 0), abs=40)  # left half on top
    assert image.getpixel((10, 35)) == pytest.approx((0, 0, 255), abs=40)


def test_png_loses_text_chunks_and_keeps_pixels_and_transparency():
    image = Image.new("RGBA", (6, 4), (10, 20, 30, 128))
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", AUTHOR)
    text.add_text("Comment", "Casa de mi tía, 3er piso", zip=True)
    text.add_itxt("Description", "Calle Falsa 123", lang="es")
    png = io.BytesIO()
    image.save(png, "PNG", pnginfo=text, exif=_exif())

    clean = metadata_strip(png.getvalue(), "image/png")

    result = Image.open(io.BytesIO(clean))
    assert result.format == "PNG"
    assert not {"Author", "Comment", "Description", "exif"} & result.info.keys()
    assert result.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    for chunk in (b"tEXt", b"zTXt", b"iTXt", b"eXIf", AUTHOR.encode()):
        assert chunk not in clean
    assert result.tobytes() == image.tobytes()


def test_has_location_tells_photos_with_gps_from_the_rest():
    plain = io.BytesIO()
    _two_colour_image().save(plain, "JPEG")

    assert has_location(_photo(), "image/jpeg")
    assert not has_location(plain.getvalue(), "image/jpeg")
    assert not has_location(metadata_strip(_photo(), "image/jpeg"), "image/jpeg")
    assert not has_location(_wav(bytes(8)), "audio/wav")


def test_corrupted_jpeg_is_refused_naming_the_file():
    broken = _photo()[:300]

    with pytest.raises(ValidationError) as caught:
        metadata_strip(broken, "image/jpeg", filename="C:\\Fotos\\golpe.jpg")

    assert caught.value.code == "attachment_unreadable"
    assert caught.value.messages == [
        "No se pudo limpiar el archivo «golpe.jpg»: está dañado o no es un JPEG válido."
    ]


@pytest.mark.parametrize("pillow_warning", ["ignore", "error"])
def test_image_over_the_pixel_limit_is_refused(monkeypatch, pillow_warning):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 500)

    with warnings.catch_warnings(), pytest.raises(ValidationError) as caught:
        # "error" is how a deployment might turn Pillow's warning into an exception.
        warnings.simplefilter(pillow_warning, Image.DecompressionBombWarning)
        metadata_strip(_photo(), "image/jpeg")

    assert caught.value.code == "attachment_too_many_pixels"
    assert "demasiado grande" in caught.value.messages[0]


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_with_metadata() -> bytes:
    pdf = FPDF()
    pdf.set_author(AUTHOR)
    pdf.set_title("Denuncia de acoso")
    pdf.set_creator("Procesador de ViolPhone")
    pdf.set_xmp_metadata(
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:creator>{AUTHOR}</dc:creator></rdf:Description>"
    )
    pdf.set_font("helvetica", size=12)
    pdf.add_page()
    pdf.cell(text="Primera hoja del relato")
    pdf.text_annotation(20, 40, "Nota al margen", title=AUTHOR)
    pdf.image(io.BytesIO(_photo()), x=10, y=60, w=40)
    pdf.add_page()
    pdf.cell(text="Segunda hoja del relato")
    # fpdf2 puts XMP in the catalog only; editors also attach it to pages.
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(pdf.output()))))
    page_xmp = DecodedStreamObject()
    page_xmp.set_data(f"<x:xmpmeta><dc:creator>{AUTHOR} (hoja)</dc:creator></x:xmpmeta>".encode())
    page_xmp.update({NameObject("/Type"): NameObject("/Metadata")})
    writer.pages[1][NameObject("/Metadata")] = writer._add_object(page_xmp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_loses_info_xmp_and_annotation_author_and_keeps_pages():
    original = _pdf_with_metadata()
    for carried in (AUTHOR, f"{AUTHOR} (hoja)", MODEL):
        assert carried.encode() in original

    clean = metadata_strip(original, "application/pdf")

    reader = PdfReader(io.BytesIO(clean))
    assert not reader.metadata
    assert reader.xmp_metadata is None
    assert "/Metadata" not in reader.root_object
    assert len(reader.pages) == 2
    assert "Primera hoja del relato" in reader.pages[0].extract_text()
    assert "Segunda hoja del relato" in reader.pages[1].extract_text()
    (annotation,) = (a.get_object() for a in reader.pages[0].annotations or ())
    assert annotation["/Contents"] == "Nota al margen"
    assert "/T" not in annotation
    (image,) = reader.pages[0].images
    assert image.image is not None
    assert image.image.size == (40, 20)
    for leaked in (AUTHOR, MODEL, "Denuncia de acoso", "ViolPhone", "xmpmeta", "Exif"):
        assert leaked.encode() not in clean


def test_encrypted_pdf_is_refused():
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_pdf_with_metadata())))
    writer.encrypt("secreto")
    encrypted = io.BytesIO()
    writer.write(encrypted)

    with pytest.raises(ValidationError) as caught:
        metadata_strip(encrypted.getvalue(), "application/pdf", filename="acta.pdf")

    assert caught.value.code == "attachment_encrypted"
    assert caught.value.messages == [
        "No se pudo limpiar el archivo «acta.pdf»: el PDF está protegido con contraseña. "
        "Quita la protección y vuelve a enviarlo."
    ]


# --- Audio --------------------------------------------------------------------------------------


def test_mp3_loses_id3v2_and_id3v1():
    buffer = io.BytesIO(_mp3_frames())
    tags = mutagen.id3.ID3()
    tags.add(mutagen.id3.TIT2(encoding=3, text="Grabación en la oficina"))
    tags.add(mutagen.id3.TPE1(encoding=3, text=AUTHOR))
    tags.add(mutagen.id3.COMM(encoding=3, lang="spa", desc="", text="Calle Falsa 123"))
    tags.save(buffer, v1=2)
    tagged = buffer.getvalue()
    assert tagged.startswith(b"ID3") and tagged[-128:].startswith(b"TAG")

    clean = metadata_strip(tagged, "audio/mpeg")

    assert clean == _mp3_frames()
    assert mutagen.mp3.MP3(io.BytesIO(clean)).tags is None


def test_m4a_loses_tags_and_location_and_keeps_samples_in_place():
    samples = bytes(range(256)) * 4
    original = _m4a(samples)
    tags = mutagen.mp4.MP4(io.BytesIO(original)).tags
    assert tags is not None and tags["\xa9ART"] == [AUTHOR]

    clean = metadata_strip(original, "audio/mp4")

    assert len(clean) == len(original)
    assert clean.index(samples) == original.index(samples)
    assert not mutagen.mp4.MP4(io.BytesIO(clean)).tags
    for leaked in (AUTHOR, "Calle Falsa", "+19.4195", "quicktime.location"):
        assert leaked.encode() not in clean


def test_ogg_loses_comments():
    original = _ogg_opus()
    tags = mutagen.oggopus.OggOpus(io.BytesIO(original)).tags
    assert tags is not None and tags["ARTIST"] == [AUTHOR]

    clean = metadata_strip(original, "audio/ogg")

    audio = mutagen.oggopus.OggOpus(io.BytesIO(clean))
    assert not audio.tags
    assert audio.info is not None and audio.info.length == pytest.approx(1.0)
    assert AUTHOR.encode() not in clean and b"Calle Falsa" not in clean


def test_wav_loses_info_and_other_chunks_and_keeps_samples():
    samples = bytes(range(200)) + b"\x01"  # odd length: padded
    info = _riff_chunk(b"LIST", b"INFO" + _riff_chunk(b"IART", AUTHOR.encode() + b"\0"))
    bext = _riff_chunk(b"bext", b"Grabadora de ViolPhone".ljust(602, b"\0"))
    id3 = _riff_chunk(b"id3 ", b"ID3" + AUTHOR.encode())
    original = _wav(samples, bext, info, id3)

    clean = metadata_strip(original, "audio/wav")

    assert clean == _wav(samples)
    assert int.from_bytes(clean[4:8], "little") == len(clean) - 8


def test_cut_off_wav_keeps_the_samples_it_has():
    samples = bytes(range(100))
    complete = _wav(samples)
    # The recorder wrote a data size it never reached, and a LIST chunk before the data.
    info = _riff_chunk(b"LIST", b"INFOIART" + (4).to_bytes(4, "little") + b"Ana\0")
    cut = complete[:36] + info + b"data" + (10_000).to_bytes(4, "little") + samples

    assert metadata_strip(cut, "audio/wav") == complete


def test_unknown_content_type_is_a_programming_error():
    with pytest.raises(ValueError, match="text/html"):
        metadata_strip(b"<p>", "text/html")
