"""Forms for campaigns, their activities and the coverage filters."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.catalogs.models import Dependencia
from violeta.catalogs.selectors import dependencias
from violeta.training.coverage import add_months, month_start
from violeta.training.models import ActionLine, CampaignKind, Course

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The longest period the coverage page draws month by month (ten years).
MAX_MONTHS = 120


class ActionLineChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Nombre"), max_length=200)
    kind = forms.ChoiceField(label=_("Tipo"), choices=CampaignKind.choices)
    starts_on = forms.DateField(label=_("Inicia"), widget=DATE)
    ends_on = forms.DateField(label=_("Termina"), widget=DATE)
    action_lines = ActionLineChoice(
        label=_("Líneas de acción del Programa Municipal de Igualdad"),
        queryset=ActionLine.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(
        label=_("Descripción"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts_on") and data.get("ends_on") and data["starts_on"] > data["ends_on"]:
            self.add_error("ends_on", _("La fecha final es anterior a la inicial."))
        return data


class DependenciaChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class ActivityForm(forms.Form):
    held_on = forms.DateField(label=_("Fecha"), widget=DATE)
    title = forms.CharField(label=_("Actividad"), max_length=200)
    dependencia = DependenciaChoice(
        label=_("Dependencia"),
        queryset=Dependencia.objects.none(),
        required=False,
        empty_label=_("Ninguna: actividad con la comunidad"),
        help_text=_("La dependencia cuyo personal participó, si la actividad fue interna."),
    )
    place = forms.CharField(label=_("Lugar"), max_length=200, required=False)
    reach = forms.IntegerField(
        label=_("Personas alcanzadas"),
        min_value=0,
        max_value=1_000_000,
        help_text=_("Cuántas personas asistieron o recibieron la actividad."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dependencia"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Dependencia.objects.filter(pk__in=[d.pk for d in dependencias()])


class MonthField(forms.DateField):
    """A month, typed as YYYY-MM (``<input type="month">``); its value is the month's 1st."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]

    def to_python(self, value: Any) -> datetime.date | None:
        day = super().to_python(value)
        return None if day is None else month_start(day)


class CourseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.title


class CoverageForm(forms.Form):
    course = CourseChoice(
        label=_("Curso"),
        queryset=Course.objects.filter(active=True),
        required=False,
        empty_label=_("El primer curso obligatorio"),
    )
    since = MonthField(label=_("Desde el mes"), required=False)
    until = MonthField(label=_("Hasta el mes"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        this_month = month_start(timezone.localdate())
        until = data.get("until") or this_month
        since = data.get("since") or add_months(until, -11)
        if until > this_month:
            self.add_error("until", _("El mes final no puede ser posterior al mes en curso."))
        elif since > until:
            self.add_error("until", _("El mes final es anterior al inicial."))
        elif add_months(since, MAX_MONTHS) <= until:
            self.add_error(
                "since",
                _("El periodo puede abarcar a lo más %(count)s meses.") % {"count": MAX_MONTHS},
            )
        data["since"], data["until"] = since, until
        return data
