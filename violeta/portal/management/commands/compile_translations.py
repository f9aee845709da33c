"""Compile the .po catalogs with Babel, so a fresh machine needs no GNU gettext.

Django's own ``compilemessages`` shells out to ``msgfmt``; a user with only Python and git
does not have it. ``makemessages`` (extraction) still needs gettext and is a developer task.

It also writes the catalog of the language the messages are written in (``LANGUAGE_CODE``),
computed from the others' messages: see ``violeta.portal.source_catalog``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from violeta.portal.source_catalog import source_catalog_path, write_source_catalog


def _read(po_path: Path) -> Catalog:
    with po_path.open("rb") as po_file:
        try:
            return read_po(po_file, abort_invalid=True)
        except Exception as exc:
            raise CommandError(f"{po_path}: {exc}") from exc


class Command(BaseCommand):
    help = "Compile every .po file under LOCALE_PATHS into its .mo file."

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        po_paths = [
            po_path
            for locale_dir in settings.LOCALE_PATHS
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po"))
        ]
        for po_path in po_paths:
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            catalog = _read(po_path)
            with mo_path.open("wb") as mo_file:
                write_mo(mo_file, catalog, use_fuzzy=False)
            compiled += 1
        self.stdout.write(f"Translations: {compiled} catalog(s) compiled.")
        self._source_catalog([path for path in po_paths if path.name == "django.po"])

    def _source_catalog(self, po_paths: list[Path]) -> None:
        if not po_paths or not settings.LOCALE_PATHS:
            return
        target = source_catalog_path(Path(settings.LOCALE_PATHS[0]), settings.LANGUAGE_CODE)
        if target.with_suffix(".po").exists():
            return  # the source language has a catalog of its own, compiled above
        sources = [path for path in po_paths if path.parent != target.parent]
        newest = max(path.stat().st_mtime for path in sources) if sources else 0.0
        if target.exists() and target.stat().st_mtime >= newest:
            return
        messages: dict[tuple[str | None, str], Message] = {}
        for po_path in sources:
            for message in _read(po_path):
                if message.id:
                    singular = message.id if isinstance(message.id, str) else message.id[0]
                    messages.setdefault((message.context, singular), message)
        count = write_source_catalog(target, messages.values(), settings.LANGUAGE_CODE)
        self.stdout.write(f"Translations: the source language's catalog holds {count} messages.")
