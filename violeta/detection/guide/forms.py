"""The guide's one form: the Violentómetro checklist and three direct questions, all optional."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.detection.guide.loader import violentometro

YES = "si"
NO = "no"
UNSURE = "no_se"


def _yes_no(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


class GuideForm(forms.Form):
    items = forms.MultipleChoiceField(
        label=_("Lo que te ha pasado"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    in_danger = forms.ChoiceField(
        label=_("¿Estás en peligro ahora mismo?"),
        choices=[(YES, _("Sí")), (NO, _("No"))],
        required=False,
        widget=forms.RadioSelect,
    )
    wants_help = forms.ChoiceField(
        label=_("¿Quieres ayuda?"),
        choices=[(YES, _("Sí")), (NO, _("No")), (UNSURE, _("Todavía no lo sé"))],
        required=False,
        widget=forms.RadioSelect,
    )
    public_servant = forms.ChoiceField(
        label=_("¿Trabajas en el Gobierno Municipal de Chihuahua?"),
        help_text=_("Sólo sirve para decirte a dónde más puedes acudir."),
        choices=[(YES, _("Sí")), (NO, _("No"))],
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = get_language()
        items_field = cast(forms.MultipleChoiceField, self.fields["items"])
        items_field.choices = [
            (item.code, item.label.text(language)) for item in violentometro().items
        ]

    def answers(self) -> dict[str, Any]:
        """Keyword arguments for ``screening.screen`` from a valid form."""
        data = self.cleaned_data
        return {
            "marked": data["items"],
            "in_danger": data["in_danger"] == YES,
            "wants_help": _yes_no(data["wants_help"]),
            "public_servant": _yes_no(data["public_servant"]),
        }
