"""The oficio de canalización as a PDF.

It always carries the folio, the date, the receiving institution, the service requested and
the reason for the referral; of her case, only the items listed in ``items`` (what she agreed
to share with that institution, or what a legal override requires). Nothing else is read from
the case. It is an official document for a Mexican institution, so it is written in Spanish
whatever the language of the person who issues it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from violeta.accounts.models import User
from violeta.cases.models import (
    AccountAddition,
    CaseParty,
    ContactPreference,
    Incident,
    PartyKind,
    SharedItem,
)
from violeta.catalogs.selectors import imm
from violeta.detection.models import RiskAssessment
from violeta.detection.selectors import level_label
from violeta.documents.pdf import OfficialDocument
from violeta.referrals.models import Referral

OFFICIAL_LANGUAGE = "es"


def _date(value: datetime.datetime | datetime.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
        return formats.date_format(value, "j \\d\\e F \\d\\e Y, H:i")
    return formats.date_format(value, "j \\d\\e F \\d\\e Y")


def _identity(doc: OfficialDocument, party: CaseParty) -> None:
    doc.heading(_("Datos de identificación"))
    age = str(party.age) if party.age is not None else party.get_age_range_display()
    doc.fields(
        [
            (_("Nombre"), party.name_to_show),
            (_("CURP"), party.curp),
            (_("Edad"), age),
            (_("Identidad de género"), party.get_gender_identity_display()),
            (_("Lengua"), party.get_language_display()),
            (_("Requiere intérprete"), _("Sí") if party.needs_interpreter else _("No")),
            (_("Discapacidad"), ", ".join(party.disability_labels)),
            (_("Pueblo o comunidad indígena"), party.indigenous_community),
        ]
    )


def _contact(doc: OfficialDocument, party: CaseParty, referral: Referral) -> None:
    doc.heading(_("Cómo contactarla"))
    preference = (
        ContactPreference.objects.filter(case=referral.case)
        .select_related("data_key")
        .order_by("-recorded_at", "-id")
        .first()
    )
    doc.fields(
        [
            (_("Teléfono"), party.phone),
            (_("Correo"), party.email),
            (_("Medio preferido"), preference.get_method_display() if preference else ""),
            (_("Horarios seguros"), preference.safe_times if preference else ""),
        ]
    )


def _facts(doc: OfficialDocument, referral: Referral) -> None:
    doc.heading(_("Hechos"))
    incidents = (
        Incident.objects.filter(case=referral.case)
        .prefetch_related("violence_types", "violence_modalities")
        .order_by("occurred_on", "recorded_at")
    )
    rows = []
    for incident in incidents:
        when = _date(incident.occurred_on) or _("Sin fecha")
        if incident.occurred_on and incident.date_is_approximate:
            when = _("%(date)s (aproximada)") % {"date": when}
        rows.append(
            [
                when,
                incident.get_place_kind_display(),
                ", ".join(t.name for t in incident.violence_types.all()),
                ", ".join(m.name for m in incident.violence_modalities.all()),
            ]
        )
    if rows:
        doc.table([_("Fecha"), _("Ámbito"), _("Tipos"), _("Modalidades")], rows)
    else:
        doc.paragraph(_("No hay hechos clasificados."))


def _accused(doc: OfficialDocument, referral: Referral) -> None:
    doc.heading(_("Persona señalada"))
    parties = CaseParty.objects.filter(case=referral.case, kind=PartyKind.SENALADA).select_related(
        "dependencia", "data_key"
    )
    for party in parties:
        doc.fields(
            [
                (_("Nombre"), party.display_name),
                (_("Relación con ella"), party.get_relationship_display()),
                (_("Relación jerárquica"), party.get_hierarchy_display()),
                (
                    _("Persona servidora pública"),
                    _("Sí") if party.is_public_servant else _("No"),
                ),
                (_("Dependencia"), party.dependencia.name if party.dependencia else ""),
                (_("Puesto"), party.position),
            ]
        )


def _account(doc: OfficialDocument, referral: Referral) -> None:
    doc.heading(_("Relato"))
    doc.paragraph(
        _(
            "Su relato, tal como quedó registrado una sola vez. No es necesario pedirle que lo "
            "repita."
        )
    )
    doc.paragraph(referral.case.account or "")
    additions = AccountAddition.objects.filter(case=referral.case).select_related("data_key")
    for addition in additions:
        doc.paragraph(
            _("Agregado el %(date)s: %(body)s")
            % {"date": _date(addition.created_at), "body": addition.body}
        )


def _risk(doc: OfficialDocument, referral: Referral) -> None:
    doc.heading(_("Riesgo"))
    latest = RiskAssessment.objects.filter(case=referral.case).order_by("-assessed_at").first()
    if latest is None:
        doc.paragraph(_("El riesgo aún no se ha valorado."))
        return
    doc.fields(
        [
            (_("Nivel de riesgo"), level_label(latest.level)),
            (_("Valorado el"), _date(latest.assessed_at)),
        ]
    )


def oficio_render(
    *,
    referral: Referral,
    items: Sequence[str],
    actor: User,
    issued_at: datetime.datetime,
    language: str = OFFICIAL_LANGUAGE,
) -> bytes:
    """The PDF bytes. ``items`` are SharedItem codes; nothing outside them is printed."""
    with translation.override(language):
        return _render(referral=referral, items=items, actor=actor, issued_at=issued_at)


def _render(
    *, referral: Referral, items: Sequence[str], actor: User, issued_at: datetime.datetime
) -> bytes:
    case = referral.case
    institution = referral.institution
    issuer = imm()
    issuer_name = issuer.name if issuer else _("Instituto Municipal de las Mujeres")
    today = _date(timezone.localdate(issued_at))
    doc = OfficialDocument(
        title=_("Oficio de canalización"),
        issuer=issuer_name,
        issuer_detail=_("Gobierno Municipal de Chihuahua"),
        reference=case.folio,
        watermark=_("Para: %(institution)s · %(date)s · Confidencial")
        % {"institution": institution.short_name or institution.name, "date": today},
    )
    doc.fields(
        [
            (_("Folio"), case.folio),
            (_("Fecha"), today),
            (_("Para"), institution.name),
            (_("Persona de contacto"), referral.contact_person),
            (_("Servicio que se solicita"), referral.get_service_display()),
            (
                _("Carácter"),
                _("Obligatoria por ley") if referral.mandatory else _("Por decisión de ella"),
            ),
        ]
    )
    doc.heading(_("Motivo de la canalización"))
    doc.paragraph(referral.reason)
    chosen = [item for item in SharedItem if item in items]
    doc.heading(_("Lo que se comparte"))
    if chosen:
        doc.bullets([str(item.label) for item in chosen])
    else:
        doc.paragraph(
            _(
                "Ella no autorizó compartir datos de su caso. Este oficio sólo presenta la "
                "canalización; ella dará lo que decida en persona."
            )
        )
    afectada = (
        CaseParty.objects.filter(case=case, kind=PartyKind.AFECTADA)
        .select_related("data_key")
        .first()
    )
    if SharedItem.IDENTIDAD in chosen and afectada is not None:
        _identity(doc, afectada)
    if SharedItem.CONTACTO in chosen and afectada is not None:
        _contact(doc, afectada, referral)
    if SharedItem.HECHOS in chosen:
        _facts(doc, referral)
    if SharedItem.PERSONA_SENALADA in chosen:
        _accused(doc, referral)
    if SharedItem.RELATO in chosen:
        _account(doc, referral)
    if SharedItem.RIESGO in chosen:
        _risk(doc, referral)
    doc.paragraph(
        _(
            "Le pedimos atenderla conforme a los principios de confidencialidad y no "
            "revictimización, e informar al Instituto cuando la haya recibido y atendido, "
            "citando el folio."
        )
    )
    doc.signature(actor.full_name, issuer_name)
    return doc.output()
