"""Forms to close and reopen a case. The choices come from the case's protocol (data), in the
viewer's language; the rules (which reasons, every item confirmed, what blocks closure) are
enforced once, in ``services.closure``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from violeta.cases.selectors_closure import ClosureTerms
from violeta.cases.services.closure import MIN_REOPEN_REASON, NOTE_MAX_LENGTH


class CaseCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motivo del cierre"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Elige el motivo del cierre.")},
    )
    checklist = forms.MultipleChoiceField(
        label=_("Antes de cerrar, confirma con ella"),
        widget=forms.CheckboxSelectMultiple,
        # Every item must be confirmed; the service names the missing ones.
        required=False,
    )
    note = forms.CharField(
        label=_("Observaciones (opcional)"),
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "id_note-ayuda"}),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("Se guardan cifradas. No repitas aquí el relato."),
    )

    def __init__(self, *args: Any, terms: ClosureTerms | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = terms.reasons if terms is not None else []
        checklist = terms.checklist if terms is not None else []
        reason_field = self.fields["reason"]
        assert isinstance(reason_field, forms.ChoiceField)  # noqa: S101
        reason_field.choices = [(choice.code, choice.label) for choice in reasons]
        checklist_field = self.fields["checklist"]
        assert isinstance(checklist_field, forms.MultipleChoiceField)  # noqa: S101
        checklist_field.choices = [(choice.code, choice.label) for choice in checklist]


class CaseReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la reapertura"),
        widget=forms.Textarea(attrs={"rows": 4, "aria-describedby": "id_reason-ayuda"}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": _("Escribe por qué se reabre el caso.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rendered per request: the viewer's language, never the one active at import.
        self.fields["reason"].help_text = gettext(
            "Al menos %(count)d caracteres. Queda en el historial del caso."
        ) % {"count": MIN_REOPEN_REASON}
