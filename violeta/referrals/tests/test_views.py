"""The referral pages: what they show, what they refuse, and that refused input is kept."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from violeta.cases.models import ConsentPurpose, SharedItem
from violeta.cases.services.consent import consent_record
from violeta.documents.testing import pdf_text
from violeta.referrals import services
from violeta.referrals.models import Referral, ReferralStatus, ReferralWishes
from violeta.referrals.selectors import referral_figures
from violeta.testing.second_factor import force_login_verified

from .conftest import institution, set_affected

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def test_the_case_page_shows_pending_mandatory_referrals(handled_case: Any, atencion: Any) -> None:
    set_affected(handled_case, age=16)
    page = _client(atencion).get(reverse("cases:detail", args=[handled_case.pk]))
    html = page.content.decode()
    assert "Canalización obligatoria pendiente" in html
    assert reverse("referrals:case", args=[handled_case.pk]) in html


def test_the_case_page_has_no_referrals_section_for_the_autoridad(
    handled_case: Any, autoridad: Any, coordinacion: Any
) -> None:
    from violeta.cases.models import AssignmentKind
    from violeta.cases.services import case_assign

    consent_record(
        actor=coordinacion, case=handled_case, purpose=ConsentPurpose.COMITE_OIC, granted=True
    )
    case_assign(
        actor=coordinacion,
        case=handled_case,
        user=autoridad,
        attends=handled_case.parties.first(),
        kind=AssignmentKind.AUTORIDAD,
    )
    page = _client(autoridad).get(reverse("cases:detail", args=[handled_case.pk]))
    assert page.status_code == 200
    assert 'id="canalizacion"' not in page.content.decode()


def test_recommendations_show_their_reason_facts_and_basis(
    handled_case: Any, atencion: Any
) -> None:
    set_affected(handled_case, age=16)
    html = _client(atencion).get(reverse("referrals:case", args=[handled_case.pk])).content
    text = html.decode()
    assert "Procuraduría de Protección" in text
    assert "Obligatoria" in text
    assert "es niña o adolescente" in text
    assert "LGDNNA arts. 12, 122" in text
    assert "?recomendacion=nna_procuraduria" in text


def test_proposing_from_a_recommendation_prefills_the_form(
    handled_case: Any, atencion: Any
) -> None:
    set_affected(handled_case, age=16)
    client = _client(atencion)
    url = reverse("referrals:propose", args=[handled_case.pk])
    page = client.get(url, {"recomendacion": "nna_fiscalia"})
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["institution"].code == "fem"
    assert form.initial["rule_code"] == "nna_fiscalia"
    assert client.get(url, {"recomendacion": "no_existe"}).status_code == 404


def test_a_refused_proposal_keeps_what_was_typed(handled_case: Any, atencion: Any) -> None:
    client = _client(atencion)
    typed = "Corto"
    response = client.post(
        reverse("referrals:propose", args=[handled_case.pk]),
        {
            "canalizar-institution": institution("cedh").pk,
            "canalizar-service": "refugio",
            "canalizar-reason": typed,
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert typed in html
    assert "no ofrece ese servicio" in html or "al menos" in html
    assert not Referral.objects.exists()


def test_propose_then_consent_then_send_then_download_the_oficio(
    handled_case: Any, atencion: Any
) -> None:
    client = _client(atencion)
    response = client.post(
        reverse("referrals:propose", args=[handled_case.pk]),
        {
            "canalizar-institution": institution("cejum").pk,
            "canalizar-service": "asesoria_juridica",
            "canalizar-reason": "Asesoría legal para una orden de protección.",
        },
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    detail = reverse("referrals:detail", args=[referral.pk])

    # Sending before she decides: refused, with the reason, and the typed contact kept.
    refused = client.post(
        reverse("referrals:move", args=[referral.pk]),
        {"estado-to": "enviada", "estado-contact_person": "Lic. Marta Ríos"},
    )
    assert refused.status_code == 400
    assert "no ha aceptado compartir" in refused.content.decode()
    assert "Lic. Marta Ríos" in refused.content.decode()

    client.post(
        reverse("referrals:consent", args=[referral.pk]),
        {"consentimiento-granted": "si", "consentimiento-scope": ["identidad"]},
    )
    page = client.get(detail).content.decode()
    assert "Sus datos de identificación" in page

    sent = client.post(
        reverse("referrals:move", args=[referral.pk]),
        {"estado-to": "enviada", "estado-contact_person": "Lic. Marta Ríos"},
    )
    assert sent.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ENVIADA

    pdf = client.post(reverse("referrals:oficio", args=[referral.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "attachment" in pdf["Content-Disposition"]
    assert "no-store" in pdf["Cache-Control"]
    text = pdf_text(pdf.content)
    assert "Lic. Marta Ríos" in text
    assert handled_case.folio in text


def test_the_oficio_without_consent_sends_her_back_with_a_message(
    handled_case: Any, atencion: Any
) -> None:
    referral = services.referral_propose(
        actor=atencion,
        case=handled_case,
        institution=institution("cejum"),
        service="asesoria_juridica",
        reason="Asesoría legal para una orden de protección.",
    )
    client = _client(atencion)
    response = client.post(reverse("referrals:oficio", args=[referral.pk]), follow=True)
    assert "No se generó el oficio" in response.content.decode()
    assert not referral.oficios.exists()


def test_the_wishes_form_refuses_blank_answers_and_records_good_ones(
    handled_case: Any, atencion: Any
) -> None:
    client = _client(atencion)
    url = reverse("referrals:wishes", args=[handled_case.pk])
    refused = client.post(url, {"deseos-wants_denuncia": "si"})
    assert refused.status_code == 400
    assert not ReferralWishes.objects.exists()
    client.post(url, {"deseos-wants_denuncia": "si", "deseos-residence": "municipio"})
    assert ReferralWishes.objects.get().wants_denuncia == "si"


def _sent(case: Any, actor: Any, code: str, service: str) -> Referral:
    referral = services.referral_propose(
        actor=actor,
        case=case,
        institution=institution(code),
        service=service,
        reason="Canalización para las cifras de la prueba.",
    )
    consent_record(
        actor=actor,
        case=case,
        purpose=ConsentPurpose.CANALIZACION,
        institution=institution(code),
        granted=True,
        scope=[SharedItem.HECHOS],
    )
    services.referral_move(actor=actor, referral=referral, to=ReferralStatus.ENVIADA)
    return referral


def test_figures_per_institution(handled_case: Any, atencion: Any) -> None:
    with time_machine.travel("2026-11-02 10:00:00-06:00", tick=False) as traveller:
        attended = _sent(handled_case, atencion, "cejum", "asesoria_juridica")
        late = _sent(handled_case, atencion, "cejum", "atencion_psicologica")
        declined = _sent(handled_case, atencion, "cejum", "trabajo_social")
        recorded_silence = _sent(handled_case, atencion, "fem", "denuncia")
        traveller.shift(datetime.timedelta(days=4))
        services.referral_move(actor=atencion, referral=attended, to=ReferralStatus.ATENDIDA)
        services.referral_move(actor=atencion, referral=declined, to=ReferralStatus.DECLINADA)
        services.referral_move(
            actor=atencion, referral=recorded_silence, to=ReferralStatus.SIN_RESPUESTA
        )
        traveller.shift(datetime.timedelta(days=10))
        rows = {row.institution.code: row for row in referral_figures()}
    cejum, fem = rows["cejum"], rows["fem"]
    assert (cejum.sent, cejum.attended, cejum.declined) == (3, 1, 1)
    # One attended of the two she did not decline.
    assert cejum.completion_rate == 0.5
    assert cejum.median_days == 4.0
    # Still waiting for receipt ten days later: unanswered, not in progress.
    assert (cejum.unanswered, cejum.in_progress) == (1, 0)
    assert (fem.sent, fem.unanswered, fem.completion_rate) == (1, 1, 0.0)
    assert late.status == ReferralStatus.ENVIADA


def test_figures_page_is_for_coordinacion_with_a_csv(
    handled_case: Any, coordinacion: Any, atencion: Any
) -> None:
    _sent(handled_case, atencion, "cejum", "asesoria_juridica")
    client = _client(coordinacion)
    page = client.get(reverse("referrals:figures"))
    assert page.status_code == 200
    assert "Centro de Justicia para las Mujeres" in page.content.decode()
    export = client.get(reverse("referrals:figures"), {"formato": "csv"})
    lines = export.content.decode().splitlines()
    assert lines[0].startswith("Institución,Enviadas,Atendidas")
    assert lines[1].startswith("Centro de Justicia para las Mujeres,1,0")
    bad = client.get(reverse("referrals:figures"), {"since": "2026-12-01", "until": "2026-11-01"})
    assert bad.status_code == 400
    assert "anterior a la inicial" in bad.content.decode()
    assert _client(atencion).get(reverse("referrals:figures")).status_code == 404


def test_the_case_timeline_shows_each_referral_step_without_its_reason(
    handled_case: Any, atencion: Any
) -> None:
    from violeta.cases.selectors_timeline import timeline_for

    _sent(handled_case, atencion, "cejum", "asesoria_juridica")
    _sent(handled_case, atencion, "fem", "denuncia")
    entries = [e for e in timeline_for(user=atencion, case=handled_case) if e.code == "referral"]
    assert [e.summary for e in entries] == [
        "CEJUM: Propuesta",
        "CEJUM: Enviada",
        "FEM: Propuesta",
        "FEM: Enviada",
    ]
    assert all("cifras de la prueba" not in e.summary for e in entries)
    page = _client(atencion).get(reverse("cases:timeline", args=[handled_case.pk]))
    assert "CEJUM: Enviada" in page.content.decode()


def test_the_referral_timeline_is_one_query_whatever_the_number(
    handled_case: Any, atencion: Any, django_assert_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from violeta.cases.selectors import case_reading
    from violeta.referrals.views import referral_timeline

    _sent(handled_case, atencion, "cejum", "asesoria_juridica")
    reading = case_reading(user=atencion, case=handled_case)
    with CaptureQueriesContext(connection) as few:
        assert len(referral_timeline(atencion, handled_case, reading)) == 2
    _sent(handled_case, atencion, "fem", "denuncia")
    _sent(handled_case, atencion, "ceave", "registro_victimas")
    with django_assert_num_queries(len(few.captured_queries)):
        assert len(referral_timeline(atencion, handled_case, reading)) == 6
