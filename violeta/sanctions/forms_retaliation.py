"""Forms for the retaliation watch: recording an adverse change, and coordinación's review.

The rules (who may be chosen, which dates count, how long the note must be) live in
``services_retaliation``; these forms only collect what was typed and show its refusals.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from violeta.cases.models import Case, CaseParty, PartyKind
from violeta.sanctions.models import AdverseKind
from violeta.sanctions.services_retaliation import (
    DETAIL_MAX_LENGTH,
    REVIEW_NOTE_MIN_LENGTH,
    protected_parties,
)


class PartyChoiceField(forms.ModelChoiceField):
    """Her or a witness, labelled by the form (see ``AdverseChangeForm.__init__``)."""

    labels: dict[Any, str] = {}

    def label_from_instance(self, obj: CaseParty) -> str:
        return self.labels.get(obj.pk, str(obj.get_kind_display()))


def party_labels(parties: list[CaseParty], *, show_names: bool) -> dict[Any, str]:
    """Names only for a viewer who reads her account; otherwise the role in the case and a
    number, which is enough to tell witnesses apart."""
    labels: dict[Any, str] = {}
    witnesses = 0
    for party in parties:
        if party.kind == PartyKind.AFECTADA:
            role = str(_("Persona afectada"))
        else:
            witnesses += 1
            role = str(_("Testigo %(number)d") % {"number": witnesses})
        labels[party.pk] = f"{role}: {party.display_name}" if show_names else role
    return labels


class AdverseChangeForm(forms.Form):
    party = PartyChoiceField(
        label=_("¿A quién afecta el cambio?"),
        queryset=CaseParty.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text=_("La prohibición de represalias protege a quien denunció y a quien testificó."),
    )
    kind = forms.ChoiceField(label=_("Cambio"), choices=AdverseKind.choices)
    effective_on = forms.DateField(
        label=_("Desde cuándo"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("El día del reporte o después; no una fecha futura."),
    )
    detail = forms.CharField(
        label=_("Detalle"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DETAIL_MAX_LENGTH,
        required=False,
        help_text=_(
            "Qué cambió, quién lo decidió y cómo se enteró. Sólo lo leen coordinación y "
            "quienes atienden el caso."
        ),
    )

    def __init__(self, *args: Any, case: Case, show_names: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["party"]
        assert isinstance(field, PartyChoiceField)  # noqa: S101
        parties = protected_parties(case=case)
        field.queryset = parties
        field.labels = party_labels(list(parties), show_names=show_names)


class AdverseReviewForm(forms.Form):
    is_retaliation = forms.ChoiceField(
        label=_("Conclusión"),
        choices=[
            ("si", _("Es una represalia")),
            ("no", _("No es una represalia")),
        ],
        widget=forms.RadioSelect,
        help_text=_(
            "Si es una represalia, la autoridad asignada al caso recibe un aviso para actuar."
        ),
    )
    note = forms.CharField(
        label=_("Fundamento de la conclusión"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=DETAIL_MAX_LENGTH,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _(
            "Al menos %(count)d caracteres. Cada cambio se revisa una sola vez."
        ) % {"count": REVIEW_NOTE_MIN_LENGTH}
