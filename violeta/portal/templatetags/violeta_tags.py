from __future__ import annotations

import re

from django import template

register = template.Library()

EXTENSION = re.compile(r"(?i)\b(?:ext\.?|extensi[oó]n)\s*")


@register.filter
def tel_href(phone: str) -> str:
    """A ``tel:`` URI from a directory phone: digits only; an extension becomes a pause."""
    main, *extension = EXTENSION.split(phone, maxsplit=1)
    digits = re.sub(r"[^\d+]", "", main)
    extension_digits = re.sub(r"\D", "", extension[0]) if extension else ""
    return f"tel:{digits},{extension_digits}" if extension_digits else f"tel:{digits}"
