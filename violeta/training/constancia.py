"""The constancia as a PDF: who, which course, when, and how anyone can check it (the code,
the verification address and a QR code that opens it).

The document is in Spanish, the IMM's official language, whatever the language of the request.
"""

from __future__ import annotations

import datetime
import io

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from violeta.catalogs.selectors import imm
from violeta.documents.pdf import OfficialDocument
from violeta.training.models import Certificate

OFFICIAL_LANGUAGE = "es"
# Where the QR code points when PUBLIC_BASE_URL is not configured.
FALLBACK_BASE_URL = "https://violeta.example.org"
QR_WIDTH_MM = 38.0


def verification_path(code: str) -> str:
    return reverse("verify:code", kwargs={"code": code})


def verification_url(certificate: Certificate) -> tuple[str, str]:
    """The absolute address the QR code opens, and the address printed under it: the same
    when the site's public address is configured, else the path on the site."""
    path = verification_path(certificate.code)
    base = (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path, base + path
    return FALLBACK_BASE_URL + path, path


def qr_png(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=2)
    return buffer.getvalue()


def certificate_date(certificate: Certificate) -> datetime.date:
    """The day the training happened: the session's for attendance, the passing day online."""
    if certificate.attendance is not None:
        return certificate.attendance.session.held_on
    return timezone.localdate(certificate.issued_at)


def _long_date(day: datetime.date) -> str:
    return formats.date_format(day, "j \\d\\e F \\d\\e Y")


def certificate_pdf(certificate: Certificate) -> bytes:
    with translation.override(OFFICIAL_LANGUAGE):
        return _render(certificate)


def _render(certificate: Certificate) -> bytes:
    course = certificate.course
    issuer = imm()
    issuer_name = issuer.name if issuer else _("Instituto Municipal de las Mujeres")
    day = _long_date(certificate_date(certificate))
    qr_target, printed_url = verification_url(certificate)
    doc = OfficialDocument(
        # The title goes into the file's metadata: no personal data in it.
        title=_("Constancia"),
        issuer=issuer_name,
        issuer_detail=_("Gobierno Municipal de Chihuahua"),
        reference=certificate.code,
        watermark=_("Revocada") if certificate.revoked_at is not None else "",
        footer=_(
            "Esta constancia sólo es válida si la página de verificación la muestra como "
            "válida con los mismos datos."
        ),
        language=OFFICIAL_LANGUAGE,
    )
    doc.paragraph(_("%(issuer)s otorga la presente constancia a") % {"issuer": issuer_name})
    doc.heading(certificate.holder_name)
    attendance = certificate.attendance
    if attendance is not None:
        session = attendance.session
        doc.paragraph(
            _(
                "por su asistencia a la capacitación «%(course)s», impartida en modalidad "
                "%(mode)s el %(date)s por %(given_by)s."
            )
            % {
                "course": course.title,
                "mode": session.get_mode_display().lower(),
                "date": day,
                "given_by": session.given_by,
            }
        )
    else:
        doc.paragraph(
            _("por haber acreditado el curso «%(course)s» el %(date)s.")
            % {"course": course.title, "date": day}
        )
    doc.fields(
        [
            (_("Nombre"), certificate.holder_name),
            (
                _("Dependencia"),
                certificate.dependencia.name if certificate.dependencia else "",
            ),
            (_("Curso"), course.title),
            (_("Fecha"), day),
            (_("Código de verificación"), certificate.code),
        ]
    )
    doc.heading(_("Verificación"))
    doc.paragraph(
        _(
            "Cualquier persona puede comprobar que esta constancia es auténtica y está vigente "
            "escaneando el código QR o entrando a la dirección siguiente con el código "
            "%(code)s:"
        )
        % {"code": certificate.code}
    )
    doc.image_png(qr_png(qr_target), width_mm=QR_WIDTH_MM)
    doc.paragraph(printed_url)
    return doc.output()


def certificate_filename(certificate: Certificate) -> str:
    return f"constancia-{certificate.code}.pdf"
