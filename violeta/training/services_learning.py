"""Taking a course: its questions, scoring an attempt, the feedback on each answer, and where a
person stands (initial score, best final score, what she gained, her constancia).

Scores are whole percentages rounded down, so a score shown as passing always is: 79.9 % shows
as 79 and does not pass a course that asks for 80.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.training.certificates import certificate_issue
from violeta.training.models import Certificate, Course, Question, QuizAttempt, QuizStage


@dataclasses.dataclass(frozen=True)
class Choice:
    """One option of a question, in the viewer's language."""

    code: str
    text: str
    correct: bool
    explanation: str


def _text(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value or "")
    english = (get_language() or "").startswith("en")
    return str((value.get("en") if english else None) or value.get("es") or "")


def question_choices(question: Question) -> list[Choice]:
    return [
        Choice(
            code=str(option["code"]),
            text=_text(option.get("text")),
            correct=bool(option.get("correct")),
            explanation=_text(option.get("explanation")),
        )
        for option in question.options
    ]


def _correct_code(question: Question) -> str | None:
    return next((str(o["code"]) for o in question.options if o.get("correct")), None)


def quiz_questions(course: Course, stage: str) -> list[Question]:
    """The questions of one evaluation ("pre" or "post"), in the course's order."""
    stage = QuizStage(stage)
    return [question for question in course.questions.all() if stage in question.stages]


class AnswersMissing(ValidationError):
    """Some questions were left unanswered (or answered with an option that does not exist)."""

    def __init__(self, missing: list[tuple[int, Question]]) -> None:
        numbers = ", ".join(str(number) for number, _question in missing)
        super().__init__(
            ngettext(
                "Falta responder la pregunta %(numbers)s. Todas las preguntas se responden.",
                "Falta responder las preguntas %(numbers)s. Todas las preguntas se responden.",
                len(missing),
            )
            % {"numbers": numbers}
        )
        self.missing = [question.code for _number, question in missing]


def attempt_record(
    *, user: Any, course: Course, stage: str, answers: Mapping[str, str]
) -> QuizAttempt:
    """Score and keep one attempt at an evaluation. Every question of the stage must be
    answered. The initial evaluation is taken once (it is the baseline for what she learns);
    the final one as often as needed. Passing the final one issues her constancia."""
    if not roles.can_take_training(user):
        raise PermissionDenied
    stage = QuizStage(stage)
    if not course.active:
        raise ValidationError(_("Este curso ya no está vigente."))
    questions = quiz_questions(course, stage)
    if not questions:
        raise ValidationError(_("Este curso aún no tiene preguntas para esta evaluación."))
    chosen: dict[str, str] = {}
    missing: list[tuple[int, Question]] = []
    for number, question in enumerate(questions, start=1):
        answer = answers.get(question.code)
        if answer in {str(option["code"]) for option in question.options}:
            chosen[question.code] = str(answer)
        else:
            missing.append((number, question))
    if missing:
        raise AnswersMissing(missing)
    right = sum(chosen[question.code] == _correct_code(question) for question in questions)
    score = right * 100 // len(questions)
    passed = score >= course.passing_score
    with transaction.atomic():
        # One attempt at a time per person: two quick submissions of the initial evaluation
        # must not both count.
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if (
            stage == QuizStage.PRE
            and QuizAttempt.objects.filter(user=user, course=course, stage=stage).exists()
        ):
            raise ValidationError(
                _("Ya respondiste la evaluación inicial de este curso. Sigue con las lecciones.")
            )
        attempt = QuizAttempt.objects.create(
            user=user, course=course, stage=stage, answers=chosen, score=score, passed=passed
        )
        if stage == QuizStage.POST and passed:
            certificate_issue(
                course=course,
                holder_name=user.full_name,
                dependencia=user.dependencia,
                user=user,
            )
    return attempt


@dataclasses.dataclass(frozen=True)
class AnswerFeedback:
    number: int
    question: Question
    chosen: Choice
    correct: Choice

    @property
    def right(self) -> bool:
        return self.chosen.code == self.correct.code


@dataclasses.dataclass(frozen=True)
class Feedback:
    attempt: QuizAttempt
    answers: list[AnswerFeedback]

    @property
    def right(self) -> int:
        return sum(answer.right for answer in self.answers)

    @property
    def total(self) -> int:
        return len(self.answers)


def attempt_feedback(attempt: QuizAttempt) -> Feedback:
    """Each answer of the attempt: whether it was right, the explanation of the option she
    chose and, when she missed it, of the right one. Questions removed from the course since
    are left out."""
    answers: list[AnswerFeedback] = []
    for question in quiz_questions(attempt.course, attempt.stage):
        if question.code not in attempt.answers:
            continue
        choices = {choice.code: choice for choice in question_choices(question)}
        chosen = choices.get(str(attempt.answers[question.code]))
        correct = next((choice for choice in choices.values() if choice.correct), None)
        if chosen is None or correct is None:
            continue
        answers.append(AnswerFeedback(len(answers) + 1, question, chosen, correct))
    return Feedback(attempt=attempt, answers=answers)


@dataclasses.dataclass(frozen=True)
class Progress:
    course: Course
    pre: QuizAttempt | None
    best_post: QuizAttempt | None
    post_attempts: int
    certificate: Certificate | None

    @property
    def pre_score(self) -> int | None:
        return self.pre.score if self.pre else None

    @property
    def best_post_score(self) -> int | None:
        return self.best_post.score if self.best_post else None

    @property
    def gain(self) -> int | None:
        """Points gained from the initial to the best final evaluation."""
        if self.pre is None or self.best_post is None:
            return None
        return self.best_post.score - self.pre.score

    @property
    def passed(self) -> bool:
        return bool(self.best_post and self.best_post.passed)

    @property
    def started(self) -> bool:
        return self.pre is not None or self.post_attempts > 0


def certificate_of(user: Any, course: Course) -> Certificate | None:
    """Her valid constancia for the course, whether from the online course or a session."""
    return (
        Certificate.objects.filter(user=user, course=course, revoked_at__isnull=True)
        .order_by("-issued_at")
        .first()
    )


def learning_progress(user: Any, course: Course) -> Progress:
    attempts = QuizAttempt.objects.filter(user=user, course=course)
    posts = attempts.filter(stage=QuizStage.POST)
    return Progress(
        course=course,
        pre=attempts.filter(stage=QuizStage.PRE).order_by("taken_at", "id").first(),
        best_post=posts.order_by("-score", "-taken_at", "-id").first(),
        post_attempts=posts.count(),
        certificate=certificate_of(user, course),
    )


def courses_progress(user: Any) -> list[Progress]:
    """Every course in force, mandatory ones first, with where she stands in each."""
    courses = Course.objects.filter(active=True).order_by("-mandatory", "position", "code")
    return [learning_progress(user, course) for course in courses]
