"""The catalog of the language the messages are written in.

The messages are written in Spanish (``LANGUAGE_CODE``), so a Spanish page has no catalog of
its own for them: each ``gettext`` misses Django's catalogs and walks the whole chain of their
fallbacks (one per installed app that ships Spanish) before it returns the message itself.
A page asks for a few hundred messages, and the misses cost about a millisecond per page.

This catalog answers every message at the first lookup with what Spanish readers already got:
the message itself, or Django's own translation where a message happens to be one of Django's
(``"English"``). It is computed from the chain it replaces, so it cannot change a word.
"""

from __future__ import annotations

import gettext
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from django.utils.translation import to_locale
from django.utils.translation.trans_real import CONTEXT_SEPARATOR, DjangoTranslation

# Numbers tried to find one that selects each plural form (Spanish has three: one, millions
# and the rest).
_PLURAL_PROBES = (*range(0, 201), 1_000_000, 2_000_000)


def source_catalog_path(locale_dir: Path, language: str) -> Path:
    return Path(locale_dir) / to_locale(language) / "LC_MESSAGES" / "django.mo"


def _translated(translation: DjangoTranslation, message: str, context: str | None) -> str:
    if context is None:
        return translation.gettext(message)
    result = translation.gettext(f"{context}{CONTEXT_SEPARATOR}{message}")
    return message if CONTEXT_SEPARATOR in result else result


def _translated_plural(
    translation: DjangoTranslation, ids: tuple[str, str], n: int, context: str | None
) -> str:
    singular, plural = ids
    if context is None:
        return translation.ngettext(singular, plural, n)
    result = translation.ngettext(
        f"{context}{CONTEXT_SEPARATOR}{singular}", f"{context}{CONTEXT_SEPARATOR}{plural}", n
    )
    if CONTEXT_SEPARATOR in result:
        return singular if n == 1 else plural
    return result


def build_source_catalog(
    messages: Iterable[Message], translation: DjangoTranslation, language: str
) -> Catalog:
    """A catalog for ``language`` giving each of ``messages`` what ``translation`` (the
    language's catalogs without this one) gives it."""
    catalog = Catalog(locale=to_locale(language), domain="django")
    choose = gettext.c2py(catalog.plural_expr)
    probe_for: dict[int, int] = {}
    for n in _PLURAL_PROBES:
        probe_for.setdefault(choose(n), n)
    missing = set(range(catalog.num_plurals)) - set(probe_for)
    if missing:  # pragma: no cover - a plural rule no number reaches
        raise ValueError(f"No number selects the plural forms {sorted(missing)}")
    for message in messages:
        if not message.id:
            continue  # the header
        context = message.context
        string: Any
        if not isinstance(message.id, str):
            ids = (message.id[0], message.id[1])
            string = tuple(
                _translated_plural(translation, ids, probe_for[index], context)
                for index in range(catalog.num_plurals)
            )
        else:
            string = _translated(translation, message.id, context)
        catalog.add(message.id, string=string, context=context)
    return catalog


def write_source_catalog(path: Path, messages: Iterable[Message], language: str) -> int:
    """Write the catalog for ``language`` at ``path``; return how many messages it holds.

    Any earlier catalog at ``path`` is removed first, so the chain it is computed from is the
    one it replaces."""
    path.unlink(missing_ok=True)
    catalog = build_source_catalog(messages, DjangoTranslation(language), language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as mo_file:
        write_mo(mo_file, catalog)
    return len(catalog)
