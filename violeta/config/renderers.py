"""The form renderer: Django's Jinja2 widget templates, and Django's templates for the rest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import django.forms
from django.forms.renderers import BaseRenderer, DjangoTemplates
from django.template.backends.jinja2 import Jinja2 as Jinja2Backend
from django.template.exceptions import TemplateDoesNotExist

# Templates of ours that replace Django's widget templates of the same name (same markup).
WIDGETS = Path(__file__).parent / "widgets"


class WidgetRenderer(BaseRenderer):
    """Render form widgets with Jinja2 where a Jinja2 template exists, else with Django's.

    Django ships every form and widget template in both languages, with the same markup; the
    Jinja2 ones render a select of a hundred options several times faster (the inbox's filters,
    the intake's formsets). The admin's own widgets exist only as Django templates, so a name
    Jinja2 lacks falls back to them, and is remembered so it is not looked up again. The select
    is ours (``widgets/``): Django's markup with the options written in place.
    """

    def __init__(self) -> None:
        self._jinja2 = Jinja2Backend(
            {
                "APP_DIRS": True,
                "DIRS": [WIDGETS, Path(django.forms.__file__).parent / "jinja2"],
                "NAME": "djangoforms",
                "OPTIONS": {},
            }
        )
        self._django = DjangoTemplates()
        self._django_only: set[str] = set()

    def get_template(self, template_name: str) -> Any:
        if template_name not in self._django_only:
            try:
                return self._jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                self._django_only.add(template_name)
        return self._django.get_template(template_name)
