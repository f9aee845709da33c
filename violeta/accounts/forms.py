from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


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
