import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from violeta.audit.models import AuditEntry
from violeta.cases.models import Case, CaseParty, Incident, PartyKind
from violeta.catalogs.models import Dependencia, ViolenceModality, ViolenceType
from violeta.testing.factories import DependenciaFactory, assign_to_affected, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db


def case_urls(case):
    return [
        ("get", reverse("cases:detail", kwargs={"pk": case.pk})),
        ("get", reverse("cases:access_log", kwargs={"pk": case.pk})),
        ("get", reverse("cases:assign", kwargs={"pk": case.pk})),
        ("post", reverse("cases:add_note", kwargs={"pk": case.pk})),
    ]


@pytest.fixture
def assigned_case(enlace, coordinacion, atencion):
    case = make_case(registered_by=enlace, account="Relato que sólo ve quien atiende")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case


def test_a_party_gets_404_on_every_page_of_her_case_even_as_coordinacion(enlace, coordinacion):
    case = make_case(registered_by=enlace, accused_user=coordinacion)
    client = Client()
    force_login_verified(client, coordinacion)
    for method, url in case_urls(case):
        assert getattr(client, method)(url).status_code == 404, url
    assert case.folio not in client.get(reverse("cases:list")).content.decode()


def test_staff_without_a_verified_second_factor_reach_no_case_page(assigned_case, atencion):
    client = Client()
    client.force_login(atencion)  # password only
    urls = [
        ("get", reverse("cases:list")),
        ("get", reverse("cases:register")),
        ("get", reverse("cases:emergency_access")),
        *case_urls(assigned_case),
    ]
    for method, url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/personal/segundo-factor/"), url


def test_every_view_of_a_case_is_audited_and_listed(assigned_case, atencion, coordinacion):
    worker = Client()
    force_login_verified(worker, atencion)
    detail = reverse("cases:detail", kwargs={"pk": assigned_case.pk})
    body = worker.get(detail).content.decode()
    assert "Relato que sólo ve quien atiende" in body
    worker.get(detail)
    views = AuditEntry.objects.filter(action="view", target_id=str(assigned_case.pk))
    assert views.count() == 2
    assert set(views.values_list("actor", flat=True)) == {atencion.pk}
    assert [entry.detail for entry in views] == [
        {"sections": ["account", "notes", "access_log"]}
    ] * 2

    boss = Client()
    force_login_verified(boss, coordinacion)
    log = boss.get(reverse("cases:access_log", kwargs={"pk": assigned_case.pk})).content.decode()
    assert log.count(atencion.full_name) == 2


def test_coordinacion_page_shows_assignments_but_not_the_account(assigned_case, coordinacion):
    client = Client()
    force_login_verified(client, coordinacion)
    body = client.get(reverse("cases:detail", kwargs={"pk": assigned_case.pk})).content.decode()
    assert "Relato que sólo ve quien atiende" not in body
    assert "Atención psicológica" in body
    assert "Sólo ves los datos generales de este caso" in body


def test_case_pages_are_never_cached(assigned_case, atencion):
    client = Client()
    force_login_verified(client, atencion)
    response = client.get(reverse("cases:detail", kwargs={"pk": assigned_case.pk}))
    assert "no-store" in response.headers["Cache-Control"]


def intake_data(**overrides):
    """A valid POST of the single intake form, with the formsets' management fields."""
    from violeta.catalogs.models import ViolenceType

    data = {
        "channel": "presencial",
        "account": "Relato.",
        "afectada-display_name": "Azucena",
        "afectada-language": "es",
        "senalada-TOTAL_FORMS": "2",
        "senalada-INITIAL_FORMS": "0",
        "senalada-0-display_name": "Jefe",
        "testigo-TOTAL_FORMS": "1",
        "testigo-INITIAL_FORMS": "0",
        "hecho-TOTAL_FORMS": "1",
        "hecho-INITIAL_FORMS": "0",
        "hecho-0-violence_types": [
            str(ViolenceType.objects.filter(law="ledmvlv").order_by("position")[0].pk)
        ],
    }
    data.update(overrides)
    return data


def test_registering_keeps_what_was_typed_when_something_is_wrong(client, catalogs, enlace):
    force_login_verified(client, enlace)
    response = client.post(
        reverse("cases:register"),
        intake_data(
            **{
                "senalada-0-account_email": "nadie@ejemplo.mx",
                "account": "Lo que ocurrió, escrito una sola vez.",
                "testigo-0-display_name": "Compañera de oficina",
            }
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "No hay una cuenta con ese correo" in body
    assert "Lo que ocurrió, escrito una sola vez." in body
    assert 'value="Azucena"' in body
    assert 'value="Compañera de oficina"' in body
    assert " checked" in body  # the chosen type of violence stays chosen
    assert not Case.objects.exists()


def test_registering_creates_the_case_and_shows_its_folio(client, catalogs, atencion):
    from violeta.catalogs.models import Dependencia
    from violeta.protocols.models import ProtocolRun, ProtocolVersion

    force_login_verified(client, atencion)
    dependencia = Dependencia.objects.get(code="dif_municipal")
    municipal = ProtocolVersion.objects.get(code="chihuahua-municipal")
    response = client.post(
        reverse("cases:register"),
        intake_data(dependencia=dependencia.pk, protocol=municipal.pk),
        follow=True,
    )
    case = Case.objects.get()
    assert ProtocolRun.objects.get(subject_id=str(case.pk)).stage == "solicitud"
    assert case.folio in response.content.decode()
    assert case.account == "Relato."
    assert case.parties.count() == 2  # the blank second accused and witness are ignored
    assert case.incidents.get().violence_types.count() == 1
    assert AuditEntry.objects.filter(action="create", target_id=str(case.pk)).exists()


def test_the_case_page_costs_the_same_queries_for_two_people_or_six(
    catalogs, enlace, coordinacion, atencion
):
    """And for a case an institution referred, whose name the page shows."""
    from violeta.catalogs.models import Institution

    pages = {}

    def page_queries(case: Case) -> int:
        assign_to_affected(case, by=coordinacion, worker=atencion)
        client = Client()
        force_login_verified(client, atencion)
        url = reverse("cases:detail", kwargs={"pk": case.pk})
        client.get(url)  # the first view of a case writes what later views only read
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            assert response.status_code == 200
        pages[case.pk] = response.content.decode()
        return len(captured)

    def with_incidents(case: Case, count: int) -> Case:
        for _ in range(count):
            incident = Incident.objects.create(case=case, recorded_by=enlace)
            incident.violence_types.set(ViolenceType.objects.all()[:2])
            incident.violence_modalities.set(ViolenceModality.objects.all()[:2])
        return case

    small = with_incidents(make_case(registered_by=enlace, protocol="chihuahua-municipal"), 1)
    large = with_incidents(make_case(registered_by=enlace, protocol="chihuahua-municipal"), 4)
    for number in range(4):
        CaseParty.objects.create(case=large, kind=PartyKind.TESTIGO, display_name=f"T {number}")
    institution = Institution.objects.order_by("pk")[0]
    Case.objects.filter(pk=large.pk).update(referred_by=institution)
    assert page_queries(large) == page_queries(small)
    assert institution.name in pages[large.pk]


def test_registering_checks_the_catalog_choices_without_reading_them_again(
    client, catalogs, atencion
):
    """The dependencias, types and protocols offered are the ones in memory: what is sent is
    checked against them, and the case is written with those very rows."""
    from violeta.protocols.models import ProtocolVersion

    force_login_verified(client, atencion)
    client.get(reverse("cases:register"))  # the catalogs and protocols are read once
    dependencia = Dependencia.objects.get(code="dif_municipal")
    municipal = ProtocolVersion.objects.get(code="chihuahua-municipal")
    types = list(ViolenceType.objects.filter(law="ledmvlv").order_by("position")[:2])
    modality = ViolenceModality.objects.filter(law="ledmvlv").order_by("position")[0]
    data = intake_data(
        dependencia=dependencia.pk,
        protocol=municipal.pk,
        **{
            "senalada-0-is_public_servant": "on",
            "senalada-0-dependencia": str(dependencia.pk),
            "hecho-0-violence_types": [str(t.pk) for t in types],
            "hecho-0-violence_modalities": [str(modality.pk)],
        },
    )
    with CaptureQueriesContext(connection) as captured:
        response = client.post(reverse("cases:register"), data)
    assert response.status_code == 302
    read_again = [
        q["sql"]
        for q in captured
        if q["sql"].startswith("SELECT")
        and any(
            f'FROM "{table}"' in q["sql"]
            for table in (
                "catalogs_dependencia",
                "catalogs_violencetype",
                "catalogs_violencemodality",
                "protocols_protocolversion",
            )
        )
    ]
    assert read_again == []
    case = Case.objects.get()
    assert case.dependencia == dependencia
    assert set(case.incidents.get().violence_types.all()) == set(types)
    assert list(case.incidents.get().violence_modalities.all()) == [modality]
    assert case.parties.get(kind=PartyKind.SENALADA).dependencia == dependencia


@pytest.mark.parametrize(
    "field",
    ["dependencia", "protocol", "senalada-0-dependencia", "hecho-0-violence_types"],
)
@pytest.mark.parametrize("sent", ["999999", "no-es-un-número", "repealed"])
def test_a_choice_not_offered_is_refused_and_nothing_typed_is_lost(
    client, catalogs, enlace, field, sent
):
    force_login_verified(client, enlace)
    if sent == "repealed":  # a row that exists, but not in force: never offered
        DependenciaFactory(
            code="extinta",
            effective_date=datetime.date(2000, 1, 1),
            repealed_date=datetime.date(2001, 1, 1),
        )
        sent = str(Dependencia.objects.get(code="extinta").pk)
    value: Any = [sent] if field.endswith("violence_types") else sent
    response = client.post(
        reverse("cases:register"), intake_data(**{field: value, "account": "Lo que ocurrió."})
    )
    body = response.content.decode()
    assert response.status_code == 400
    # Django's own message for a choice not offered.
    assert "Seleccione una opción válida." in body
    assert "Lo que ocurrió." in body
    assert 'value="Azucena"' in body
    assert not Case.objects.exists()
