"""Courses as content files: validated completely, then loaded in one transaction.

Each folder under ``content/`` is one course::

    content/<code>/course.yaml        code, title, summary, mandatory, passing_score, version…
    content/<code>/NN-<slug>.es.md    a lesson in Spanish: "# Title", then the body
    content/<code>/NN-<slug>.en.md    the same lesson in English
    content/<code>/quiz.yaml          the questions; each option is right or wrong, and says why

``courses_load`` reads every file before the first write; any problem raises
``CourseContentError`` listing each one with its file and field, and the database stays as it
was. Loading the same files twice changes nothing. The files decide: a lesson or question
removed from a folder is removed from its course (attempts keep their answers by code). A
course is never deleted: retire it with ``active: false``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from django.db import models, transaction
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError
from pydantic import model_validator as _model_validator

from violeta import yaml_files
from violeta.training.markdown import markdown_tokens
from violeta.training.models import Course, Lesson, Question

CONTENT_DIR = Path(__file__).resolve().parent / "content"
COURSE_FILE = "course.yaml"
QUIZ_FILE = "quiz.yaml"
LANGUAGES = ("es", "en")
STAGES = ("pre", "post")
LESSON_NAME = re.compile(
    r"^(?P<position>[0-9]{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<language>es|en)\.md$"
)

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)]
OptionCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+$", max_length=10)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class _Strict(BaseModel):
    # strict: a YAML "yes" is not a bool and an unquoted 2025.1 is not a version string.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Bilingual(_Strict):
    es: Text
    en: Text


class BilingualLine(_Strict):
    es: Line
    en: Line


class CourseSpec(_Strict):
    code: Code
    version: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
    position: int = Field(ge=0, le=32767)
    mandatory: bool
    passing_score: int = Field(ge=1, le=100)
    title: BilingualLine
    summary: Bilingual
    sources: list[Text] = Field(min_length=1)
    active: bool = True


class OptionSpec(_Strict):
    code: OptionCode
    text: Bilingual
    correct: bool
    explanation: Bilingual


class QuestionSpec(_Strict):
    code: Code
    stages: list[Literal["pre", "post"]] = Field(min_length=1)
    prompt: Bilingual
    options: list[OptionSpec] = Field(min_length=2, max_length=6)

    @_model_validator(mode="after")
    def _well_formed(self) -> QuestionSpec:
        if len(set(self.stages)) != len(self.stages):
            raise ValueError("stages: each stage once")
        codes = [option.code for option in self.options]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"options: duplicate code {', '.join(duplicates)}")
        right = sum(option.correct for option in self.options)
        if right != 1:
            raise ValueError(f"options: exactly one option must be correct (found {right})")
        return self


@dataclasses.dataclass(frozen=True)
class LessonSpec:
    position: int
    slug: str
    title: dict[str, str]
    body: dict[str, str]


@dataclasses.dataclass(frozen=True)
class CourseContent:
    spec: CourseSpec
    lessons: list[LessonSpec]
    questions: list[QuestionSpec]


class CourseContentError(Exception):
    """One or more problems in the course files; each names its file and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclasses.dataclass
class LoadReport:
    courses: list[str] = dataclasses.field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


# --- Reading and validating -------------------------------------------------------------------


def _field(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(file)"


def _message(error: Any) -> str:
    return str(error["msg"]).removeprefix("Value error, ")


def _problems(where: str, exc: ValidationError) -> list[str]:
    return [f"{where}: field {_field(err['loc'])}: {_message(err)}" for err in exc.errors()]


def _yaml(path: Path, where: str) -> Any:
    try:
        return yaml_files.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CourseContentError([f"{where}: cannot be read ({exc.strerror})"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise CourseContentError([f"{where}:{line} is not valid YAML: {exc}"]) from exc


def _question_lines(text: str) -> list[int]:
    """Line numbers (1-based) where each item of ``questions`` starts, for error messages."""
    try:
        root = yaml_files.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "questions" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _parse_course(folder: Path) -> CourseSpec:
    where = f"{folder.name}/{COURSE_FILE}"
    path = folder / COURSE_FILE
    if not path.is_file():
        raise CourseContentError([f"{where}: missing (every course folder needs one)"])
    raw = _yaml(path, where)
    if not isinstance(raw, dict):
        raise CourseContentError([f"{where}: must be a mapping with code, title, summary…"])
    try:
        spec = CourseSpec.model_validate(raw)
    except ValidationError as exc:
        raise CourseContentError(_problems(where, exc)) from exc
    if spec.code != folder.name:
        raise CourseContentError(
            [f"{where}: field code: {spec.code!r} must match the folder name {folder.name!r}"]
        )
    return spec


def _parse_quiz(folder: Path) -> list[QuestionSpec]:
    where = f"{folder.name}/{QUIZ_FILE}"
    path = folder / QUIZ_FILE
    if not path.is_file():
        raise CourseContentError([f"{where}: missing (every course needs its questions)"])
    raw = _yaml(path, where)
    if not isinstance(raw, dict) or set(raw) != {"questions"}:
        raise CourseContentError([f"{where}: must be a mapping with only `questions`"])
    items = raw["questions"]
    if not isinstance(items, list) or not items:
        raise CourseContentError([f"{where}: field questions: must be a non-empty list"])
    lines = _question_lines(path.read_text(encoding="utf-8"))
    problems: list[str] = []
    questions: list[QuestionSpec] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        code = item.get("code", "?") if isinstance(item, dict) else "?"
        line = f", line {lines[index]}" if index < len(lines) else ""
        at = f"{where}: question {index + 1} (code {code!r}{line})"
        try:
            question = QuestionSpec.model_validate(item)
        except ValidationError as exc:
            problems.extend(_problems(at, exc))
            continue
        if question.code in seen:
            problems.append(f"{at}: field code: duplicates question {seen[question.code]}")
            continue
        seen[question.code] = index + 1
        questions.append(question)
    if not problems:
        for stage in STAGES:
            if not any(stage in question.stages for question in questions):
                problems.append(f"{where}: field stages: no question for the {stage!r} stage")
    if problems:
        raise CourseContentError(problems)
    return questions


def _parse_lesson_file(path: Path, where: str) -> tuple[str, str]:
    """The title (the leading "# " heading) and the body after it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CourseContentError([f"{where}: cannot be read as UTF-8 ({exc})"]) from exc
    first, _, body = text.strip().partition("\n")
    if not first.startswith("# "):
        raise CourseContentError(
            [f"{where}: field title: the lesson must start with its title as a '# ' heading"]
        )
    title = first[2:].strip()
    body = body.strip()
    problems: list[str] = []
    if not title or len(title) > 200:
        problems.append(f"{where}: field title: must have 1 to 200 characters")
    if not body:
        problems.append(f"{where}: field body: the lesson has no text after its title")
    if any(token.type == "heading_open" and token.tag == "h1" for token in markdown_tokens(body)):
        problems.append(
            f"{where}: field body: only the title may be a '# ' heading; use '## ' for sections"
        )
    if problems:
        raise CourseContentError(problems)
    return title, body


def _parse_lessons(folder: Path) -> list[LessonSpec]:
    problems: list[str] = []
    found: dict[tuple[int, str], dict[str, tuple[str, str]]] = {}
    for path in sorted(folder.iterdir()):
        if path.name in (COURSE_FILE, QUIZ_FILE) or path.name.startswith((".", "_")):
            continue
        where = f"{folder.name}/{path.name}"
        match = LESSON_NAME.match(path.name)
        if match is None or not path.is_file():
            problems.append(
                f"{where}: unexpected file; lessons are named NN-slug.es.md and NN-slug.en.md"
            )
            continue
        if len(match["slug"]) > 80:
            problems.append(f"{where}: field slug: at most 80 characters")
            continue
        try:
            parsed = _parse_lesson_file(path, where)
        except CourseContentError as exc:
            problems.extend(exc.problems)
            continue
        found.setdefault((int(match["position"]), match["slug"]), {})[match["language"]] = parsed
    positions: dict[int, str] = {}
    lessons: list[LessonSpec] = []
    for (position, slug), versions in sorted(found.items()):
        name = f"{folder.name}/{position:02d}-{slug}"
        for language in LANGUAGES:
            if language not in versions:
                problems.append(f"{name}.{language}.md: missing (every lesson is in es and en)")
        if position in positions:
            problems.append(f"{name}: field position: {position:02d} is also {positions[position]}")
        positions[position] = slug
        if set(versions) != set(LANGUAGES):
            continue
        lessons.append(
            LessonSpec(
                position=position,
                slug=slug,
                title={language: versions[language][0] for language in LANGUAGES},
                body={language: versions[language][1] for language in LANGUAGES},
            )
        )
    slugs = [lesson.slug for lesson in lessons]
    for slug in sorted({slug for slug in slugs if slugs.count(slug) > 1}):
        problems.append(f"{folder.name}: field slug: {slug!r} is used by two lessons")
    if not problems and not lessons:
        problems.append(f"{folder.name}: no lessons (NN-slug.es.md and NN-slug.en.md)")
    if problems:
        raise CourseContentError(problems)
    return lessons


def course_parse(folder: Path) -> CourseContent:
    """Validate one course folder completely; raise CourseContentError with every problem."""
    problems: list[str] = []
    parts: dict[str, Any] = {}
    for name, parse in (
        ("spec", _parse_course),
        ("lessons", _parse_lessons),
        ("questions", _parse_quiz),
    ):
        try:
            parts[name] = parse(folder)
        except CourseContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CourseContentError(problems)
    return CourseContent(**parts)


def course_folders(root: Path | None = None) -> list[Path]:
    root = root or CONTENT_DIR
    return sorted(
        path for path in root.iterdir() if path.is_dir() and not path.name.startswith((".", "_"))
    )


def courses_parse(folders: Sequence[Path]) -> list[CourseContent]:
    problems: list[str] = []
    contents: list[CourseContent] = []
    for folder in folders:
        try:
            contents.append(course_parse(folder))
        except CourseContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise CourseContentError(problems)
    return contents


# --- Loading ----------------------------------------------------------------------------------


def _upsert(
    manager: models.Manager[Any], key: dict[str, Any], values: dict[str, Any], report: LoadReport
) -> Any:
    current = manager.select_for_update().filter(**key).first()
    if current is None:
        created = manager.model(**key, **values)
        created.full_clean()
        created.save()
        report.created += 1
        return created
    differing = {
        field: value for field, value in values.items() if getattr(current, field) != value
    }
    if not differing:
        report.unchanged += 1
        return current
    for field, value in differing.items():
        setattr(current, field, value)
    current.full_clean()
    current.save(update_fields=list(differing))
    report.updated += 1
    return current


def _question_values(position: int, question: QuestionSpec) -> dict[str, Any]:
    return {
        "position": position,
        "prompt_es": question.prompt.es,
        "prompt_en": question.prompt.en,
        "options": [
            {
                "code": option.code,
                "text": option.text.model_dump(),
                "correct": option.correct,
                "explanation": option.explanation.model_dump(),
            }
            for option in question.options
        ],
        # Canonical order, so that reordering the list in the file is not a change.
        "stages": [stage for stage in STAGES if stage in question.stages],
    }


def _course_load(content: CourseContent, report: LoadReport) -> None:
    spec = content.spec
    course: Course = _upsert(
        Course.objects,
        {"code": spec.code},
        {
            "title_es": spec.title.es,
            "title_en": spec.title.en,
            "summary_es": spec.summary.es,
            "summary_en": spec.summary.en,
            "mandatory": spec.mandatory,
            "passing_score": spec.passing_score,
            "version": spec.version,
            "position": spec.position,
            "active": spec.active,
        },
        report,
    )
    for lesson in content.lessons:
        _upsert(
            Lesson.objects,
            {"course": course, "slug": lesson.slug},
            {
                "position": lesson.position,
                "title_es": lesson.title["es"],
                "title_en": lesson.title["en"],
                "body_es": lesson.body["es"],
                "body_en": lesson.body["en"],
            },
            report,
        )
    for position, question in enumerate(content.questions, start=1):
        _upsert(
            Question.objects,
            {"course": course, "code": question.code},
            _question_values(position, question),
            report,
        )
    removed_lessons, _ = course.lessons.exclude(
        slug__in=[lesson.slug for lesson in content.lessons]
    ).delete()
    removed_questions, _ = course.questions.exclude(
        code__in=[question.code for question in content.questions]
    ).delete()
    report.deleted += removed_lessons + removed_questions


def courses_load(*, root: Path | None = None) -> LoadReport:
    """Load every course folder under ``root`` (default: the shipped ``content/``), all or
    nothing. Loading the same files twice changes nothing."""
    contents = courses_parse(course_folders(root))
    report = LoadReport(courses=[content.spec.code for content in contents])
    with transaction.atomic():
        for content in contents:
            _course_load(content, report)
    return report
