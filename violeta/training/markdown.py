"""Lesson markdown to HTML that is safe to put in a page.

CommonMark with raw HTML disabled: a ``<script>`` in a lesson file comes out as text, and
markdown-it's own link check refuses ``javascript:``/``data:`` URLs. Tables are enabled for
the lessons' comparison tables, and get the site's table style.
"""

from __future__ import annotations

import functools

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token


@functools.cache
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_tokens(text: str) -> list[Token]:
    """The parsed block and inline tokens (the loader reads headings from them)."""
    return _parser().parse(text)


def markdown_render(text: str) -> SafeString:
    parser = _parser()
    tokens = parser.parse(text)
    for token in tokens:
        if token.type == "table_open":
            token.attrSet("class", "table")
        for child in token.children or ():
            if child.type == "link_open":
                # The same policy as the rest of the site: no referrer leaves with a click.
                child.attrSet("rel", "noreferrer")
    # Safe: raw HTML is disabled, so every character of the source was escaped by the renderer.
    return mark_safe(parser.renderer.render(tokens, parser.options, {}))  # noqa: S308
