"""Forms for referrals: her wishes, a proposal, her consent for one institution, an override
required by law, and a change of status."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import SharedItem
from violeta.catalogs.models import Institution
from violeta.catalogs.selectors import institutions
from violeta.catalogs.vocabulary import Handle
from violeta.referrals.models import Referral, ReferralStatus, Residence, Wish


class WishesForm(forms.Form):
    wants_denuncia = forms.ChoiceField(
        label=_("¿Quiere presentar una denuncia penal?"),
        choices=Wish.choices,
        widget=forms.RadioSelect,
        help_text=_("Es su decisión. Se le explica qué implica; no se le presiona."),
    )
    residence = forms.ChoiceField(
        label=_("¿Dónde vive?"), choices=Residence.choices, widget=forms.RadioSelect
    )


class ProposeForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institución"), queryset=Institution.objects.none()
    )
    service = forms.ChoiceField(label=_("Servicio que se pide"), choices=Handle.choices)
    reason = forms.CharField(
        label=_("Motivo de la canalización"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Va en el oficio. Escribe por qué se le canaliza, no lo que ella contó: su relato "
            "sólo viaja si ella lo autoriza."
        ),
    )
    rule_code = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Institution.objects.filter(
            pk__in=[i.pk for i in institutions() if not i.emergency]
        )


class ReferralConsentForm(forms.Form):
    granted = forms.ChoiceField(
        label=_("Su decisión sobre esta canalización"),
        choices=[("si", _("Acepta")), ("no", _("No acepta o retira su consentimiento"))],
        widget=forms.RadioSelect,
    )
    scope = forms.MultipleChoiceField(
        label=_("Qué acepta compartir con la institución"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "El oficio lleva siempre el folio, el servicio y el motivo; de su caso, sólo lo "
            "que ella marque. Si no comparte su relato, la institución podría pedirle que lo "
            "cuente: díselo para que decida."
        ),
    )


class ReferralOverrideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo y fundamento legal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Por ejemplo: obligación de dar vista a la Procuraduría de Protección por hechos "
            "contra una niña (LGDNNA art. 12). Queda registrado y coordinación recibe un aviso."
        ),
    )
    scope = forms.MultipleChoiceField(
        label=_("Qué exige la ley compartir"),
        choices=SharedItem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Sólo lo indispensable para que la institución cumpla su función."),
    )


class MoveForm(forms.Form):
    to = forms.ChoiceField(label=_("Nuevo estado"), choices=ReferralStatus.choices)
    contact_person = forms.CharField(
        label=_("Persona de contacto en la institución"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("Nota"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Obligatoria si la institución la rechazó: anota el motivo que dio."),
    )

    def __init__(self, *args: Any, referral: Referral, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [(s.value, s.label) for s in referral.next_statuses]


class FiguresForm(forms.Form):
    since = forms.DateField(
        label=_("Enviadas desde"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Hasta"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", _("La fecha final es anterior a la inicial."))
        return data
