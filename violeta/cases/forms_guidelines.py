from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import GuidelineStatus


class GuidelineResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Resultado"),
        choices=[
            (GuidelineStatus.DONE, _("Se cumplió")),
            (GuidelineStatus.NOT_APPLICABLE, _("No aplica en este caso")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Constancia o motivo"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Qué se hizo, quién y cuándo (por ejemplo, el número de oficio), o por qué no aplica."
        ),
    )
