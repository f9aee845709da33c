"""Forms to record her consent, an override required by law, and how to contact her."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import ConsentPurpose, ContactMethod, SharedItem
from violeta.catalogs.models import Institution
from violeta.catalogs.selectors import institutions


class _PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Finalidad"), choices=ConsentPurpose.choices)
    institution = forms.ModelChoiceField(
        label=_("Institución (sólo para canalizar)"),
        queryset=Institution.objects.none(),
        required=False,
    )
    scope = forms.MultipleChoiceField(
        label=_("Qué se comparte con esa institución (sólo para canalizar)"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "El oficio lleva siempre el folio, el servicio que se pide y el motivo; de su caso, "
            "sólo lo que aquí se marque."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        available = institutions()
        field.queryset = Institution.objects.filter(pk__in=[i.pk for i in available])
        # Shown from the rows already read (a page reads each catalog once); the queryset
        # still checks what is sent.
        field.choices = [
            ("", field.empty_label),
            *((i.pk, field.label_from_instance(i)) for i in available),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        referral = data.get("purpose") == ConsentPurpose.CANALIZACION
        if referral and not data.get("institution"):
            self.add_error("institution", _("Elige la institución a la que se refiere."))
        if not referral and data.get("institution"):
            self.add_error("institution", _("La institución sólo aplica al canalizar."))
        if not referral and data.get("scope"):
            self.add_error("scope", _("Lo que se comparte se elige sólo al canalizar."))
        return data


class ConsentDecisionForm(_PurposeForm):
    granted = forms.ChoiceField(
        label=_("Su decisión"),
        choices=[("si", _("Acepta")), ("no", _("No acepta o retira su consentimiento"))],
        widget=forms.RadioSelect,
    )


class ConsentOverrideForm(_PurposeForm):
    reason = forms.CharField(
        label=_("Motivo y fundamento legal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Por ejemplo: obligación de dar vista a la Procuraduría de Protección por un delito "
            "contra una niña (LGDNNA art. 12). Queda registrado y coordinación recibe un aviso."
        ),
    )


class ContactPreferenceForm(forms.Form):
    method = forms.ChoiceField(
        label=_("¿Cómo se le puede contactar?"),
        choices=ContactMethod.choices,
        widget=forms.RadioSelect,
    )
    safe_times = forms.CharField(
        label=_("Horarios seguros"),
        max_length=300,
        required=False,
        help_text=_("Por ejemplo: entre semana de 10 a 13 h; nunca en fin de semana."),
    )
