"""Risk assessment: the instrument as data, the rules of the level (critical floor, raise with a
reason, never lowered in silence), who may assess, the tasks it opens through the protocol
engine, and the pages."""

import copy
import datetime

import pytest
import time_machine
import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from violeta.audit.models import AuditEntry
from violeta.detection.models import RiskAssessment
from violeta.detection.risk import (
    DEFAULT_FILE,
    RiskInstrumentError,
    instrument_parse,
    risk_instrument,
)
from violeta.detection.selectors import Trend, risk_history, risk_latest
from violeta.detection.services import risk_assess
from violeta.detection.views import risk_section
from violeta.protocols.models import RunTask
from violeta.protocols.services import deadlines_run, run_for, task_add, task_complete
from violeta.testing.factories import assign_to_affected, make_case
from violeta.testing.second_factor import force_login_verified

pytestmark = pytest.mark.django_db

REASON = "Él la esperó armado afuera de su trabajo ayer por la noche."
FROZEN = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
# Extreme by the score alone: 3+3+3+5+5+2+3 = 24 with the shipped weights.
EXTREME = {
    "escalada": True,
    "acceso_arma": True,
    "amenaza_muerte": True,
    "amenaza_con_arma": True,
    "estrangulamiento": True,
    "separacion": True,
    "sexo_forzado": True,
}


@pytest.fixture
def case(catalogs, enlace, coordinacion, atencion):
    case = make_case(registered_by=enlace, protocol="chihuahua-municipal")
    assign_to_affected(case, by=coordinacion, worker=atencion)
    case.refresh_from_db()
    return case


def raw_data():
    return yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


def open_tasks(case, code):
    return RunTask.objects.filter(run=run_for(case), code=code, done_at__isnull=True)


# The instrument as data.


class TestInstrument:
    def test_the_shipped_instrument_loads_with_five_levels_and_critical_items(self):
        instrument = risk_instrument()
        assert [level.code for level in instrument.levels] == [
            "no_apreciado",
            "bajo",
            "medio",
            "alto",
            "extremo",
        ]
        assert {item.code for item in instrument.items if item.critical} == {
            "amenaza_con_arma",
            "estrangulamiento",
        }
        assert "No son los pesos con licencia" in instrument.notice.es

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            (lambda d: d["levels"][2].update(min_score=7), "levels.2.min_score"),
            (lambda d: d["levels"][4].update(max_score=99), "levels.4.max_score"),
            (lambda d: d["levels"][1].pop("max_score"), "levels.1.max_score"),
            (lambda d: d["levels"].reverse(), "levels: must be exactly"),
            (lambda d: d["items"][1].update(code="escalada"), "items.1.code"),
            (lambda d: d["items"][0].update(weight=-1), "items.0.weight"),
            (lambda d: d["items"][0].update(colour="rojo"), "items.0.colour"),
            (lambda d: d["items"][0]["label"].pop("en"), "items.0.label.en"),
            (lambda d: d.update(critical_floor="altisimo"), "critical_floor"),
            (
                lambda d: d["levels"][4]["actions"][3]["repeat"].update(times=1),
                "levels.4.actions.3.repeat.times",
            ),
            (
                lambda d: d["levels"][3]["actions"][1].update(code="orden_proteccion"),
                "levels.3.actions.1.code",
            ),
            (lambda d: d["levels"][3]["actions"][0].pop("legal_basis"), "legal_basis"),
        ],
    )
    def test_a_bad_instrument_is_refused_naming_the_field(self, change, field):
        data = copy.deepcopy(raw_data())
        change(data)
        with pytest.raises(RiskInstrumentError) as refusal:
            instrument_parse(data, source="prueba.yaml")
        assert any(
            problem.startswith("prueba.yaml: ") and field in problem
            for problem in refusal.value.problems
        ), refusal.value.problems

    def test_score_bands_meet_at_their_edges(self):
        instrument = risk_instrument()
        for level in instrument.levels:
            assert instrument.band(level.min_score) == level.code
            if level.max_score is not None:
                assert instrument.band(level.max_score) == level.code
                assert instrument.band(level.max_score + 1) != level.code
        assert instrument.band(10_000) == "extremo"

    def test_a_repeated_action_becomes_one_task_per_occurrence(self):
        tasks = risk_instrument().level("extremo").tasks()
        contacts = [task for task in tasks if task.code.startswith("contacto_24h_")]
        assert [task.due_hours for task in contacts] == [24, 48, 72, 96, 120, 144]
        assert contacts[0].label_es == "Contacto cada 24 horas durante 6 días (1/6)"


# The level.


class TestLevel:
    def test_no_factor_is_no_apreciado(self, case, atencion):
        assessment = risk_assess(actor=atencion, case=case, answers={})
        assert (assessment.score, assessment.level) == (0, "no_apreciado")
        assert assessment.answers == {item.code: False for item in risk_instrument().items}

    @pytest.mark.parametrize(
        ("answers", "score", "level"),
        [
            ({"escalada": True, "separacion": True}, 5, "bajo"),
            ({"escalada": True, "separacion": True, "acecho": True}, 7, "medio"),
            ({"escalada": True, "acceso_arma": True, "amenaza_muerte": True}, 9, "medio"),
            (
                {
                    "escalada": True,
                    "acceso_arma": True,
                    "amenaza_muerte": True,
                    "creencia_de_ella": True,
                },
                13,
                "alto",
            ),
            (EXTREME, 24, "extremo"),
        ],
    )
    def test_the_score_places_the_level_in_its_band(self, case, atencion, answers, score, level):
        assessment = risk_assess(actor=atencion, case=case, answers=answers)
        assert (assessment.score, assessment.computed_level, assessment.level) == (
            score,
            level,
            level,
        )

    @pytest.mark.parametrize("critical", ["estrangulamiento", "amenaza_con_arma"])
    def test_a_critical_factor_alone_is_at_least_alto(self, case, atencion, critical):
        assessment = risk_assess(actor=atencion, case=case, answers={critical: True})
        assert assessment.score == 5
        assert assessment.computed_level == "alto"

    def test_unknown_questions_are_refused(self, case, atencion):
        with pytest.raises(ValidationError) as refusal:
            risk_assess(actor=atencion, case=case, answers={"horoscopo": True})
        assert "horoscopo" in str(refusal.value.message_dict["answers"])
        assert not RiskAssessment.objects.exists()

    def test_raising_the_level_needs_a_written_reason(self, case, atencion):
        with pytest.raises(ValidationError) as refusal:
            risk_assess(actor=atencion, case=case, answers={}, level="alto", reason="Intuición")
        assert "reason" in refusal.value.message_dict
        assessment = risk_assess(actor=atencion, case=case, answers={}, level="alto", reason=REASON)
        assert (assessment.computed_level, assessment.level) == ("no_apreciado", "alto")
        assert assessment.raised_by_worker
        assert RiskAssessment.objects.get().raise_reason == REASON

    def test_the_reason_is_encrypted_at_rest(self, case, atencion):
        assessment = risk_assess(
            actor=atencion, case=case, answers={}, level="medio", reason=REASON
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT raise_reason FROM {RiskAssessment._meta.db_table} WHERE id = %s",  # noqa: S608
                [assessment.pk.hex if connection.vendor == "sqlite" else assessment.pk],
            )
            stored = cursor.fetchone()[0]
        assert "armado" not in stored

    def test_the_level_is_never_lowered_below_the_computed_one(self, case, atencion):
        with pytest.raises(ValidationError) as refusal:
            risk_assess(
                actor=atencion,
                case=case,
                answers={"estrangulamiento": True},
                level="bajo",
                reason=REASON,
            )
        assert "por debajo del calculado (Alto)" in str(refusal.value.message_dict["level"])
        assert not RiskAssessment.objects.exists()

    def test_a_later_lower_level_needs_a_reason_and_is_recorded(self, case, atencion):
        risk_assess(actor=atencion, case=case, answers={"estrangulamiento": True})
        with pytest.raises(ValidationError) as refusal:
            risk_assess(actor=atencion, case=case, answers={"celos_control": True})
        assert "Nunca se baja en silencio" in str(refusal.value.message_dict["reason"])
        later = risk_assess(
            actor=atencion,
            case=case,
            answers={"celos_control": True},
            reason="Él fue detenido y está en prisión preventiva.",
        )
        assert (later.level, later.lowered_from, later.raised_by_worker) == ("bajo", "alto", False)
        assert later.raise_reason == "Él fue detenido y está en prisión preventiva."

    def test_assessments_are_append_only(self, case, atencion):
        assessment = risk_assess(actor=atencion, case=case, answers={})
        assessment.level = "extremo"
        with pytest.raises(ValueError, match="append-only"):
            assessment.save()
        with pytest.raises(ValueError, match="append-only"):
            assessment.delete()


# Who may assess.


class TestWhoMayAssess:
    def test_coordinacion_assesses(self, case, coordinacion):
        assert risk_assess(actor=coordinacion, case=case, answers={}).assessed_by == coordinacion

    @pytest.mark.parametrize(
        "persona", ["outsider", "servidora", "autoridad", "admin_sistema", "enlace"], indirect=True
    )
    def test_everyone_else_is_refused(self, case, persona):
        with pytest.raises(PermissionDenied):
            risk_assess(actor=persona, case=case, answers=EXTREME)
        assert not RiskAssessment.objects.exists()

    def test_the_enlace_who_registered_a_pending_case_acts_on_it_but_does_not_assess(
        self, catalogs, enlace
    ):
        pending = make_case(registered_by=enlace, protocol="chihuahua-municipal")
        with pytest.raises(PermissionDenied):
            risk_assess(actor=enlace, case=pending, answers={})

    def test_a_case_without_a_protocol_run_never_loses_its_mandatory_actions(
        self, enlace, coordinacion, atencion
    ):
        bare = make_case(registered_by=enlace)
        assign_to_affected(bare, by=coordinacion, worker=atencion)
        with pytest.raises(ValidationError, match="protocolo en curso"):
            risk_assess(actor=atencion, case=bare, answers=EXTREME)
        assert risk_assess(actor=atencion, case=bare, answers={}).level == "no_apreciado"


# Mandatory actions become protocol tasks.


class TestTasks:
    def test_an_extreme_level_opens_the_protection_order_task_due_in_four_hours(
        self, case, atencion
    ):
        with time_machine.travel(FROZEN, tick=False):
            assessment = risk_assess(actor=atencion, case=case, answers=EXTREME)
        task = open_tasks(case, "orden_proteccion").get()
        assert task.label_es == "Solicitar órdenes de protección"
        assert task.role == "atencion"
        assert task.due_at == FROZEN + datetime.timedelta(hours=4)
        assert task in assessment.tasks_opened
        codes = set(RunTask.objects.filter(run=run_for(case)).values_list("code", flat=True))
        assert {"llamar_911", "canalizar_fem_cejum", "contacto_24h_1", "contacto_24h_6"} <= codes

        assert deadlines_run(now=FROZEN + datetime.timedelta(hours=3)).tasks_flagged == 1  # 911
        task.refresh_from_db()
        assert task.overdue_at is None
        later = FROZEN + datetime.timedelta(hours=4, minutes=1)
        deadlines_run(now=later)
        task.refresh_from_db()
        assert task.overdue_at == later

    def test_reassessing_never_duplicates_an_open_task(self, case, atencion):
        risk_assess(actor=atencion, case=case, answers=EXTREME)
        again = risk_assess(actor=atencion, case=case, answers=EXTREME)
        assert again.tasks_opened == []
        assert open_tasks(case, "orden_proteccion").count() == 1
        task_complete(task=open_tasks(case, "orden_proteccion").get(), actor=atencion)
        third = risk_assess(actor=atencion, case=case, answers=EXTREME)
        assert [task.code for task in third.tasks_opened] == ["orden_proteccion"]

    def test_task_add_keeps_one_open_task_per_code(self, case):
        run = run_for(case)
        assert run is not None
        first = task_add(run=run, code="prueba", role="atencion", label_es="Tarea de prueba")
        assert first is not None
        assert task_add(run=run, code="prueba", role="atencion", label_es="Otra vez") is None
        first.done_at = timezone.now()
        first.save()
        assert task_add(run=run, code="prueba", role="atencion", label_es="Otra vez") is not None

    def test_the_audit_records_level_and_score_never_the_answers(self, case, atencion):
        assessment = risk_assess(actor=atencion, case=case, answers=EXTREME)
        entry = AuditEntry.objects.get(target_id=str(assessment.pk))
        assert entry.action == "create"
        assert entry.detail["level"] == "extremo"
        assert entry.detail["score"] == 24
        assert entry.actor == atencion
        flat = str(entry.detail)
        for code in EXTREME:
            assert code not in flat


# Reads.


class TestHistory:
    def test_history_shows_the_trend_newest_first(self, case, atencion):
        risk_assess(actor=atencion, case=case, answers={"celos_control": True})
        risk_assess(actor=atencion, case=case, answers={"estrangulamiento": True})
        risk_assess(actor=atencion, case=case, answers={"estrangulamiento": True})
        rows = risk_history(user=atencion, case=case)
        assert [(row.assessment.level, row.trend) for row in rows] == [
            ("alto", Trend.IGUAL),
            ("alto", Trend.SUBE),
            ("bajo", None),
        ]
        latest = risk_latest(user=atencion, case=case)
        assert latest is not None
        assert (latest.level_label, latest.trend_label) == ("Alto", "Igual")

    @pytest.mark.parametrize(
        "persona", ["outsider", "servidora", "coordinacion", "autoridad", "enlace"], indirect=True
    )
    def test_only_those_who_read_her_account_see_the_history(self, case, atencion, persona):
        risk_assess(actor=atencion, case=case, answers={"celos_control": True})
        assert risk_history(user=persona, case=case) == []
        assert risk_latest(user=persona, case=case) is None

    def test_the_case_section_shows_what_each_viewer_may_see(self, case, atencion, coordinacion):
        from violeta.cases.selectors import case_reading

        risk_assess(actor=atencion, case=case, answers={"celos_control": True})
        for user, may_read in ((atencion, True), (coordinacion, False)):
            request = RequestFactory().get("/")
            request.user = user
            panel = risk_section(request, case, case_reading(user=user, case=case))["risk"]
            assert (panel.may_read, panel.may_assess) == (may_read, True)
            assert (panel.latest is not None) == may_read
            html = render_to_string(
                "detection/_risk_summary.html", {"case": case, "risk": panel}, request=request
            )
            assert reverse("detection:risk_assess", args=[case.pk]) in html
            assert ("Nivel de riesgo:" in html) == may_read
            assert (reverse("detection:risk_history", args=[case.pk]) in html) == may_read


# Pages.


def client_for(user):
    client = Client()
    force_login_verified(client, user)
    return client


class TestPages:
    def test_the_form_shows_every_factor_and_the_professional_judgement_sentence(
        self, case, atencion
    ):
        body = client_for(atencion).get(reverse("detection:risk_assess", args=[case.pk]))
        text = body.content.decode()
        assert body.status_code == 200
        assert "Este instrumento apoya y nunca sustituye el juicio profesional." in text
        assert "Ella cree que él es capaz de matarla" in text
        assert "20 o más" in text

    def test_a_refusal_rerenders_with_400_keeping_what_was_typed(self, case, atencion):
        url = reverse("detection:risk_assess", args=[case.pk])
        response = client_for(atencion).post(
            url, {"estrangulamiento": "on", "level": "extremo", "reason": "Corto"}
        )
        text = response.content.decode()
        assert response.status_code == 400
        checkbox = text.split('name="estrangulamiento"')[1].split(">")[0]
        assert "checked" in checkbox
        assert "Corto" in text
        assert "el nivel calculado es Alto" in text
        assert not RiskAssessment.objects.exists()

    def test_saving_names_the_level_and_the_tasks_created(self, case, atencion):
        client = client_for(atencion)
        url = reverse("detection:risk_assess", args=[case.pk])
        response = client.post(url, dict.fromkeys(EXTREME, "on"), follow=True)
        text = response.content.decode()
        assert "Nivel de riesgo: Extremo" in text
        assert "Solicitar órdenes de protección" in text
        assert "Canalizar de inmediato a la FEM / CEJUM" in text

    def test_history_page_is_for_those_who_read_her_account(self, case, atencion, coordinacion):
        risk_assess(actor=atencion, case=case, answers={}, level="medio", reason=REASON)
        url = reverse("detection:risk_history", args=[case.pk])
        response = client_for(atencion).get(url)
        assert response.status_code == 200
        assert "Primera valoración" in response.content.decode()
        assert REASON in response.content.decode()
        assert client_for(coordinacion).get(url).status_code == 404

    @pytest.mark.parametrize(
        "persona", ["outsider", "servidora", "autoridad", "admin_sistema", "enlace"], indirect=True
    )
    def test_the_pages_are_a_404_for_everyone_else(self, case, persona):
        client = client_for(persona)
        for name in ("detection:risk_assess", "detection:risk_history"):
            assert client.get(reverse(name, args=[case.pk])).status_code == 404
        response = client.post(reverse("detection:risk_assess", args=[case.pk]), {})
        assert response.status_code == 404
