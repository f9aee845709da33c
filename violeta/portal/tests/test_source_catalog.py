"""The catalog of the language the messages are written in answers each message at the first
lookup, with exactly what Spanish readers got without it."""

from __future__ import annotations

import os
import shutil
from io import StringIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.utils.translation.trans_real import CONTEXT_SEPARATOR, DjangoTranslation

from violeta.portal.source_catalog import source_catalog_path, write_source_catalog

PROJECT_LOCALE = Path(settings.BASE_DIR) / "violeta" / "locale"
ENGLISH_PO = PROJECT_LOCALE / "en" / "LC_MESSAGES" / "django.po"
COUNTS = (0, 1, 2, 5, 21, 1_000_000, 3_000_000)


def _messages():
    with ENGLISH_PO.open("rb") as po_file:
        return [message for message in read_po(po_file) if message.id]


def _answers(translation: DjangoTranslation, message) -> list[str]:
    prefix = f"{message.context}{CONTEXT_SEPARATOR}" if message.context else ""
    if message.pluralizable:
        singular, plural = message.id[0], message.id[1]
        answers = [translation.ngettext(prefix + singular, prefix + plural, n) for n in COUNTS]
    else:
        answers = [translation.gettext(prefix + message.id)]
    # As pgettext does: an untranslated message with a context comes back as itself.
    return [
        answer.split(CONTEXT_SEPARATOR, 1)[1] if CONTEXT_SEPARATOR in answer else answer
        for answer in answers
    ]


@pytest.fixture
def translations_with_and_without(settings, tmp_path):
    messages = _messages()
    settings.LOCALE_PATHS = [tmp_path]
    without = DjangoTranslation(settings.LANGUAGE_CODE)
    path = source_catalog_path(tmp_path, settings.LANGUAGE_CODE)
    write_source_catalog(path, messages, settings.LANGUAGE_CODE)
    with_catalog = DjangoTranslation(settings.LANGUAGE_CODE)
    return messages, without, with_catalog


def test_every_message_reads_the_same_with_the_source_catalog(translations_with_and_without):
    messages, without, with_catalog = translations_with_and_without
    assert len(messages) > 1000
    plurals = contexts = 0
    for message in messages:
        assert _answers(with_catalog, message) == _answers(without, message), message.id
        plurals += message.pluralizable
        contexts += bool(message.context)
    assert plurals and contexts, "the catalog's plural and context messages are compared too"


def test_a_message_that_is_also_one_of_djangos_keeps_djangos_translation(
    translations_with_and_without,
):
    _, without, with_catalog = translations_with_and_without
    assert without.gettext("English") == "Inglés"
    assert with_catalog.gettext("English") == "Inglés"
    assert with_catalog.gettext("This field is required.") == "Este campo es obligatorio."


def test_every_message_is_answered_without_walking_the_fallbacks(translations_with_and_without):
    messages, without, with_catalog = translations_with_and_without
    singular = [m for m in messages if not m.pluralizable and not m.context]
    missed_before = [m.id for m in singular if without._catalog.get(m.id) is None]
    assert len(missed_before) > 0.9 * len(singular), "without it, the messages walk the chain"
    assert [m.id for m in singular if with_catalog._catalog.get(m.id) is None] == []
    plural = next(m for m in messages if m.pluralizable)
    assert with_catalog._catalog.plural(plural.id[0], 3) == plural.id[1]


def test_the_command_writes_the_catalog_once_and_again_when_a_catalog_changes(settings, tmp_path):
    english = tmp_path / "en" / "LC_MESSAGES"
    english.mkdir(parents=True)
    shutil.copy(ENGLISH_PO, english / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    target = source_catalog_path(tmp_path, settings.LANGUAGE_CODE)

    out = StringIO()
    call_command("compile_translations", stdout=out)
    assert (english / "django.mo").exists()
    assert target.exists()
    assert "source language's catalog holds" in out.getvalue()
    written = target.stat().st_mtime_ns

    out = StringIO()
    call_command("compile_translations", stdout=out)
    assert target.stat().st_mtime_ns == written
    assert "source language's catalog" not in out.getvalue()

    later = target.stat().st_mtime + 10
    os.utime(english / "django.po", (later, later))
    out = StringIO()
    call_command("compile_translations", stdout=out)
    assert "source language's catalog holds" in out.getvalue()
    assert target.stat().st_mtime_ns != written


def test_a_catalog_of_its_own_for_the_source_language_is_compiled_not_replaced(settings, tmp_path):
    english = tmp_path / "en" / "LC_MESSAGES"
    english.mkdir(parents=True)
    shutil.copy(ENGLISH_PO, english / "django.po")
    spanish = tmp_path / "es_MX" / "LC_MESSAGES"
    spanish.mkdir(parents=True)
    (spanish / "django.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Caso"\nmsgstr "Expediente"\n',
        encoding="utf-8",
    )
    settings.LOCALE_PATHS = [tmp_path]

    call_command("compile_translations", stdout=StringIO())

    assert DjangoTranslation(settings.LANGUAGE_CODE).gettext("Caso") == "Expediente"
