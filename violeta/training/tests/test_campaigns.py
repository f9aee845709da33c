"""Campaigns: the recurring dates, the lines of action file, the writes and who may make them,
the reach totals and the pages."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from violeta.testing.factories import DependenciaFactory
from violeta.testing.second_factor import force_login_verified
from violeta.training.action_lines import ActionLinesFileError, action_lines_load
from violeta.training.models import (
    ActionLine,
    Campaign,
    CampaignKind,
    Course,
    SessionMode,
    TrainingSession,
)
from violeta.training.services_campaigns import (
    ReachRow,
    activity_add,
    campaign_create,
    campaign_summary,
    campaign_update,
    next_orange_day,
    orange_days,
    reach_by_dependencia,
    sixteen_days,
)

D = datetime.date


# --- Dates ------------------------------------------------------------------------------------


def test_sixteen_days_run_from_25_november_to_10_december() -> None:
    assert sixteen_days(2021) == (D(2021, 11, 25), D(2021, 12, 10))
    starts, ends = sixteen_days(2026)
    assert (ends - starts).days + 1 == 16


def test_dia_naranja_is_the_25th_of_every_month() -> None:
    days = orange_days(2026)
    assert len(days) == 12
    assert {day.day for day in days} == {25}
    assert [day.month for day in days] == list(range(1, 13))
    assert next_orange_day(D(2026, 3, 25)) == D(2026, 3, 25)
    assert next_orange_day(D(2026, 3, 26)) == D(2026, 4, 25)
    assert next_orange_day(D(2026, 12, 31)) == D(2027, 1, 25)


# --- Lines of action --------------------------------------------------------------------------


def test_loading_the_lines_of_action_twice_changes_nothing(db: None) -> None:
    first = action_lines_load()
    second = action_lines_load()
    assert 5 <= first.created <= 8
    assert (second.created, second.updated, second.unchanged) == (0, 0, first.created)
    line = ActionLine.objects.get(code="capacitacion_funcionariado")
    assert line.name_en


def test_a_renamed_line_is_updated_in_place(db: None) -> None:
    action_lines_load()
    ActionLine.objects.filter(code="acceso_justicia").update(name_es="Viejo nombre")
    report = action_lines_load()
    assert report.updated == 1
    assert ActionLine.objects.get(code="acceso_justicia").name_es != "Viejo nombre"


def test_a_bad_file_loads_nothing(db: None, tmp_path: Path) -> None:
    bad = tmp_path / "lines.yaml"
    bad.write_text(
        "program: {es: P}\nsource: S\nlines:\n"
        "  - {code: uno, name: {es: Uno}}\n"
        "  - {code: uno, name: {es: Otra vez}}\n"
        "  - {code: Mal-Clave, name: {es: Dos}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ActionLinesFileError) as error:
        action_lines_load(path=bad)
    assert any("lines.2.code" in problem for problem in error.value.problems)
    assert not ActionLine.objects.exists()


def test_the_command_loads_the_lines(db: None, capsys: Any) -> None:
    call_command("load_action_lines")
    assert "created" in capsys.readouterr().out
    assert ActionLine.objects.filter(code="prevencion_violencia").exists()


# --- Writes -----------------------------------------------------------------------------------


@pytest.fixture
def lines(db: None) -> dict[str, ActionLine]:
    action_lines_load()
    return {line.code: line for line in ActionLine.objects.all()}


@pytest.fixture
def campaign(coordinacion: Any, lines: Any) -> Campaign:
    starts, ends = sixteen_days(2026)
    return campaign_create(
        actor=coordinacion,
        name="16 días de activismo 2026",
        kind=CampaignKind.DIECISEIS_DIAS,
        starts_on=starts,
        ends_on=ends,
        action_lines=[lines["prevencion_violencia"]],
    )


def test_only_coordinacion_creates_campaigns(atencion: Any, outsider: Any, lines: Any) -> None:
    for person in (atencion, outsider):
        with pytest.raises(PermissionDenied):
            campaign_create(
                actor=person,
                name="Día Naranja",
                kind=CampaignKind.DIA_NARANJA,
                starts_on=D(2026, 1, 25),
                ends_on=D(2026, 1, 25),
            )
    assert not Campaign.objects.exists()


def test_a_campaign_cannot_end_before_it_starts(coordinacion: Any) -> None:
    with pytest.raises(ValidationError):
        campaign_create(
            actor=coordinacion,
            name="Al revés",
            kind=CampaignKind.OTRA,
            starts_on=D(2026, 5, 2),
            ends_on=D(2026, 5, 1),
        )


def test_an_activity_must_fall_within_its_campaign(campaign: Campaign, coordinacion: Any) -> None:
    with pytest.raises(ValidationError) as error:
        activity_add(
            actor=coordinacion, campaign=campaign, held_on=D(2026, 12, 11), title="Tarde", reach=5
        )
    assert "held_on" in error.value.error_dict


def test_moving_a_campaign_away_from_its_activities_is_refused(
    campaign: Campaign, coordinacion: Any
) -> None:
    activity_add(
        actor=coordinacion, campaign=campaign, held_on=D(2026, 11, 25), title="Inicio", reach=5
    )
    with pytest.raises(ValidationError):
        campaign_update(
            actor=coordinacion,
            campaign=campaign,
            name=campaign.name,
            kind=campaign.kind,
            starts_on=D(2026, 11, 26),
            ends_on=D(2026, 12, 10),
        )


def test_reach_by_dependencia_adds_up_to_the_total() -> None:
    rows = reach_by_dependencia([("DIF", 30), ("", 100), ("Cultura", 20), ("DIF", 5)])
    assert rows == [ReachRow("", 1, 100), ReachRow("DIF", 2, 35), ReachRow("Cultura", 1, 20)]
    assert sum(row.reach for row in rows) == 155
    assert reach_by_dependencia([]) == []


def test_a_campaign_totals_its_reach_and_lists_its_sessions(
    campaign: Campaign, coordinacion: Any
) -> None:
    dif: Any = DependenciaFactory(code="dif_camp", name_es="DIF Municipal")
    for held_on, dependencia, reach in (
        (D(2026, 11, 25), None, 120),
        (D(2026, 12, 4), dif, 35),
        (D(2026, 12, 5), dif, 15),
    ):
        activity_add(
            actor=coordinacion,
            campaign=campaign,
            held_on=held_on,
            title="Plática",
            dependencia=dependencia,
            reach=reach,
        )
    course = Course.objects.create(code="tipos-y-modalidades", title_es="Tipos", version="1")
    TrainingSession.objects.create(
        course=course,
        mode=SessionMode.PRESENCIAL,
        held_on=D(2026, 12, 4),
        given_by="IMM",
        campaign=campaign,
        created_by=coordinacion,
    )
    summary = campaign_summary(campaign=campaign)
    assert summary.total_reach == 170
    assert [(row.label, row.reach) for row in summary.by_dependencia] == [
        ("", 120),
        ("DIF Municipal", 50),
    ]
    assert [session.held_on for session in summary.sessions] == [D(2026, 12, 4)]


# --- Pages ------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def test_atencion_sees_campaigns_but_cannot_change_them(
    campaign: Campaign, atencion: Any, coordinacion: Any
) -> None:
    activity_add(
        actor=coordinacion,
        campaign=campaign,
        held_on=D(2026, 11, 25),
        title="Encendido naranja",
        place="Plaza Hidalgo",
        reach=120,
    )
    client = _client(atencion)
    listing = client.get(reverse("training:campaign_list"))
    assert listing.status_code == 200
    assert "16 días de activismo 2026" in listing.content.decode()
    assert reverse("training:campaign_new") not in listing.content.decode()
    detail = client.get(reverse("training:campaign_detail", args=[campaign.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Comunidad (sin dependencia)" in html and "Encendido naranja" in html
    assert reverse("training:campaign_activity_add", args=[campaign.pk]) not in html
    assert client.get(reverse("training:campaign_new")).status_code == 404
    add = reverse("training:campaign_activity_add", args=[campaign.pk])
    assert client.post(add, {"title": "x"}).status_code == 404
    assert client.get(reverse("training:campaign_edit", args=[campaign.pk])).status_code == 404


@pytest.mark.parametrize(
    "persona", ["servidora", "enlace", "autoridad", "admin_sistema", "outsider"]
)
def test_campaigns_do_not_exist_for_other_roles(
    persona: str, campaign: Campaign, request: Any
) -> None:
    client = _client(request.getfixturevalue(persona))
    assert client.get(reverse("training:campaign_list")).status_code == 404
    assert client.get(reverse("training:campaign_detail", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("training:campaign_new")).status_code == 404


def test_the_list_offers_this_years_sixteen_days_and_the_next_dia_naranja(
    coordinacion: Any,
) -> None:
    with time_machine.travel("2026-03-26 10:00:00-06:00", tick=False):
        listing = _client(coordinacion).get(reverse("training:campaign_list")).content.decode()
    assert "?tipo=dieciseis_dias&amp;anio=2026" in listing
    assert "?tipo=dia_naranja" in listing
    assert "día naranja: 25 de abril de 2026" in listing.lower()


def test_coordinacion_creates_a_campaign_and_records_an_activity(
    coordinacion: Any, lines: Any, catalogs: None
) -> None:
    client = _client(coordinacion)
    form = client.get(reverse("training:campaign_new"), {"tipo": "dieciseis_dias", "anio": "2021"})
    html = form.content.decode()
    assert 'value="2021-11-25"' in html and 'value="2021-12-10"' in html
    created = client.post(
        reverse("training:campaign_new"),
        {
            "name": "16 días de activismo 2021",
            "kind": "dieciseis_dias",
            "starts_on": "2021-11-25",
            "ends_on": "2021-12-10",
            "action_lines": [lines["capacitacion_funcionariado"].pk],
        },
    )
    campaign = Campaign.objects.get()
    assert created.status_code == 302
    assert created["Location"] == reverse("training:campaign_detail", args=[campaign.pk])

    add = reverse("training:campaign_activity_add", args=[campaign.pk])
    refused = client.post(add, {"held_on": "2022-01-10", "title": "Plática", "reach": "10"})
    assert refused.status_code == 400
    assert "La campaña va del 2021-11-25 al 2021-12-10" in refused.content.decode()
    from violeta.catalogs.models import Dependencia

    dif = Dependencia.objects.get(code="dif_municipal")
    recorded = client.post(
        add,
        {
            "held_on": "2021-12-04",
            "title": "Plática: tipos de violencia",
            "dependencia": dif.pk,
            "place": "DIF Municipal",
            "reach": "35",
        },
    )
    assert recorded.status_code == 302
    page = client.get(reverse("training:campaign_detail", args=[campaign.pk])).content.decode()
    assert "Plática: tipos de violencia" in page
    assert "<strong>35</strong>" in page
    assert "Capacitación y sensibilización del funcionariado municipal" in page


def test_a_campaign_with_bad_dates_is_shown_again_with_the_error(coordinacion: Any) -> None:
    response = _client(coordinacion).post(
        reverse("training:campaign_new"),
        {"name": "X", "kind": "otra", "starts_on": "2026-05-02", "ends_on": "2026-05-01"},
    )
    assert response.status_code == 400
    assert "anterior a la inicial" in response.content.decode()


# --- Demo -------------------------------------------------------------------------------------


def test_the_demo_campaigns_are_made_once_and_take_the_4_december_session(catalogs: None) -> None:
    from violeta.accounts.demo import demo_users_ensure
    from violeta.accounts.models import User
    from violeta.training.demo_campaigns import demo_campaigns_ensure

    demo_users_ensure()
    course = Course.objects.create(code="protocolo-de-atencion", title_es="Protocolo", version="1")
    session = TrainingSession.objects.create(
        course=course,
        mode=SessionMode.PRESENCIAL,
        held_on=D(2021, 12, 4),
        given_by="IMM",
        created_by=User.objects.get(email="coordinacion@demo.violeta.mx"),
    )
    assert demo_campaigns_ensure() == 2
    assert demo_campaigns_ensure() == 0
    campaign = Campaign.objects.get(starts_on=D(2021, 11, 25))
    assert campaign.ends_on == D(2021, 12, 10)
    assert campaign.action_lines.filter(code="capacitacion_funcionariado").exists()
    assert campaign.activities.count() >= 2
    session.refresh_from_db()
    assert session.campaign == campaign
    assert Campaign.objects.filter(starts_on=D(2026, 11, 25)).exists()
