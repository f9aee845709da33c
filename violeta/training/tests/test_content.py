"""Course content files: the shipped courses load; broken files are refused naming file and
field, and nothing is loaded; loading twice changes nothing; lesson markdown is safe HTML."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from violeta.training.content import CONTENT_DIR, CourseContentError, courses_load
from violeta.training.markdown import markdown_render
from violeta.training.models import Course, Lesson, Question

pytestmark = pytest.mark.django_db

SHIPPED = ("tipos-y-modalidades", "protocolo-de-atencion")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the shipped content that a test may break."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    return root


def _edit_yaml(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _problems(root: Path) -> str:
    with pytest.raises(CourseContentError) as refused:
        courses_load(root=root)
    return "\n".join(refused.value.problems)


def _snapshot() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for model in (Course, Lesson, Question):
        rows += [model_to_dict(row) | {"pk": row.pk} for row in model.objects.order_by("pk")]
    return rows


def test_the_shipped_courses_load_mandatory_and_bilingual() -> None:
    report = courses_load()
    assert sorted(report.courses) == sorted(SHIPPED)
    for code in SHIPPED:
        course = Course.objects.get(code=code)
        assert course.mandatory and course.passing_score == 80 and course.active
        assert course.title_es and course.title_en and course.summary_es and course.summary_en
        lessons = list(course.lessons.all())
        assert 3 <= len(lessons) <= 4
        assert all(lesson.body_es and lesson.body_en for lesson in lessons)
        questions = list(course.questions.all())
        pre = {q.code for q in questions if "pre" in q.stages}
        post = {q.code for q in questions if "post" in q.stages}
        assert len(pre) >= 8 and len(post) >= 8
        # The two evaluations share most questions, so learning can be measured.
        assert len(pre & post) > len(pre) / 2
        for question in questions:
            assert sum(option["correct"] for option in question.options) == 1
            for option in question.options:
                assert option["explanation"]["es"] and option["explanation"]["en"]
    assert Course.objects.get(code="tipos-y-modalidades").title_es == (
        "Tipos y modalidades de violencia"
    )
    assert Course.objects.get(code="protocolo-de-atencion").title_es == "Protocolo de atención"


def test_loading_twice_changes_nothing() -> None:
    first = courses_load()
    before = _snapshot()
    again = courses_load()
    assert first.created == len(before)
    assert not again.changed
    assert again.unchanged == len(before)
    assert _snapshot() == before


def test_a_changed_file_updates_its_rows_and_a_removed_lesson_goes(content: Path) -> None:
    courses_load(root=content)
    folder = content / "tipos-y-modalidades"
    _edit_yaml(folder / "course.yaml", lambda data: data.update(version="2026.1"))
    for language in ("es", "en"):
        (folder / f"04-como-clasificar.{language}.md").unlink()
    report = courses_load(root=content)
    course = Course.objects.get(code="tipos-y-modalidades")
    assert course.version == "2026.1"
    assert not course.lessons.filter(slug="como-clasificar").exists()
    assert report.updated == 1 and report.deleted == 1


def test_a_broken_file_is_refused_naming_file_and_field(content: Path) -> None:
    _edit_yaml(
        content / "tipos-y-modalidades" / "course.yaml",
        lambda data: data.update(passing_score="ochenta"),
    )
    problems = _problems(content)
    assert "tipos-y-modalidades/course.yaml: field passing_score:" in problems
    assert Course.objects.count() == 0


def test_one_broken_course_loads_nothing_at_all(content: Path) -> None:
    def drop_title(data: dict[str, Any]) -> None:
        del data["title"]["en"]

    _edit_yaml(content / "protocolo-de-atencion" / "course.yaml", drop_title)
    problems = _problems(content)
    assert "protocolo-de-atencion/course.yaml: field title.en: Field required" in problems
    assert not Course.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize(("correct", "found"), [((), 0), (("a", "b"), 2)])
def test_a_question_needs_exactly_one_correct_option(
    content: Path, correct: tuple[str, ...], found: int
) -> None:
    def set_correct(data: dict[str, Any]) -> None:
        for option in data["questions"][0]["options"]:
            option["correct"] = option["code"] in correct

    _edit_yaml(content / "tipos-y-modalidades" / "quiz.yaml", set_correct)
    problems = _problems(content)
    assert "tipos-y-modalidades/quiz.yaml: question 1 (code 'jefe-contrato'" in problems
    assert f"exactly one option must be correct (found {found})" in problems


def test_an_option_without_an_explanation_is_refused(content: Path) -> None:
    def drop(data: dict[str, Any]) -> None:
        del data["questions"][2]["options"][1]["explanation"]

    _edit_yaml(content / "protocolo-de-atencion" / "quiz.yaml", drop)
    problems = _problems(content)
    assert "protocolo-de-atencion/quiz.yaml: question 3 (code 'plazo-comite'" in problems
    assert "field options.1.explanation: Field required" in problems


def test_duplicate_question_codes_and_unknown_stages_are_refused(content: Path) -> None:
    def break_quiz(data: dict[str, Any]) -> None:
        data["questions"][1]["code"] = data["questions"][0]["code"]
        data["questions"][2]["stages"] = ["final"]

    _edit_yaml(content / "tipos-y-modalidades" / "quiz.yaml", break_quiz)
    problems = _problems(content)
    assert "question 2 (code 'jefe-contrato'" in problems
    assert "field code: duplicates question 1" in problems
    assert "question 3 (code 'ventanilla'" in problems and "field stages.0:" in problems


def test_a_lesson_needs_both_languages_and_a_title(content: Path) -> None:
    folder = content / "protocolo-de-atencion"
    (folder / "02-paso-a-paso.en.md").unlink()
    lesson = folder / "03-que-hacer-y-que-no.es.md"
    lesson.write_text("Sin título\n\nTexto.\n", encoding="utf-8")
    (folder / "notas.txt").write_text("borrador", encoding="utf-8")
    problems = _problems(content)
    assert "protocolo-de-atencion/02-paso-a-paso.en.md: missing" in problems
    assert "protocolo-de-atencion/03-que-hacer-y-que-no.es.md: field title:" in problems
    assert "protocolo-de-atencion/notas.txt: unexpected file" in problems


def test_the_course_code_must_match_its_folder(content: Path) -> None:
    _edit_yaml(
        content / "tipos-y-modalidades" / "course.yaml", lambda data: data.update(code="otro")
    )
    assert "tipos-y-modalidades/course.yaml: field code: 'otro' must match" in _problems(content)


def test_the_command_loads_and_reports_problems(content: Path) -> None:
    call_command("load_courses", root=content)
    assert Course.objects.count() == 2
    (content / "tipos-y-modalidades" / "quiz.yaml").write_text("questions: [", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_courses", root=content)


def test_lesson_markdown_renders_safe_html() -> None:
    html = markdown_render(
        "## Sección\n\n<script>alert(1)</script>\n\n[enlace](javascript:alert(1)) "
        "[IMM](https://example.org/)\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n"
    )
    assert "<h2>Sección</h2>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.org/" rel="noreferrer">IMM</a>' in html
    assert '<table class="table">' in html
