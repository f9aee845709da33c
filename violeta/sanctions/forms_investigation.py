"""Forms of the investigation and resolution. They only type what was sent; the rules (and
their messages) live in ``services_investigation``, whose refusals the views put back on the
form with what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from violeta.crypto.attachments import MB
from violeta.sanctions.models import HearingKind, Outcome, Sanction, Side
from violeta.sanctions.selectors_investigation import evidence_max_bytes
from violeta.sanctions.services_investigation import PARTY_AFECTADA, PARTY_SENALADA

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class EvidenceForm(forms.Form):
    """His own evidence (the accused's page): the side is always his."""

    description = forms.CharField(
        label=_("Descripción de la prueba"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_("Qué es y qué pretende demostrar."),
    )
    file = forms.FileField(label=_("Archivo"), allow_empty_file=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.file_bytes = b""
        limit = formats.number_format(evidence_max_bytes() / MB, decimal_pos=0)
        self.fields["file"].help_text = _(
            "PDF, imagen JPEG o PNG, o audio (MP3, M4A, OGG, WAV), de hasta %(limit)s MB. Se "
            "guarda cifrado; su huella SHA-256 queda a la vista para que ambas partes puedan "
            "comprobar que una copia es idéntica."
        ) % {"limit": limit}

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # One byte past the limit is enough for the service to refuse it as too big, without
        # reading a huge upload into memory.
        self.file_bytes = upload.read(evidence_max_bytes() + 1)
        return upload


class ConductorEvidenceForm(EvidenceForm):
    side = forms.ChoiceField(label=_("Parte que la presenta"), choices=Side.choices)
    field_order = ["side", "description", "file"]


class ArgumentForm(forms.Form):
    text = forms.CharField(
        label=_("Alegatos"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
        help_text=_("Lo que quiere que la autoridad considere antes de resolver."),
    )


class ConductorArgumentForm(ArgumentForm):
    side = forms.ChoiceField(label=_("Parte"), choices=Side.choices)
    field_order = ["side", "text"]


class HearingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Audiencia"), choices=HearingKind.choices)
    scheduled_for = forms.DateTimeField(
        label=_("Fecha y hora"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=_(
            "En día hábil. La audiencia inicial, entre 10 y 15 días hábiles después de la "
            "notificación (LGRA art. 208 fr. II)."
        ),
    )


class HearingHoldForm(forms.Form):
    minutes = forms.CharField(
        label=_("Constancia"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=20000,
        required=False,
        help_text=_("Quiénes comparecieron y qué se desahogó. Se guarda cifrada."),
    )
    held_at = forms.DateTimeField(
        label=_("Celebrada el"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Déjalo vacío si se celebró ahora."),
    )


class VistaMp:
    YES = "si"
    NO = "no"


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Sentido de la resolución"),
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    sanctions = forms.MultipleChoiceField(
        label=_("Sanciones"),
        choices=Sanction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Una o varias, si son compatibles (LGRA art. 75). La sanción económica es para "
            "faltas graves y la impone el Tribunal de Justicia Administrativa (LGRA art. 78)."
        ),
    )
    suspension_days = forms.IntegerField(
        label=_("Días de suspensión"),
        required=False,
        min_value=0,
        help_text=_("Sólo con suspensión: de 1 a 30 días naturales."),
    )
    grounds = forms.CharField(
        label=_("Fundamentos y motivos"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=50000,
        required=False,
        help_text=_(
            "Se notifica a ambas partes. Nunca escribas datos de contacto ni el domicilio de ella."
        ),
    )
    vista_mp = forms.ChoiceField(
        label=_("¿Se da vista al Ministerio Público?"),
        choices=[
            (VistaMp.YES, _("Sí: los hechos pueden constituir un delito")),
            (VistaMp.NO, _("No")),
        ],
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Obligatorio decidirlo (LEDMVLV art. 12-i)."),
    )
    vista_mp_note = forms.CharField(
        label=_("Por qué sí o por qué no"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )

    def vista_mp_answer(self) -> bool | None:
        answer = self.cleaned_data.get("vista_mp")
        return {VistaMp.YES: True, VistaMp.NO: False}.get(answer or "")


class NotifyForm(forms.Form):
    party = forms.ChoiceField(
        label=_("A quién se notificó"),
        choices=[
            (PARTY_AFECTADA, _("Persona afectada")),
            (PARTY_SENALADA, _("Persona señalada")),
        ],
        widget=forms.RadioSelect,
    )
    when = forms.DateTimeField(
        label=_("Fecha y hora de la notificación"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Déjalo vacío si fue ahora."),
    )


class AppealForm(forms.Form):
    filed_at = forms.DateTimeField(
        label=_("Fecha y hora en que se interpuso el recurso"),
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        required=False,
        help_text=_("Déjalo vacío si fue ahora."),
    )
