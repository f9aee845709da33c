"""Forms for sessions, their attendance and constancias, and the public verification."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from violeta.catalogs.models import Dependencia
from violeta.catalogs.selectors import dependencias
from violeta.training.importing import MAX_BYTES, MAX_ROWS
from violeta.training.models import Campaign, Course, SessionMode


class DependenciaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def _dependencia_field(form: forms.Form) -> None:
    field = form.fields["dependencia"]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
    field.queryset = Dependencia.objects.filter(pk__in=[dep.pk for dep in dependencias()])


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Curso"), queryset=Course.objects.none())
    mode = forms.ChoiceField(
        label=_("Modalidad"),
        choices=SessionMode.choices,
        widget=forms.RadioSelect,
        initial=SessionMode.PRESENCIAL,
    )
    held_on = forms.DateField(label=_("Fecha"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Lugar"), max_length=200, required=False)
    given_by = forms.CharField(
        label=_("Impartida por"),
        max_length=200,
        initial=_("Instituto Municipal de las Mujeres"),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaña"),
        queryset=Campaign.objects.all(),
        required=False,
        help_text=_("Si la sesión fue parte de una campaña, como los 16 días de activismo."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101
        field.queryset = Course.objects.filter(active=True)


class AttendeeForm(forms.Form):
    full_name = forms.CharField(label=_("Nombre completo"), max_length=200)
    dependencia = DependenciaChoiceField(
        label=_("Dependencia"), queryset=Dependencia.objects.none()
    )
    email = forms.EmailField(
        label=_("Correo"),
        required=False,
        help_text=_("Si tiene cuenta en Violeta con ese correo, la constancia se liga a ella."),
    )
    employee_number = forms.CharField(label=_("Número de empleado"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _dependencia_field(self)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Lista de asistencia (CSV o Excel .xlsx)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rendered per request, in the viewer's language.
        self.fields["file"].help_text = gettext(
            "Una fila por persona, con los títulos nombre, correo, numero_empleado y "
            "dependencia en la primera fila (nombre y dependencia son obligatorios). La "
            "dependencia va con su clave o su nombre. Hasta %(rows)s filas y %(size)s MB; de "
            "Excel se lee la primera hoja."
        ) % {"rows": MAX_ROWS, "size": MAX_BYTES // (1024 * 1024)}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext("El archivo pesa más de %(size)s MB. Divídelo en varios.")
                % {"size": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Motivo de la revocación"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=300,
        help_text=_(
            "Queda en el registro interno. La página pública sólo dice que fue revocada y cuándo."
        ),
    )


class VerifyForm(forms.Form):
    codigo = forms.CharField(
        label=_("Código de verificación"),
        max_length=40,
        help_text=_("Viene en la constancia, por ejemplo ABCDE-FGHJK-MNPQR."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )
