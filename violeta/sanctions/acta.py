"""The acta of a comité session as a PDF: the session, who was convened, present, absent or
excused (and why, by category), the quorum, each measure with every vote and its result, and
the agreements. It reads nothing of the attention (no notes, no sessions, no plan) and nothing
of how to contact her. Official document: written in Spanish.
"""

from __future__ import annotations

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from violeta.catalogs.selectors import imm
from violeta.documents.pdf import OfficialDocument
from violeta.sanctions.models import ComiteSession, Vote


def acta_render(*, session: ComiteSession) -> bytes:
    with translation.override("es"):
        return _render(session)


def _when(value: object) -> str:
    if value is None:
        return ""
    return formats.date_format(timezone.localtime(value), "j \\d\\e F \\d\\e Y, H:i")  # type: ignore[arg-type]


def _render(session: ComiteSession) -> bytes:
    procedure = session.procedure
    case = procedure.case
    issuer = imm()
    doc = OfficialDocument(
        title=_("Acta de sesión del comité"),
        issuer=issuer.name if issuer else _("Instituto Municipal de las Mujeres"),
        issuer_detail=_("Gobierno Municipal de Chihuahua"),
        reference=case.folio,
        watermark=_("Acta %(number)s · %(folio)s · Confidencial")
        % {"number": session.number, "folio": case.folio},
    )
    members = list(session.members.select_related("member__user").order_by("member__position"))
    voting = [m for m in members if m.may_vote]
    doc.fields(
        [
            (_("Folio del caso"), case.folio),
            (_("Sesión"), str(session.number)),
            (_("Convocada para"), _when(session.scheduled_for)),
            (_("Celebrada"), _when(session.held_at)),
            (_("Lugar"), session.place),
            (_("Estado"), session.get_status_display()),
            (
                _("Quórum"),
                _("%(present)s de %(required)s necesarios")
                % {"present": len(voting), "required": session.quorum_required},
            ),
        ]
    )
    doc.heading(_("Integrantes"))
    rows = []
    for member in members:
        if member.excuse:
            attendance = _("Excusado: %(why)s") % {"why": member.get_excuse_display()}
        elif member.present:
            attendance = _("Presente")
        elif member.present is False:
            attendance = _("Ausente")
        else:
            attendance = _("Sin registrar")
        rows.append(
            [member.member.user.full_name, member.member.get_position_display(), attendance]
        )
    doc.table([_("Nombre"), _("Cargo"), _("Asistencia")], rows)
    doc.paragraph(
        _(
            "Quien se excusó por conflicto de interés no cuenta para el quórum, no delibera "
            "y no vota."
        )
    )
    doc.heading(_("Medidas de protección"))
    measures = list(session.measures.all())
    if not measures:
        doc.paragraph(_("No se votaron medidas en esta sesión."))
    votes = {
        (vote.measure_id, vote.member_id): vote
        for vote in Vote.objects.filter(measure__in=measures).select_related("member")
    }
    for measure in measures:
        doc.fields(
            [
                (_("Medida"), measure.get_kind_display()),
                (_("A quién se aplica"), measure.get_subject_display()),
                (_("Quién debe cumplirla"), measure.responsible),
                (
                    _("Vigencia"),
                    _("Del %(start)s al %(end)s")
                    % {
                        "start": formats.date_format(measure.starts_on, "j/m/Y"),
                        "end": formats.date_format(measure.ends_on, "j/m/Y"),
                    },
                ),
                (_("Resultado"), measure.get_result_display() or _("Sin votar")),
                (
                    _("Consentimiento de ella"),
                    _("Registrado") if measure.her_consent_at else "",
                )
                if measure.moves_her
                else (_("Renueva una medida anterior"), _("Sí") if measure.renews_id else _("No")),
            ]
        )
        vote_rows = []
        for member in voting:
            vote = votes.get((measure.pk, member.pk))
            vote_rows.append(
                [member.member.user.full_name, vote.get_choice_display() if vote else "—"]
            )
        if vote_rows:
            doc.table([_("Integrante"), _("Voto")], vote_rows)
    doc.heading(_("Acuerdos"))
    doc.paragraph(session.agreements or _("Sin acuerdos adicionales."))
    for member in voting:
        doc.signature(member.member.user.full_name, member.member.get_position_display())
    return doc.output()
