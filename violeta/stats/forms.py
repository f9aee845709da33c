from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class DashboardFilterForm(forms.Form):
    """A calendar year (up to its last complete month) and, optionally, one dependencia.

    Only whole years: two overlapping periods could be subtracted to reveal a hidden month.
    """

    anio = forms.TypedChoiceField(label=_("Año"), coerce=int, required=False)
    dependencia = forms.ChoiceField(label=_("Dependencia"), required=False)

    def __init__(
        self, *args: Any, years: list[int], dependencias: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["anio"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]
        self.fields["dependencia"].choices = [  # type: ignore[attr-defined]
            ("", _("Todo el municipio")),
            *dependencias,
        ]
        self.default_year = years[0]

    def year(self) -> int:
        return self.cleaned_data.get("anio") or self.default_year

    def dependencia_code(self) -> str | None:
        return self.cleaned_data.get("dependencia") or None
