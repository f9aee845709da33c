"""Words in the diagram and the outline: deadlines and roles as people say them, wrapped
and measured names, and text made safe for XML."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import ngettext

from violeta.accounts.roles import Role
from violeta.protocols.diagram.style import CHAR_EM
from violeta.protocols.schema import Deadline

# Characters XML 1.0 does not allow at all; a definition could carry one by accident.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def deadline_text(deadline: Deadline | None, language: str = "es") -> str:
    """The deadline as people say it: "24 h", "3 días hábiles", "30 días naturales", with
    " *" when the institution chose the value (``configurable_default``)."""
    if deadline is None:
        return ""
    count = deadline.amount
    with translation.override(language):
        if deadline.unit == "hours":
            text = ngettext("%(count)d h", "%(count)d h", count) % {"count": count}
        elif deadline.unit == "business_days":
            text = ngettext("%(count)d día hábil", "%(count)d días hábiles", count) % {
                "count": count
            }
        else:
            text = ngettext("%(count)d día natural", "%(count)d días naturales", count) % {
                "count": count
            }
    # The asterisk is explained on the page ("no los fija la norma").
    return f"{text} *" if deadline.configurable_default else text


def _role_labels(codes: Iterable[str], language: str) -> list[str]:
    with translation.override(language):
        return [str(Role(code).label) for code in codes]


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _esc(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )
