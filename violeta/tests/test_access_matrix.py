"""Every URL pattern x every persona (and an anonymous visitor) gets exactly the expected answer."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from violeta.testing.access import (
    ADMINISTERED_APP_LABELS,
    ANONYMOUS,
    FORBIDDEN,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    NOT_IN_MATRIX,
    OK,
    PERSONAS,
    ROUTES,
    TO_ADMIN_LOGIN,
    Answer,
    Route,
)


def named_patterns(
    patterns: Any = None, namespace: str | None = None
) -> Iterator[tuple[str | None, str | None]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if pattern.namespace and namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from named_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            if pattern.name is None:
                yield namespace, None
            else:
                yield namespace, f"{namespace}:{pattern.name}" if namespace else pattern.name


def _const(kwargs: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda world: kwargs


def _view_on_site_kwargs(obj: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def build(world: dict[str, Any]) -> dict[str, Any]:
        content_type = ContentType.objects.get_for_model(obj)
        return {"content_type_id": content_type.pk, "object_id": obj.pk}

    return build


def admin_routes(objects: dict[str, Any]) -> list[Route]:
    """Every admin URL, with what each persona must get."""
    only_admin = {"admin_sistema": OK}
    routes = [
        Route("admin:index", TO_ADMIN_LOGIN, only_admin),
        Route("admin:password_change", TO_ADMIN_LOGIN, only_admin),
        Route("admin:password_change_done", TO_ADMIN_LOGIN, only_admin),
        Route("admin:jsi18n", TO_ADMIN_LOGIN, only_admin),
        # Without a field to complete, the admin refuses the query.
        Route("admin:autocomplete", TO_ADMIN_LOGIN, {"admin_sistema": FORBIDDEN}),
        Route("admin:logout", Answer(302, "admin:index"), {"admin_sistema": METHOD_NOT_ALLOWED}),
        Route("admin:login", Answer(302, "accounts:login")),
    ]
    for label in ADMINISTERED_APP_LABELS:
        routes.append(
            Route(
                "admin:app_list",
                TO_ADMIN_LOGIN,
                only_admin,
                kwargs=_const({"app_label": label}),
            )
        )
    for model in admin.site._registry:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        obj = objects[opts.label]
        object_kwargs = _const({"object_id": obj.pk})
        routes += [
            Route(f"{prefix}_changelist", TO_ADMIN_LOGIN, only_admin),
            Route(f"{prefix}_add", TO_ADMIN_LOGIN, only_admin),
            Route(f"{prefix}_history", TO_ADMIN_LOGIN, only_admin, kwargs=object_kwargs),
            Route(f"{prefix}_delete", TO_ADMIN_LOGIN, only_admin, kwargs=object_kwargs),
            Route(f"{prefix}_change", TO_ADMIN_LOGIN, only_admin, kwargs=object_kwargs),
            # No catalog row has a public page of its own.
            Route(
                "admin:view_on_site",
                TO_ADMIN_LOGIN,
                {"admin_sistema": NOT_FOUND},
                kwargs=_view_on_site_kwargs(obj),
            ),
        ]
        if opts.label == "accounts.User":
            routes.append(
                Route(
                    "admin:auth_user_password_change",
                    TO_ADMIN_LOGIN,
                    only_admin,
                    kwargs=_const({"id": obj.pk}),
                )
            )
    return routes


@pytest.fixture
def world(
    catalogs, servidora, atencion, enlace, coordinacion, autoridad, admin_sistema, outsider
) -> dict[str, Any]:
    people = {
        "servidora": servidora,
        "atencion": atencion,
        "enlace": enlace,
        "coordinacion": coordinacion,
        "autoridad": autoridad,
        "admin_sistema": admin_sistema,
        "outsider": outsider,
    }
    from violeta.protocols.models import NonWorkingDay, ProtocolVersion
    from violeta.protocols.services_definitions import protocol_versions_load

    protocol_versions_load()
    NonWorkingDay.objects.create(date=datetime.date(2026, 12, 24), description="Nochebuena")
    case = _assigned_case(enlace, coordinacion, atencion)
    objects: dict[str, Any] = {
        "people": people,
        "case": case,
        "referral": _proposed_referral(case, atencion),
        "adverse_change": _adverse_change(case, atencion),
        "report": _public_report(),
        **_training_world(coordinacion),
        **_procedure_world(enlace, coordinacion, atencion, autoridad),
        "protocol_version": ProtocolVersion.objects.get(code="chihuahua-municipal").version,
    }
    for model in admin.site._registry:
        objects[model._meta.label] = (
            servidora if model._meta.label == "accounts.User" else model._default_manager.first()
        )
    return objects


def _assigned_case(enlace: Any, coordinacion: Any, atencion: Any) -> Any:
    from violeta.testing.factories import assign_to_affected, make_case

    case = make_case(registered_by=enlace, protocol="chihuahua-municipal")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    return case


def _training_world(coordinacion: Any) -> dict:
    """The courses, the seed's session with one attendee and her constancia, and a campaign."""
    from violeta.catalogs.selectors import dependencias
    from violeta.training.certificates import certificate_issue
    from violeta.training.content import courses_load
    from violeta.training.models import Campaign, Course, SessionMode
    from violeta.training.services_sessions import Attendee, attendees_record, session_create

    courses_load()
    course = Course.objects.get(code="tipos-y-modalidades")
    session = session_create(
        actor=coordinacion,
        course=course,
        mode=SessionMode.PRESENCIAL,
        held_on=datetime.date(2021, 12, 4),
        place="DIF Municipal",
        given_by="Instituto Municipal de las Mujeres",
    )
    dif = next(d for d in dependencias() if d.code == "dif_municipal")
    attendees_record(
        actor=coordinacion,
        session=session,
        attendees=[Attendee("Ana Torres", dif, email="ana@municipio.gob.mx")],
    )
    attendance = session.attendances.get()
    certificate = certificate_issue(
        course=course, holder_name=attendance.full_name, dependencia=dif, attendance=attendance
    )
    campaign = Campaign.objects.create(
        name="16 días de activismo 2026",
        kind="dieciseis_dias",
        starts_on=datetime.date(2026, 11, 25),
        ends_on=datetime.date(2026, 12, 10),
        created_by=coordinacion,
    )
    return {
        "training_session": session,
        "training_certificate": certificate,
        "campaign": campaign,
    }


def _public_report() -> Any:
    from violeta.reports.services import ReportFacts, report_submit

    report, _receipt = report_submit(
        facts=ReportFacts(
            reporter_role="testigo",
            what="Vi que un jefe le grita a una compañera todos los días en la oficina.",
        )
    )
    return report


def _adverse_change(case: Any, atencion: Any) -> Any:
    from django.utils import timezone

    from violeta.cases.models import PartyKind
    from violeta.sanctions.models import AdverseKind
    from violeta.sanctions.services_retaliation import adverse_change_record

    return adverse_change_record(
        actor=atencion,
        case=case,
        party=case.parties.get(kind=PartyKind.AFECTADA),
        kind=AdverseKind.CAMBIO_HORARIO,
        effective_on=timezone.localdate(),
    )


def _procedure_world(enlace: Any, coordinacion: Any, atencion: Any, autoridad: Any) -> dict:
    """A second case, against a public servant, with the autoridad assigned, her consent to the
    comité, an open procedure, a session held and a measure proposed."""
    import datetime as dt

    from django.utils import timezone

    from violeta.cases.models import AssignmentKind, ConsentPurpose, PartyKind
    from violeta.cases.services import case_assign
    from violeta.cases.services.consent import consent_record
    from violeta.sanctions import services as sanctions
    from violeta.sanctions.models import ComiteMember, MeasureKind, MeasureSubject
    from violeta.testing.factories import UserFactory, make_case

    ComiteMember.objects.create(user=autoridad, position="presidencia")
    accused = UserFactory(email="senalado@prueba.violeta.mx", full_name="Persona Señalada")
    case = make_case(registered_by=enlace, protocol="chihuahua-municipal", accused_user=accused)
    affected = case.parties.get(kind=PartyKind.AFECTADA)
    case_assign(
        actor=coordinacion,
        case=case,
        user=atencion,
        attends=affected,
        kind=AssignmentKind.PSICOLOGIA,
    )
    consent_record(actor=coordinacion, case=case, purpose=ConsentPurpose.COMITE_OIC, granted=True)
    case_assign(
        actor=coordinacion,
        case=case,
        user=autoridad,
        attends=affected,
        kind=AssignmentKind.AUTORIDAD,
    )
    procedure = sanctions.procedure_open(
        actor=autoridad,
        case=case,
        accused=case.parties.get(kind=PartyKind.SENALADA),
        allegations="Hechos atribuidos para la prueba de acceso, suficientemente descritos.",
    )
    session = sanctions.session_convene(
        actor=autoridad, procedure=procedure, scheduled_for=timezone.now(), place="Sala"
    )
    sanctions.session_hold(
        actor=autoridad, session=session, present=[m.pk for m in session.members.all()]
    )
    today = timezone.localdate()
    measure = sanctions.measure_propose(
        actor=autoridad,
        session=session,
        kind=MeasureKind.NO_CONTACTO,
        subject=MeasureSubject.PRESUNTO_AGRESOR,
        responsible="Recursos Humanos",
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
    )
    return {
        "procedure_case": case,
        "procedure": procedure,
        "session": session,
        "measure": measure,
    }


def _proposed_referral(case: Any, atencion: Any) -> Any:
    from violeta.catalogs.models import Institution
    from violeta.referrals.services import referral_propose

    return referral_propose(
        actor=atencion,
        case=case,
        institution=Institution.objects.get(code="cejum"),
        service="asesoria_juridica",
        reason="Asesoría legal para conocer sus opciones.",
    )


def client_for(persona: str, world: dict[str, Any]) -> Client:
    from violeta.testing.second_factor import force_login_verified

    client = Client()
    if persona != ANONYMOUS:
        # Logged in as after both steps: password and a verified second factor.
        force_login_verified(client, world["people"][persona])
    return client


def check(route: Route, persona: str, client: Client, world: dict[str, Any]) -> str | None:
    kwargs = route.kwargs(world) if route.kwargs else {}
    url = reverse(route.name, kwargs=kwargs)
    response = getattr(client, route.method)(url, route.data)
    expected = route.expected(persona)
    where = f"{route.method.upper()} {url} as {persona}"
    if response.status_code != expected.status:
        return f"{where}: got {response.status_code}, expected {expected}"
    if expected.redirect_to:
        target = reverse(expected.redirect_to)
        location = response.headers.get("Location", "")
        if not location.startswith(target):
            return f"{where}: redirected to {location}, expected {target}"
    return None


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_each_persona_as_expected(persona, world):
    client = client_for(persona, world)
    problems = [
        problem
        for route in (*ROUTES, *admin_routes(world))
        if (problem := check(route, persona, client, world)) is not None
    ]
    assert problems == []


def test_every_url_pattern_is_in_the_matrix(db):
    covered = {route.name for route in ROUTES} | set(NOT_IN_MATRIX)
    covered_admin = {route.name for route in admin_routes(_fake_objects())}
    missing = []
    for namespace, name in named_patterns():
        if namespace == "admin":
            # The admin's unnamed patterns are its redirect to the change page and catch-all.
            if name is not None and name not in covered_admin:
                missing.append(name)
            continue
        if name is None or name not in covered:
            missing.append(name or f"unnamed pattern in {namespace or 'root'}")
    assert missing == []


def _fake_objects() -> dict[str, Any]:
    return {model._meta.label: model(pk=1) for model in admin.site._registry}


def test_the_admin_never_registers_an_app_administration_may_not_manage():
    registered = {model._meta.app_label for model in admin.site._registry}
    assert registered <= set(ADMINISTERED_APP_LABELS)
    assert apps.is_installed("django.contrib.admin")
