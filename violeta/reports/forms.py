"""Forms of the public channel and of its triage."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from violeta.catalogs.models import Dependencia
from violeta.catalogs.selectors import dependencias
from violeta.reports.models import ContactWish, ReporterRole

TRAP_SALT = "violeta.reports.form-started"
MAX_FORM_AGE = 6 * 60 * 60


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented recipe)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.mp3,.m4a,.ogg,.wav"}),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


def form_started_token() -> str:
    return signing.dumps(int(time.time()), salt=TRAP_SALT)


class _Trap(forms.Form):
    """A time trap and a field people never see: programs fill forms in an instant and fill
    every field. No third-party captcha (it would tell a third party who visits)."""

    started = forms.CharField(widget=forms.HiddenInput, required=False)
    website = forms.CharField(
        label=_("No escribas nada aquí"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(
                _("No pudimos recibir el formulario. Revisa los datos e inténtalo de nuevo."),
                code="trap",
            )
        try:
            started = signing.loads(data.get("started") or "", salt=TRAP_SALT, max_age=MAX_FORM_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(
                _(
                    "El formulario venció o llegó incompleto. Tus datos siguen aquí: envíalo de "
                    "nuevo."
                ),
                code="expired",
            ) from None
        if time.time() - int(started) < settings.REPORT_MIN_SECONDS:
            raise forms.ValidationError(
                _("Se envió demasiado rápido. Revisa tus datos y envíalo de nuevo."),
                code="too_fast",
            )
        return data


class ReportForm(_Trap):
    reporter_role = forms.ChoiceField(
        label=_("¿A quién le pasó?"), choices=ReporterRole.choices, widget=forms.RadioSelect
    )
    what = forms.CharField(
        label=_("¿Qué pasó?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Con tus palabras. Lo que escribas sólo lo lee el personal del IMM."),
    )
    when = forms.CharField(label=_("¿Cuándo pasó?"), max_length=200, required=False)
    where = forms.CharField(label=_("¿Dónde pasó?"), max_length=300, required=False)
    dependencia = forms.ModelChoiceField(
        label=_("¿En qué dependencia del municipio?"),
        queryset=Dependencia.objects.none(),
        required=False,
        empty_label=_("No sé o no aplica"),
    )
    who = forms.CharField(
        label=_("¿Quién lo hizo? (opcional)"),
        max_length=300,
        required=False,
        help_text=_("Nombre, puesto o cómo reconocer a la persona, si lo sabes."),
    )
    anonymous = forms.ChoiceField(
        label=_("¿Quieres dar tu nombre?"),
        choices=[
            ("si", _("No: enviar de forma anónima")),
            ("no", _("Sí: mi nombre será confidencial")),
        ],
        initial="si",
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label=_("Tu nombre"), max_length=200, required=False)
    contact_wish = forms.ChoiceField(
        label=_("¿Podemos contactarte de forma segura?"),
        choices=ContactWish.choices,
        initial=ContactWish.NINGUNO,
        widget=forms.RadioSelect,
    )
    contact_detail = forms.CharField(
        label=_("Teléfono o correo seguro"), max_length=200, required=False
    )
    safe_times = forms.CharField(
        label=_("¿Cuándo es seguro contactarte?"), max_length=300, required=False
    )
    in_danger = forms.BooleanField(label=_("Estoy en peligro ahora"), required=False)
    attachments = MultipleFileField(
        label=_("Archivos (opcional)"),
        required=False,
        help_text=_(
            "Fotos, PDF o audio, hasta %(mb)s MB cada uno. Les quitamos los datos ocultos (como "
            "la ubicación de una foto) antes de guardarlos."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dependencia"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Dependencia.objects.filter(pk__in=[d.pk for d in dependencias()])
        attachments = self.fields["attachments"]
        attachments.help_text = str(attachments.help_text) % {"mb": settings.REPORT_MAX_UPLOAD_MB}
        self.initial.setdefault("started", form_started_token())


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Tu recibo"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
        help_text=_("Los 16 números que te dimos al enviar el reporte."),
    )


class ReporterMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Tu mensaje o lo que quieras agregar"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=20000,
        required=False,
    )
    attachments = MultipleFileField(label=_("Archivos (opcional)"), required=False)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Mensaje para quien reportó"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_(
            "Lo leerá al entrar con su recibo. No pidas que vuelva a contar lo que ya escribió."
        ),
    )


class ConvertForm(forms.Form):
    dependencia = forms.ModelChoiceField(
        label=_("Dependencia del caso"), queryset=Dependencia.objects.none()
    )
    affected_name = forms.CharField(
        label=_("Nombre o seudónimo de la persona afectada"), max_length=200
    )
    accused_name = forms.CharField(label=_("Persona señalada"), max_length=200)
    accused_is_public_servant = forms.BooleanField(
        label=_("La persona señalada es servidora pública"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["dependencia"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Dependencia.objects.filter(pk__in=[d.pk for d in dependencias()])


class LinkForm(forms.Form):
    folio = forms.CharField(label=_("Folio del caso"), max_length=30)
