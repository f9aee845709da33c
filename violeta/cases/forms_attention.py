"""Forms of the attention record: a session, a safety plan version, a team task."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import User
from violeta.cases.models import Service, SessionMode

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DescribedForm(forms.Form):
    """Links each input to its help text and groups the fields in fieldsets."""

    fieldsets: tuple[tuple[Any, tuple[str, ...]], ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()

    def describe(self) -> None:
        for name, field in self.fields.items():
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}-ayuda"

    def grouped(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


class SessionForm(DescribedForm):
    service = forms.ChoiceField(label=_("Servicio"), choices=())
    held_at = forms.DateTimeField(
        label=_("Fecha y hora de la sesión"),
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        help_text=_("No puede estar en el futuro."),
    )
    mode = forms.ChoiceField(
        label=_("Modalidad"), choices=SessionMode.choices, initial=SessionMode.PRESENCIAL
    )
    interpreter_present = forms.BooleanField(
        label=_("Hubo intérprete en la sesión"), required=False
    )
    notes = forms.CharField(
        label=_("Notas de la sesión"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Se guardan cifradas; sólo las lee el personal asignado de tu servicio."),
    )
    next_appointment_at = forms.DateTimeField(
        label=_("Próxima cita"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M"],
        help_text=_("Opcional. Debe ser posterior a la sesión."),
    )

    fieldsets = (
        (_("La sesión"), ("service", "held_at", "mode", "interpreter_present")),
        (_("Lo que se trabajó"), ("notes",)),
        (_("Seguimiento"), ("next_appointment_at",)),
    )

    def __init__(
        self, *args: Any, services: list[str], needs_interpreter: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["service"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101
        field.choices = [(value, label) for value, label in Service.choices if value in services]
        if len(services) == 1:
            field.initial = services[0]
        if needs_interpreter:
            self.fields["interpreter_present"].help_text = _(
                "Ella requiere intérprete: indica si hubo uno en esta sesión."
            )
            self.describe()


class SafetyPlanForm(DescribedForm):
    warning_signs = forms.CharField(
        label=_("Señales de riesgo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lo que a ella le avisa que el peligro aumenta."),
    )
    safe_contacts = forms.CharField(
        label=_("Personas de confianza"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("A quién puede llamar y cómo."),
    )
    safe_places = forms.CharField(
        label=_("Lugares seguros"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    steps = forms.CharField(
        label=_("Qué hacer si hay peligro"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Los pasos que acordó con ella. Cada cambio se guarda como versión nueva."),
    )

    fieldsets = (
        (_("Riesgo"), ("warning_signs",)),
        (_("Apoyos"), ("safe_contacts", "safe_places")),
        (_("Plan de acción"), ("steps",)),
    )


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class TaskForm(DescribedForm):
    title = forms.CharField(
        label=_("Tarea"),
        max_length=300,
        help_text=_("Breve: qué hay que hacer, sin datos de ella que no hagan falta."),
    )
    due_on = forms.DateField(label=_("Fecha límite"), widget=DateInput())
    assigned_to = AssigneeChoiceField(
        label=_("Responsable"),
        queryset=User.objects.none(),
        help_text=_("Alguien del equipo asignado al caso, o tú."),
    )

    fieldsets = ((_("Nueva tarea"), ("title", "due_on", "assigned_to")),)

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = assignees
