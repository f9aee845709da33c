from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import User
from violeta.accounts.roles import Role
from violeta.cases.models import AssignmentKind, Case, CaseParty, TakingReason


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} · {obj.get_role_display()}"


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # The side, never the name: the form is also seen by people who may not read it.
        return str(obj.get_kind_display())


class AssignForm(forms.Form):
    user = StaffChoiceField(label=_("Persona"), queryset=User.objects.none())
    attends = PartyChoiceField(label=_("Atiende a"), queryset=CaseParty.objects.none())
    kind = forms.ChoiceField(label=_("Tipo de atención"), choices=AssignmentKind.choices)

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        attends_field = self.fields["attends"]
        assert isinstance(user_field, forms.ModelChoiceField)  # noqa: S101
        assert isinstance(attends_field, forms.ModelChoiceField)  # noqa: S101
        user_field.queryset = User.objects.filter(
            is_active=True, role__in=[Role.ATENCION, Role.AUTORIDAD]
        ).exclude(case_parties__case=case)
        attends_field.queryset = case.parties.exclude(kind="testigo")


class TransitionForm(forms.Form):
    transition = forms.CharField(max_length=60, widget=forms.HiddenInput)
    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Motivo"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccountAdditionForm(forms.Form):
    body = forms.CharField(
        label=_("Información nueva"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Se agrega con fecha y autoría; el relato original no cambia."),
    )
    retold = forms.BooleanField(
        label=_("Para obtenerla, ella tuvo que volver a narrar los hechos"), required=False
    )
    reason = forms.ChoiceField(
        label=_("Motivo por el que volvió a narrarlos"),
        required=False,
        choices=[("", "—"), *[c for c in TakingReason.choices if c[0] != TakingReason.INTAKE]],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("retold") and not data.get("reason"):
            self.add_error("reason", _("Indica por qué se le pidió volver a narrar los hechos."))
        return data


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Nueva nota"), widget=forms.Textarea(attrs={"rows": 4}))


class EmergencyAccessForm(forms.Form):
    folio = forms.CharField(label=_("Folio del caso"), max_length=30)
    reason = forms.CharField(
        label=_("Motivo"),
        widget=forms.Textarea(attrs={"rows": 4}),
        min_length=20,
        max_length=500,
        help_text=_(
            "Por qué necesitas ver este expediente ahora. No escribas datos de la persona. "
            "Coordinación recibirá un aviso."
        ),
    )

    def clean_folio(self) -> str:
        return str(self.cleaned_data["folio"]).strip().upper()
