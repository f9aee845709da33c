"""The inbox's filters: a GET form, always bound, whose missing values take the viewer's
defaults. Choices come from the catalogs and the protocols in force today."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.cases.selectors_inbox import (
    DUE_SOON_DAYS,
    ContextFlag,
    DueFilter,
    InboxFilters,
    Order,
    Scope,
    StatusFilter,
    default_scope,
)
from violeta.catalogs.models import Law, ViolenceModality, ViolenceType
from violeta.catalogs.selectors import catalog_reads_shared, dependencias, in_force
from violeta.protocols.selectors_definitions import protocols_current
from violeta.protocols.services_definitions import protocol_definition

MAX_DUE_DAYS = 90
CODE_SEPARATOR = ":"

INVALID_CHOICE = _("«%(value)s» no es una opción de este filtro. Elige una de la lista.")

Choices = list[tuple[Any, Any]]


def _pair(value: str) -> tuple[str, str] | None:
    if not value:
        return None
    first, _sep, second = value.partition(CODE_SEPARATOR)
    return first, second


def _any(label: Any) -> Choices:
    return [("", label)]


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar por folio o por un dato exacto"),
        required=False,
        max_length=200,
        help_text=_(
            "Escribe el folio (o sólo su número, como 42) o el dato completo de una persona: "
            "nombre, CURP, teléfono, correo o número de empleado. No se buscan fragmentos."
        ),
        error_messages={"max_length": _("Escribe como máximo %(limit_value)s caracteres.")},
    )
    scope = forms.ChoiceField(
        label=_("Casos"), choices=Scope.choices, error_messages={"invalid_choice": INVALID_CHOICE}
    )
    status = forms.ChoiceField(
        label=_("Estado"),
        choices=StatusFilter.choices,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    due = forms.ChoiceField(
        label=_("Plazos y tareas"),
        required=False,
        choices=DueFilter.choices,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    due_days = forms.IntegerField(
        label=_("Días para «vencen pronto»"),
        min_value=1,
        max_value=MAX_DUE_DAYS,
        error_messages={
            "invalid": _("Escribe un número entero de días."),
            "required": _("Escribe un número entero de días."),
            "min_value": _("Escribe al menos %(limit_value)s día."),
            "max_value": _("Escribe como máximo %(limit_value)s días."),
        },
    )
    stage = forms.ChoiceField(
        label=_("Etapa del protocolo"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    violence_type = forms.ChoiceField(
        label=_("Tipo de violencia"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    violence_modality = forms.ChoiceField(
        label=_("Modalidad de violencia"),
        required=False,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    dependencia = forms.ChoiceField(
        label=_("Dependencia"), required=False, error_messages={"invalid_choice": INVALID_CHOICE}
    )
    flags = forms.MultipleChoiceField(
        label=_("Contexto del caso"),
        required=False,
        choices=ContextFlag.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    order = forms.ChoiceField(
        label=_("Orden"), choices=Order.choices, error_messages={"invalid_choice": INVALID_CHOICE}
    )

    def __init__(self, data: QueryDict | Mapping[str, Any] | None = None, *, user: Any) -> None:
        defaults = {
            "scope": default_scope(user=user).value,
            "status": StatusFilter.OPEN.value,
            "due": DueFilter.ANY.value,
            "due_days": str(DUE_SOON_DAYS),
            "order": Order.NEWEST.value,
        }
        merged = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
        if data is not None and not isinstance(data, QueryDict):
            for key, value in data.items():
                if isinstance(value, list | tuple):
                    merged.setlist(key, [str(item) for item in value])
                else:
                    merged[key] = str(value)
        for key, value in defaults.items():
            # An empty value (a cleared field) falls back to the default too.
            if not merged.get(key):
                merged[key] = value
        # The page number belongs to the paginator, not to the filters.
        merged.pop("page", None)
        super().__init__(merged)
        # One read per catalog for both laws (what violence_types(law=...) returns for each),
        # and the catalogs' generation asked once for them and the protocols' stages.
        with catalog_reads_shared():
            self._choose("stage", _any(_("Todas las etapas")) + self._stage_choices())
            types = in_force(ViolenceType.objects.filter(law__in=Law.values), key="every law")
            modalities = in_force(
                ViolenceModality.objects.filter(law__in=Law.values), key="every law"
            )
            self._choose(
                "violence_type",
                _any(_("Todos los tipos"))
                + [
                    (law.label, [(f"{law.value}:{e.code}", e.name) for e in types if e.law == law])
                    for law in Law
                ],
            )
            self._choose(
                "violence_modality",
                _any(_("Todas las modalidades"))
                + [
                    (
                        law.label,
                        [(f"{law.value}:{e.code}", e.name) for e in modalities if e.law == law],
                    )
                    for law in Law
                ],
            )
            self._choose(
                "dependencia",
                _any(_("Todas las dependencias")) + [(d.code, d.name) for d in dependencias()],
            )

    def _choose(self, name: str, choices: Choices) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = choices

    @staticmethod
    def _stage_choices() -> Choices:
        """The stages of each protocol in force, grouped by protocol; value protocol:stage."""
        language = get_language()
        groups: Choices = []
        for version in protocols_current():
            definition = protocol_definition(version)
            groups.append(
                (
                    definition.name.text(language),
                    [
                        (
                            f"{definition.code}{CODE_SEPARATOR}{stage.code}",
                            stage.name.text(language),
                        )
                        for stage in definition.stages
                    ],
                )
            )
        return groups

    def filters(self) -> InboxFilters:
        """The filters asked for; call only on a valid form."""
        data = self.cleaned_data
        return InboxFilters(
            scope=Scope(data["scope"]),
            status=StatusFilter(data["status"]),
            due=DueFilter(data["due"] or ""),
            due_days=data["due_days"],
            stage=_pair(data["stage"]),
            violence_type=_pair(data["violence_type"]),
            violence_modality=_pair(data["violence_modality"]),
            dependencia=data["dependencia"],
            flags=frozenset(ContextFlag(flag) for flag in data["flags"]),
            q=data["q"].strip(),
            order=Order(data["order"]),
        )
