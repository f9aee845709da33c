"""Forms of the procedure's first part: opening, convening, attendance, excuses, measures,
votes and compliance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import CaseParty
from violeta.sanctions.models import (
    ComiteSession,
    Excuse,
    MeasureKind,
    MeasureSubject,
    SessionMember,
    VoteChoice,
)


class _PartyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class _MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.member.user.full_name)


class _AttendanceChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = f"{obj.member.user.full_name} ({obj.member.get_position_display()})"
        if obj.excuse:
            excused = _("excusado: %(why)s") % {"why": obj.get_excuse_display()}
            label += f" — {excused}"
        return label


class _SessionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(_("Sesión %(number)s") % {"number": obj.number})


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OpenForm(forms.Form):
    accused = _PartyChoice(
        label=_("Persona servidora pública señalada"), queryset=CaseParty.objects.none()
    )
    allegations = forms.CharField(
        label=_("Hechos que se le atribuyen"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        help_text=_(
            "Es lo que la persona señalada conocerá para defenderse. Describe conductas, "
            "fechas y lugares; nunca datos de contacto ni el domicilio de ella."
        ),
    )

    def __init__(self, *args: Any, accused: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["accused"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = accused


class ConveneForm(forms.Form):
    scheduled_for = forms.DateTimeField(
        label=_("Fecha y hora de la sesión"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Lugar"), max_length=200)


class ExcuseForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Integrante"), queryset=SessionMember.objects.none())
    excuse = forms.ChoiceField(
        label=_("Motivo"),
        choices=[
            (Excuse.PARENTESCO, Excuse.PARENTESCO.label),
            (Excuse.OTRO_INTERES, Excuse.OTRO_INTERES.label),
        ],
    )
    note = forms.CharField(label=_("En qué consiste"), max_length=500, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = members


class HoldForm(forms.Form):
    present = _AttendanceChoice(
        label=_("Integrantes presentes"),
        queryset=SessionMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    agreements = forms.CharField(
        label=_("Acuerdos"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text=_("Van en el acta. No copies aquí el relato ni notas de atención."),
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101
        field.queryset = members


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Medida"), choices=MeasureKind.choices)
    subject = forms.ChoiceField(
        label=_("A quién se aplica"),
        choices=MeasureSubject.choices,
        initial=MeasureSubject.PRESUNTO_AGRESOR,
        widget=forms.RadioSelect,
        help_text=_(
            "Las medidas recaen en la persona señalada. Si una medida la mueve a ella, necesita "
            "su consentimiento registrado antes de votarse."
        ),
    )
    responsible = forms.CharField(
        label=_("Quién debe cumplirla"),
        max_length=200,
        help_text=_("Por ejemplo: Recursos Humanos de la dependencia."),
    )
    starts_on = forms.DateField(label=_("Inicia"), widget=DATE)
    ends_on = forms.DateField(label=_("Termina"), widget=DATE)
    detail = forms.CharField(
        label=_("Detalle"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )


class VotesForm(forms.Form):
    """One choice per member who may vote."""

    def __init__(self, *args: Any, voters: list[SessionMember], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for voter in voters:
            self.fields[f"voto_{voter.pk}"] = forms.ChoiceField(
                label=voter.member.user.full_name,
                choices=VoteChoice.choices,
                widget=forms.RadioSelect,
            )

    def votes(self) -> dict[str, VoteChoice]:
        return {
            name.removeprefix("voto_"): VoteChoice(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("voto_")
        }


class ComplianceForm(forms.Form):
    complied = forms.ChoiceField(
        label=_("¿Se está cumpliendo?"),
        choices=[("si", _("Sí")), ("no", _("No"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Nota"), max_length=1000, required=False)


class RenewForm(forms.Form):
    session = _SessionChoice(label=_("Sesión que la vota"), queryset=ComiteSession.objects.none())
    ends_on = forms.DateField(label=_("Nueva fecha de término"), widget=DATE)

    def __init__(self, *args: Any, sessions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = sessions


class RepresentativeForm(forms.Form):
    email = forms.EmailField(
        label=_("Correo de la cuenta de quien lo representa"),
        help_text=_("Verá lo mismo que la persona señalada en su expediente, y nada más."),
    )
