"""Courses for staff: the list with her progress, a course, a lesson, the initial and final
evaluations with an explanation for every answer, and her constancia.

Every member of staff may take every course (``roles.can_take_training``); anyone else gets a
404. Mounted under /capacitacion/ with the namespace "training".
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils.translation import gettext as _

from violeta.accounts import roles
from violeta.documents.pdf import pdf_response
from violeta.training import services_learning as learning
from violeta.training.markdown import markdown_render
from violeta.training.models import Course, Question, QuizStage


def _trainee(request: HttpRequest) -> None:
    if not roles.can_take_training(request.user):
        raise Http404


def _course(code: str) -> Course:
    return get_object_or_404(Course, code=code, active=True)


def _stage(stage: str) -> QuizStage:
    if stage not in QuizStage.values:
        raise Http404
    return QuizStage(stage)


class QuizForm(forms.Form):
    """One radio group per question, named by the question's code. Every field is optional
    here: refusing unanswered questions, by name, is ``attempt_record``'s job."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.numbered: list[tuple[int, forms.BoundField]] = []
        for number, question in enumerate(questions, start=1):
            self.fields[question.code] = forms.ChoiceField(
                label=question.prompt,
                choices=[
                    (choice.code, choice.text) for choice in learning.question_choices(question)
                ],
                widget=forms.RadioSelect,
                required=False,
            )
            self.numbered.append((number, self[question.code]))

    def answers(self) -> dict[str, str]:
        return {code: value for code, value in self.cleaned_data.items() if value}


@login_required
def course_list(request: HttpRequest) -> HttpResponse:
    _trainee(request)
    return render(
        request,
        "training/learn_courses.html",
        {"progresses": learning.courses_progress(request.user)},
    )


@login_required
def course_detail(request: HttpRequest, code: str) -> HttpResponse:
    _trainee(request)
    course = _course(code)
    return render(
        request,
        "training/learn_course.html",
        {
            "course": course,
            "lessons": list(course.lessons.all()),
            "progress": learning.learning_progress(request.user, course),
        },
    )


@login_required
def lesson_detail(request: HttpRequest, code: str, slug: str) -> HttpResponse:
    _trainee(request)
    course = _course(code)
    lessons = list(course.lessons.all())
    index = next((i for i, lesson in enumerate(lessons) if lesson.slug == slug), None)
    if index is None:
        raise Http404
    lesson = lessons[index]
    return render(
        request,
        "training/learn_lesson.html",
        {
            "course": course,
            "lesson": lesson,
            "body": markdown_render(lesson.body),
            "number": index + 1,
            "count": len(lessons),
            "previous": lessons[index - 1] if index > 0 else None,
            "next": lessons[index + 1] if index + 1 < len(lessons) else None,
            "progress": learning.learning_progress(request.user, course),
        },
    )


def _result(request: HttpRequest, course: Course, feedback: learning.Feedback) -> HttpResponse:
    return render(
        request,
        "training/learn_result.html",
        {
            "course": course,
            "feedback": feedback,
            "attempt": feedback.attempt,
            "progress": learning.learning_progress(request.user, course),
            "first_lesson": course.lessons.first(),
        },
    )


@login_required
def quiz(request: HttpRequest, code: str, stage: str) -> HttpResponse:
    _trainee(request)
    course = _course(code)
    quiz_stage = _stage(stage)
    questions = learning.quiz_questions(course, quiz_stage)
    if not questions:
        raise Http404
    progress = learning.learning_progress(request.user, course)
    if quiz_stage == QuizStage.PRE and progress.pre is not None and request.method != "POST":
        # The initial evaluation is taken once: show what she answered then.
        return _result(request, course, learning.attempt_feedback(progress.pre))
    form = QuizForm(request.POST or None, questions=questions)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                attempt = learning.attempt_record(
                    user=request.user,
                    course=course,
                    stage=quiz_stage,
                    answers=form.answers(),
                )
            except PermissionDenied:
                raise Http404 from None
            except learning.AnswersMissing as error:
                form.add_error(None, error.messages[0])
                for question_code in error.missing:
                    form.add_error(question_code, _("Elige una respuesta."))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return _result(request, course, learning.attempt_feedback(attempt))
    return render(
        request,
        "training/learn_quiz.html",
        {
            "course": course,
            "stage": quiz_stage,
            "form": form,
            "count": len(questions),
            "progress": progress,
        },
        status=status,
    )


@login_required
def my_certificate(request: HttpRequest, code: str) -> HttpResponse:
    _trainee(request)
    course = _course(code)
    certificate = learning.certificate_of(request.user, course)
    if certificate is None:
        raise Http404
    # Imported here: the PDF module is another part of the app and may load later.
    from violeta.training.constancia import certificate_pdf

    return pdf_response(certificate_pdf(certificate), filename=f"constancia-{course.code}.pdf")


urlpatterns = [
    path("cursos/", course_list, name="courses"),
    path("cursos/<slug:code>/", course_detail, name="course"),
    path("cursos/<slug:code>/lecciones/<slug:slug>/", lesson_detail, name="lesson"),
    path("cursos/<slug:code>/evaluacion/<slug:stage>/", quiz, name="quiz"),
    path("cursos/<slug:code>/mi-constancia/", my_certificate, name="my_certificate"),
]
