from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from violeta.accounts.services import RECOVERY_CODE_LENGTH

# django-otp's TOTP default, which Violeta keeps: what every authenticator app shows.
TOTP_DIGITS = 6


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Correo electrónico"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": _(
            "El correo o la contraseña no son correctos. Revisa ambos e inténtalo de nuevo."
        ),
        "inactive": _("Esta cuenta está desactivada. Pide ayuda a administración."),
    }


class OneTimeCodeForm(forms.Form):
    """One field for a code from the authenticator app or, when ``allow_recovery``, a recovery code.

    Both are digits, so phones show the number pad; spaces and dashes people type while copying
    a code are ignored.
    """

    code = forms.CharField(
        label=_("Código de verificación"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Escribe el código.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def __init__(self, *args: Any, allow_recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allow_recovery = allow_recovery
        field = self.fields["code"]
        if allow_recovery:
            field.help_text = _(
                "Escribe los 6 dígitos que muestra ahora tu aplicación de autenticación. "
                "Si no tienes tu teléfono, escribe uno de tus códigos de recuperación de "
                "12 dígitos."
            )
        else:
            field.help_text = _("Escribe los 6 dígitos que muestra ahora tu aplicación.")

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        lengths = {TOTP_DIGITS, RECOVERY_CODE_LENGTH} if self.allow_recovery else {TOTP_DIGITS}
        if not code.isdigit() or len(code) not in lengths:
            if self.allow_recovery:
                raise forms.ValidationError(
                    _(
                        "El código lleva sólo números: 6 el de la aplicación, 12 el de "
                        "recuperación."
                    ),
                    code="format",
                )
            raise forms.ValidationError(
                _("El código lleva 6 números; revisa que los hayas escrito todos."),
                code="format",
            )
        return code
