"""Copies of uploaded files without the metadata that could identify or locate their author.

A phone photo carries the GPS position where it was taken and the phone's make and model; a
PDF, its author's name and the software's; a recording, titles and the place it was made. An
anonymous report must not hand any of that over, so ``metadata_strip`` runs on every upload
after ``attachment_check`` and before ``EncryptedAttachment.attach``:

- JPEG and PNG are decoded and encoded again, upright, with nothing but the pixels (and a PNG's
  transparency). No EXIF, XMP, ICC profile, comment or text chunk survives, nor anything after
  the image (the extra pictures of an MPO, vendor trailers).
- PDF: the pages are copied into a new document without the information dictionary, and every
  object they reach loses its XMP stream and private application data; markup annotations lose
  their author and dates, and JPEG images their APPn segments (EXIF with GPS, as phones wrote
  them) and comments. Document-level parts (outline, form definition, attached files) are not
  copied. Password-protected PDFs are refused: they cannot be read to be cleaned.
- MP3 loses its ID3v1, ID3v2 and APEv2 tags; OGG its comments (the encoder's vendor string
  stays); M4A its ``udta``, ``meta`` and ``uuid`` boxes (iTunes tags, QuickTime location, XMP),
  blanked in place so that the offsets of the audio samples stay right.
- WAV keeps only its ``fmt ``, ``fact`` and ``data`` chunks.

Anything that cannot be read is refused with a ``ValidationError``, never stored as it came:
the parsers see hostile input, and no error of theirs can promise a clean copy.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType

import mutagen
import mutagen.apev2
import mutagen.id3
import mutagen.mp3
import mutagen.mp4
import mutagen.ogg
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    PdfObject,
    StreamObject,
)

logger = logging.getLogger(__name__)


class _Refused(Exception):
    """A file this module will not clean, for a reason the uploader can act on."""

    def __init__(self, reason: Promise | str, code: str) -> None:
        super().__init__(code)
        self.reason = reason
        self.code = code


# --- Images -------------------------------------------------------------------------------------


def _pixels_check(size: tuple[int, int]) -> None:
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that, and a warning filter is
    # process-wide state; checking the size here enforces the limit in every thread.
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and size[0] * size[1] > limit:
        raise _Refused(_too_many_pixels_reason(), "attachment_too_many_pixels")


def _too_many_pixels_reason() -> str:
    limit = Image.MAX_IMAGE_PIXELS or 0
    return _("la imagen es demasiado grande (más de %(limit)s megapíxeles).") % {
        "limit": formats.number_format(limit / 1_000_000, decimal_pos=0)
    }


def _image_strip(data: bytes, image_format: str) -> bytes:
    with Image.open(io.BytesIO(data), formats=[image_format]) as image:
        _pixels_check(image.size)
        image.load()
        try:
            clean = ImageOps.exif_transpose(image)
        except Exception:
            # Unreadable EXIF is dropped all the same; only the picture's rotation is lost.
            clean = image.copy()
    # Everything in .info but the transparency is metadata, and Pillow writes some of it back
    # (a JPEG's comment, a PNG's ICC profile) unless told otherwise.
    transparency = clean.info.get("transparency")
    clean.info = {} if transparency is None else {"transparency": transparency}
    out = io.BytesIO()
    if image_format == "JPEG":
        clean.save(out, "JPEG", quality=90, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def _jpeg_strip(data: bytes) -> bytes:
    return _image_strip(data, "JPEG")


def _png_strip(data: bytes) -> bytes:
    return _image_strip(data, "PNG")


# APP0 (JFIF) and APP14 (Adobe) tell a decoder how to read the colours; the other APPn segments
# hold EXIF, XMP, ICC profiles, MPF and vendor data, and COM holds free text.
_JPEG_DROPPED_MARKERS = frozenset({*range(0xE1, 0xEE), 0xEF, 0xFE})


def _jpeg_segments_strip(data: bytes) -> bytes:
    """A JPEG's own bytes without its metadata segments and whatever follows its end, for
    images that must not be encoded again (those inside a PDF)."""
    if not data.startswith(b"\xff\xd8"):
        raise ValueError("not a JPEG stream")
    out = bytearray(b"\xff\xd8")
    pos, size = 2, len(data)
    while pos + 1 < size:
        if data[pos] != 0xFF:
            raise ValueError("JPEG marker expected")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == 0xD9:  # EOI
            out += b"\xff\xd9"
            return bytes(out)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            out += data[pos : pos + 2]
            pos += 2
            continue
        end = pos + 2 + int.from_bytes(data[pos + 2 : pos + 4], "big")
        if end <= pos + 3 or end > size:
            raise ValueError("JPEG segment out of bounds")
        if marker not in _JPEG_DROPPED_MARKERS:
            out += data[pos:end]
        pos = end
        if marker == 0xDA:  # SOS: entropy-coded data until a marker other than 0xFF00 or RSTn
            scan_end = pos
            while (scan_end := data.find(b"\xff", scan_end)) != -1 and scan_end + 1 < size:
                following = data[scan_end + 1]
                if following != 0x00 and not 0xD0 <= following <= 0xD7:
                    break
                scan_end += 2
            else:
                scan_end = size  # no EOI: keep the scan as it is, as viewers show it
            out += data[pos:scan_end]
            pos = scan_end
    return bytes(out)


# --- PDF ----------------------------------------------------------------------------------------

# /Metadata is an XMP stream (author, tools, dates, sometimes a photo's EXIF); /PieceInfo holds
# the private data of the application that made the object, with /LastModified its date.
_PDF_METADATA_KEYS = ("/Metadata", "/PieceInfo", "/LastModified")
# Annotations whose /T is their author's name (PDF 2.0, 12.5.6.2) rather than a field's name.
_PDF_MARKUP_ANNOTATIONS = frozenset(
    {
        "/Text",
        "/FreeText",
        "/Line",
        "/Square",
        "/Circle",
        "/Polygon",
        "/PolyLine",
        "/Highlight",
        "/Underline",
        "/Squiggly",
        "/StrikeOut",
        "/Caret",
        "/Stamp",
        "/Ink",
        "/FileAttachment",
        "/Sound",
        "/Redact",
    }
)


def _pdf_filters(stream: DictionaryObject) -> list[str]:
    filters = stream.get("/Filter")
    if filters is None:
        return []
    filters = filters.get_object()
    return [str(f) for f in filters] if isinstance(filters, ArrayObject) else [str(filters)]


def _pdf_objects_clean(root: PdfObject) -> None:
    """Remove metadata from every object reachable from ``root``."""
    seen: set[int] = set()
    pending: list[PdfObject | None] = [root]
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if obj.idnum in seen:
                continue
            seen.add(obj.idnum)
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            for key in _PDF_METADATA_KEYS:
                obj.pop(key, None)
            subtype = obj.get("/Subtype")
            subtype = subtype.get_object() if isinstance(subtype, IndirectObject) else subtype
            if subtype in _PDF_MARKUP_ANNOTATIONS:
                for key in ("/T", "/M", "/CreationDate"):
                    obj.pop(key, None)
            if (
                isinstance(obj, StreamObject)
                and subtype == "/Image"
                and _pdf_filters(obj) == ["/DCTDecode"]
            ):
                # A DCT stream's bytes are the JPEG file itself. pypdf re-encodes only Flate
                # streams on set_data, so the bytes are set through the base class.
                StreamObject.set_data(obj, _jpeg_segments_strip(obj.get_data()))
            pending.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)


def _pdf_strip(data: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise _Refused(
            _("el PDF está protegido con contraseña. Quita la protección y vuelve a enviarlo."),
            "attachment_encrypted",
        )
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    for page in reader.pages:
        writer.add_page(page)
    # Not even pypdf's /Producer: no information dictionary at all.
    writer.metadata = None
    _pdf_objects_clean(writer.root_object)
    # The streams unlinked above are still in the writer's table of objects, which it writes
    # whole: only dropping unreferenced objects takes them out of the file.
    writer.compress_identical_objects()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- Audio --------------------------------------------------------------------------------------


def _mp3_strip(data: bytes) -> bytes:
    mutagen.mp3.MP3(io.BytesIO(data))  # refuses a file without MPEG audio frames
    buffer = io.BytesIO(data)
    mutagen.apev2.delete(buffer)
    # Each pass removes ID3v1 and the first ID3v2 tag; careless taggers stack several.
    for _attempt in range(4):
        mutagen.id3.delete(buffer)
        buffer.seek(0)
        if buffer.read(3) != b"ID3":
            break
    cleaned = buffer.getvalue()
    check = io.BytesIO(cleaned)
    if mutagen.mp3.MP3(check).tags is not None:
        raise ValueError("ID3 tags remain")
    try:
        mutagen.apev2.APEv2(io.BytesIO(cleaned))
    except mutagen.apev2.APENoHeaderError:
        return cleaned
    raise ValueError("APEv2 tags remain")


# Boxes that hold metadata: iTunes tags (udta/meta/ilst), QuickTime keys and ©xyz location
# (meta, udta), XMP (uuid); and free space, which may keep tags an editor left behind.
_MP4_BLANKED = frozenset({b"udta", b"meta", b"uuid", b"free", b"skip"})


def _mp4_boxes(buffer: bytearray, start: int, end: int) -> Iterator[tuple[bytes, int, int, int]]:
    """(type, start, payload start, end) of each box between ``start`` and ``end``."""
    pos = start
    while pos + 8 <= end:
        size = int.from_bytes(buffer[pos : pos + 4], "big")
        header = 8
        if size == 1:
            size = int.from_bytes(buffer[pos + 8 : pos + 16], "big")
            header = 16
        elif size == 0:  # up to the end
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError("MP4 box out of bounds")
        yield bytes(buffer[pos + 4 : pos + 8]), pos, pos + header, pos + size
        pos += size


def _mp4_strip(data: bytes) -> bytes:
    mutagen.mp4.MP4(io.BytesIO(data))  # refuses a file without a readable movie box
    buffer = bytearray(data)

    def blank_in(start: int, end: int, descend: frozenset[bytes]) -> None:
        for kind, box_start, payload, box_end in _mp4_boxes(buffer, start, end):
            if kind in _MP4_BLANKED:
                # The same size as "free" with zeros: stco/co64 offsets into mdat stay right.
                buffer[box_start + 4 : box_start + 8] = b"free"
                buffer[payload:box_end] = bytes(box_end - payload)
            elif kind in descend:
                blank_in(payload, box_end, frozenset({b"trak"}))

    blank_in(0, len(buffer), frozenset({b"moov"}))
    cleaned = bytes(buffer)
    if mutagen.mp4.MP4(io.BytesIO(cleaned)).tags:
        raise ValueError("MP4 tags remain")
    return cleaned


def _ogg_strip(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    audio = mutagen.File(buffer)
    if not isinstance(audio, mutagen.ogg.OggFileType):
        raise ValueError("not an Ogg stream mutagen knows")
    buffer.seek(0)
    audio.delete(buffer)
    cleaned = buffer.getvalue()
    if mutagen.File(io.BytesIO(cleaned)).tags:
        raise ValueError("Ogg comments remain")
    return cleaned


# What a player needs: the format, the sample count of compressed formats, and the samples.
_WAV_KEPT = (b"fmt ", b"fact", b"data")


def _wav_strip(data: bytes) -> bytes:
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF WAVE file")
    chunks: dict[bytes, bytes] = {}
    pos = 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        size = int.from_bytes(data[pos + 4 : pos + 8], "little")
        start = pos + 8
        if start + size > len(data):
            if kind != b"data":
                raise ValueError("WAV chunk out of bounds")
            # A recording that was cut off never got its sizes written: keep what is there.
            size = len(data) - start
        if kind in _WAV_KEPT:
            if kind in chunks:
                raise ValueError("repeated WAV chunk")
            if kind == b"data" and b"fmt " not in chunks:
                raise ValueError("WAV data before its format")
            chunks[kind] = data[start : start + size]
        pos = start + size + (size & 1)
    if b"fmt " not in chunks or b"data" not in chunks:
        raise ValueError("WAV without format or data")
    body = b"".join(
        kind + len(payload).to_bytes(4, "little") + payload + b"\0" * (len(payload) & 1)
        for kind, payload in chunks.items()
    )
    return b"RIFF" + (4 + len(body)).to_bytes(4, "little") + b"WAVE" + body


# --- Entry points -------------------------------------------------------------------------------

# Content type (as attachment_check detects it) → format name for messages, and its stripper.
SANITIZERS: Mapping[str, tuple[str, Callable[[bytes], bytes]]] = MappingProxyType(
    {
        "application/pdf": ("PDF", _pdf_strip),
        "image/jpeg": ("JPEG", _jpeg_strip),
        "image/png": ("PNG", _png_strip),
        "audio/mpeg": ("MP3", _mp3_strip),
        "audio/mp4": ("M4A", _mp4_strip),
        "audio/ogg": ("OGG", _ogg_strip),
        "audio/wav": ("WAV", _wav_strip),
    }
)


def _error(filename: str, reason: Promise | str, code: str) -> ValidationError:
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:80]
    if name:
        message = _("No se pudo limpiar el archivo «%(name)s»: %(reason)s")
    else:
        message = _("No se pudo limpiar el archivo: %(reason)s")
    return ValidationError(message, code=code, params={"name": name, "reason": reason})


def metadata_strip(data: bytes, content_type: str, *, filename: str = "") -> bytes:
    """A copy of ``data`` without metadata; ``ValidationError`` if it cannot be cleaned.

    ``content_type`` is what ``attachment_check`` detected; a type missing from ``SANITIZERS``
    is a programming error (``ValueError``), not the uploader's. ``filename`` only names the
    file in the message.
    """
    try:
        format_name, strip = SANITIZERS[content_type]
    except KeyError:
        raise ValueError(f"No metadata stripper for {content_type!r}.") from None
    try:
        return strip(data)
    except _Refused as exc:
        raise _error(filename, exc.reason, exc.code) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _error(filename, _too_many_pixels_reason(), "attachment_too_many_pixels") from exc
    except Exception as exc:
        # Parsers of hostile input fail in many ways (their own errors, ValueError, struct.error,
        # IndexError...); all mean the same thing here. Only the type is logged: an exception's
        # text may quote the file, and the file is a report.
        logger.info("Refused to store a %s file: %s", content_type, type(exc).__name__)
        reason = _("está dañado o no es un %(format)s válido.") % {"format": format_name}
        raise _error(filename, reason, "attachment_unreadable") from exc


def has_location(data: bytes, content_type: str) -> bool:
    """Whether a JPEG or PNG carries GPS coordinates in its EXIF or XMP.

    Other types are not inspected (``False``), nor are unreadable images: ``metadata_strip``
    refuses those. Call it before stripping, if staff should know a location was removed.
    """
    if content_type not in ("image/jpeg", "image/png"):
        return False
    try:
        image_format = "JPEG" if content_type == "image/jpeg" else "PNG"
        with Image.open(io.BytesIO(data), formats=[image_format]) as im:
            _pixels_check(im.size)
            gps = im.getexif().get_ifd(ExifTags.IFD.GPSInfo)
            xmp = im.info.get("xmp") or b""
    except Exception:
        return False
    coordinates = {ExifTags.GPS.GPSLatitude, ExifTags.GPS.GPSLongitude}
    return bool(coordinates & gps.keys()) or b"GPSLatitude" in (
        xmp if isinstance(xmp, bytes) else str(xmp).encode()
    )
