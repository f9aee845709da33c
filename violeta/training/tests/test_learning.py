"""Taking a course: scoring, explanations, the constancia on passing, progress, and the pages."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from violeta.testing.second_factor import force_login_verified
from violeta.training.models import Certificate, Course, Question, QuizAttempt
from violeta.training.services_learning import (
    AnswersMissing,
    attempt_feedback,
    attempt_record,
    learning_progress,
    quiz_questions,
)

pytestmark = pytest.mark.django_db

TIPOS = "tipos-y-modalidades"


def _question(course: Course, code: str, position: int, stages: list[str]) -> Question:
    """Options a (right) and b (wrong), each explaining itself."""
    return Question.objects.create(
        course=course,
        code=code,
        position=position,
        prompt_es=f"Situación {code}",
        prompt_en=f"Situation {code}",
        stages=stages,
        options=[
            {
                "code": "a",
                "text": {"es": f"Correcta {code}", "en": f"Right {code}"},
                "correct": True,
                "explanation": {"es": f"Porque sí {code}", "en": f"Because {code}"},
            },
            {
                "code": "b",
                "text": {"es": f"Incorrecta {code}", "en": f"Wrong {code}"},
                "correct": False,
                "explanation": {"es": f"Porque no {code}", "en": f"Because not {code}"},
            },
        ],
    )


@pytest.fixture
def course(db: None) -> Course:
    """Three questions in both evaluations, one only in the initial, two only in the final."""
    course = Course.objects.create(
        code="curso-prueba", title_es="Curso de prueba", version="1", passing_score=80
    )
    for position, code in enumerate(["q1", "q2", "q3"], start=1):
        _question(course, code, position, ["pre", "post"])
    _question(course, "solo-pre", 4, ["pre"])
    _question(course, "q5", 5, ["post"])
    _question(course, "q6", 6, ["post"])
    return course


def _answers(course: Course, stage: str, wrong: int = 0) -> dict[str, str]:
    """Every question of the stage answered, the first ``wrong`` of them wrongly."""
    return {
        question.code: "b" if index < wrong else "a"
        for index, question in enumerate(quiz_questions(course, stage))
    }


def _correct_answers(course: Course, stage: str) -> dict[str, str]:
    return {
        question.code: next(option["code"] for option in question.options if option["correct"])
        for question in quiz_questions(course, stage)
    }


# --- Scoring -------------------------------------------------------------------------------------


def test_the_stage_decides_which_questions_count(course: Course) -> None:
    assert [q.code for q in quiz_questions(course, "pre")] == ["q1", "q2", "q3", "solo-pre"]
    assert [q.code for q in quiz_questions(course, "post")] == ["q1", "q2", "q3", "q5", "q6"]


def test_the_score_is_the_percent_right_rounded_down(course: Course, servidora: Any) -> None:
    course.questions.filter(code__in=["q5", "q6"]).delete()  # three questions in the final
    attempt = attempt_record(
        user=servidora, course=course, stage="post", answers=_answers(course, "post", wrong=1)
    )
    # 2 of 3 is 66.67 %: shown as 66, never rounded up towards passing.
    assert attempt.score == 66
    assert not attempt.passed
    assert attempt.answers == {"q1": "b", "q2": "a", "q3": "a"}


@pytest.mark.parametrize(
    ("wrong", "score", "passed"), [(0, 100, True), (1, 80, True), (2, 60, False)]
)
def test_passing_needs_the_course_passing_score(
    course: Course, servidora: Any, wrong: int, score: int, passed: bool
) -> None:
    attempt = attempt_record(
        user=servidora, course=course, stage="post", answers=_answers(course, "post", wrong)
    )
    assert (attempt.score, attempt.passed) == (score, passed)


def test_unanswered_questions_are_refused_by_number(course: Course, servidora: Any) -> None:
    answers = _answers(course, "post")
    del answers["q2"]
    answers["q6"] = "z"  # an option that does not exist is no answer
    with pytest.raises(AnswersMissing) as refused:
        attempt_record(user=servidora, course=course, stage="post", answers=answers)
    assert refused.value.missing == ["q2", "q6"]
    assert refused.value.messages == [
        "Falta responder las preguntas 2, 5. Todas las preguntas se responden."
    ]
    assert not QuizAttempt.objects.exists()


def test_the_feedback_explains_every_answer(course: Course, servidora: Any) -> None:
    attempt = attempt_record(
        user=servidora, course=course, stage="post", answers=_answers(course, "post", wrong=2)
    )
    feedback = attempt_feedback(attempt)
    assert (feedback.right, feedback.total) == (3, 5)
    first, _second, third = feedback.answers[:3]
    assert not first.right
    assert first.chosen.explanation == "Porque no q1"
    assert (first.correct.text, first.correct.explanation) == ("Correcta q1", "Porque sí q1")
    assert third.right and third.chosen.explanation == "Porque sí q3"
    assert [answer.number for answer in feedback.answers] == [1, 2, 3, 4, 5]


def test_passing_the_final_evaluation_issues_her_constancia(course: Course, servidora: Any) -> None:
    attempt_record(user=servidora, course=course, stage="post", answers=_answers(course, "post", 2))
    assert not Certificate.objects.exists()
    attempt_record(user=servidora, course=course, stage="post", answers=_answers(course, "post"))
    attempt_record(user=servidora, course=course, stage="post", answers=_answers(course, "post"))
    certificate = Certificate.objects.get()
    assert certificate.user == servidora and certificate.course == course
    assert certificate.holder_name == "Servidora Pública"
    assert certificate.dependencia == servidora.dependencia


def test_the_initial_evaluation_is_taken_once_and_issues_nothing(
    course: Course, servidora: Any
) -> None:
    attempt = attempt_record(
        user=servidora, course=course, stage="pre", answers=_answers(course, "pre")
    )
    assert attempt.score == 100 and attempt.passed
    assert not Certificate.objects.exists()
    with pytest.raises(ValidationError, match="Ya respondiste la evaluación inicial"):
        attempt_record(user=servidora, course=course, stage="pre", answers=_answers(course, "pre"))
    assert QuizAttempt.objects.count() == 1


def test_progress_shows_the_gain_to_the_best_final_score(
    course: Course, servidora: Any, outsider: Any
) -> None:
    assert not learning_progress(servidora, course).started
    attempt_record(user=servidora, course=course, stage="pre", answers=_answers(course, "pre", 3))
    attempt_record(user=servidora, course=course, stage="post", answers=_answers(course, "post"))
    attempt_record(user=servidora, course=course, stage="post", answers=_answers(course, "post", 2))
    progress = learning_progress(servidora, course)
    assert (progress.pre_score, progress.best_post_score, progress.gain) == (25, 100, 75)
    assert progress.passed and progress.post_attempts == 2
    assert progress.certificate == Certificate.objects.get(user=servidora)
    assert not learning_progress(outsider, course).started


def test_every_shipped_final_evaluation_can_be_passed(courses: None, servidora: Any) -> None:
    for course in Course.objects.all():
        attempt = attempt_record(
            user=servidora, course=course, stage="post", answers=_correct_answers(course, "post")
        )
        assert attempt.score == 100
    assert Certificate.objects.filter(user=servidora).count() == 2


# --- Pages ---------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    force_login_verified(client, user)
    return client


def _urls() -> list[str]:
    return [
        reverse("training:courses"),
        reverse("training:course", args=[TIPOS]),
        reverse("training:lesson", args=[TIPOS, "tipos-de-violencia"]),
        reverse("training:quiz", args=[TIPOS, "pre"]),
        reverse("training:quiz", args=[TIPOS, "post"]),
        reverse("training:my_certificate", args=[TIPOS]),
    ]


def test_anonymous_visitors_are_sent_to_log_in(courses: None) -> None:
    for url in _urls():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


STAFF = (
    "servidora",
    "atencion",
    "enlace",
    "coordinacion",
    "autoridad",
    "admin_sistema",
    "outsider",
)


@pytest.mark.parametrize("persona", STAFF, indirect=True)
def test_every_member_of_staff_may_take_the_courses(courses: None, persona: Any) -> None:
    client = _client(persona)
    *pages, constancia = _urls()
    for url in pages:
        assert client.get(url).status_code == 200, url
    assert client.get(constancia).status_code == 404  # none issued yet
    assert client.post(reverse("training:quiz", args=[TIPOS, "pre"])).status_code == 400


def test_whoever_may_not_take_training_gets_a_404(courses: None, outsider: Any) -> None:
    client = _client(outsider)
    with mock.patch("violeta.accounts.roles.can_take_training", return_value=False):
        for url in _urls():
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("training:quiz", args=[TIPOS, "post"])).status_code == 404


def test_the_course_list_marks_the_mandatory_courses(courses: None, servidora: Any) -> None:
    html = _client(servidora).get(reverse("training:courses")).content.decode()
    assert "Tipos y modalidades de violencia" in html
    assert "Protocolo de atención" in html
    assert html.count("Obligatorio") == 2
    assert html.count("Aún no empiezas este curso.") == 2


def test_a_lesson_is_rendered_from_its_markdown(courses: None, servidora: Any) -> None:
    client = _client(servidora)
    course = client.get(reverse("training:course", args=[TIPOS])).content.decode()
    assert reverse("training:lesson", args=[TIPOS, "tipos-de-violencia"]) in course
    page = client.get(reverse("training:lesson", args=[TIPOS, "tipos-de-violencia"]))
    html = page.content.decode()
    assert "<h1>Los tipos de violencia</h1>" in html
    assert '<table class="table">' in html
    assert "Lección 2 de 4" in html
    missing = client.get(reverse("training:lesson", args=[TIPOS, "no-existe"]))
    assert missing.status_code == 404
    assert client.get(reverse("training:quiz", args=[TIPOS, "final"])).status_code == 404


def test_the_quiz_shows_one_fieldset_per_question(courses: None, servidora: Any) -> None:
    html = _client(servidora).get(reverse("training:quiz", args=[TIPOS, "pre"])).content.decode()
    count = len(quiz_questions(Course.objects.get(code=TIPOS), "pre"))
    assert html.count("<fieldset") == count
    assert f"Pregunta {count} de {count}" in html


def test_a_refused_quiz_keeps_her_answers(courses: None, servidora: Any) -> None:
    course = Course.objects.get(code=TIPOS)
    answers = _correct_answers(course, "post")
    skipped = list(answers)[1]
    del answers[skipped]
    response = _client(servidora).post(reverse("training:quiz", args=[TIPOS, "post"]), answers)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Falta responder la pregunta 2." in html
    assert "Elige una respuesta." in html
    first, chosen = next(iter(answers.items()))
    assert re.search(rf'name="{first}" value="{chosen}" id="[^"]+" checked', html)
    assert not QuizAttempt.objects.exists()


def test_passing_shows_the_explanations_and_the_constancia_link(
    courses: None, servidora: Any
) -> None:
    course = Course.objects.get(code=TIPOS)
    client = _client(servidora)
    assert client.get(reverse("training:my_certificate", args=[TIPOS])).status_code == 404
    response = client.post(
        reverse("training:quiz", args=[TIPOS, "post"]), _correct_answers(course, "post")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tu calificación: 100%" in html
    assert "¡Aprobaste!" in html
    questions = quiz_questions(course, "post")
    assert html.count("Tu respuesta") == len(questions)
    for question in questions:
        right = next(option for option in question.options if option["correct"])
        assert escape(right["explanation"]["es"]) in html
    assert reverse("training:my_certificate", args=[TIPOS]) in html


def test_the_initial_evaluation_shows_her_answers_once_taken(courses: None, servidora: Any) -> None:
    course = Course.objects.get(code=TIPOS)
    client = _client(servidora)
    url = reverse("training:quiz", args=[TIPOS, "pre"])
    answers = dict.fromkeys(_correct_answers(course, "pre"), "d")
    assert client.post(url, answers).status_code == 200
    again = client.get(url)
    assert again.status_code == 200
    assert "Evaluación inicial: tu resultado" in again.content.decode()
    refused = client.post(url, answers)
    assert refused.status_code == 400
    assert "Ya respondiste la evaluación inicial" in refused.content.decode()
