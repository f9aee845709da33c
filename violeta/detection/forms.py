"""The risk screening form, built from the instrument's data in the viewer's language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.detection.risk_schema import Instrument, Item

# Field names the form uses besides the instrument's items.
LEVEL = "level"
REASON = "reason"


class RiskForm(forms.Form):
    def __init__(self, *args: Any, instrument: Instrument, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items:
            self.fields[item.code] = forms.BooleanField(
                label=item.label.text(language),
                help_text=item.help.text(language),
                required=False,
                widget=forms.CheckboxInput(attrs={"aria-describedby": f"id_{item.code}-ayuda"}),
            )
        self.fields[LEVEL] = forms.ChoiceField(
            label=_("Elevar el nivel (opcional)"),
            help_text=_(
                "Si tu criterio profesional ve más riesgo que el calculado, elige el nivel y "
                "escribe el motivo. El nivel nunca se baja del calculado."
            ),
            required=False,
            choices=[("", _("Mantener el nivel calculado"))]
            + [(level.code, level.label.text(language)) for level in instrument.levels],
            widget=forms.Select(attrs={"aria-describedby": f"id_{LEVEL}-ayuda"}),
        )
        self.fields[REASON] = forms.CharField(
            label=_("Motivo"),
            help_text=_(
                "Obligatorio si elevas el nivel o si queda más bajo que en la valoración "
                "anterior (al menos 20 caracteres)."
            ),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 3, "aria-describedby": f"id_{REASON}-ayuda"}),
        )

    def item_fields(self) -> list[tuple[forms.BoundField, Item]]:
        return [(self[item.code], item) for item in self.instrument.items]

    def answers(self) -> dict[str, bool]:
        return {item.code: bool(self.cleaned_data.get(item.code)) for item in self.instrument.items}
