"""The single intake form (formato único) and the forms that add to it later."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from violeta.accounts.models import User
from violeta.cases.models import (
    AgeRange,
    Channel,
    ConsentPurpose,
    ContactMethod,
    Disability,
    GenderIdentity,
    Hierarchy,
    Language,
    PlaceKind,
    Relationship,
)
from violeta.cases.services import IncidentFacts, PartyFacts
from violeta.catalogs.models import Dependencia, Institution, ViolenceModality, ViolenceType
from violeta.catalogs.selectors import (
    dependencias,
    institutions,
    violence_modalities,
    violence_types,
    vulnerable_groups,
)
from violeta.protocols.models import ProtocolVersion
from violeta.protocols.selectors_definitions import protocols_current

BLANK: list[tuple[str, Any]] = [("", "—")]
YES_NO_UNASKED = [
    ("", _("No se le preguntó todavía")),
    ("si", _("Sí")),
    ("no", _("No")),
]


def _invalid_choice(field: forms.Field, value: Any) -> forms.ValidationError:
    return forms.ValidationError(
        field.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
    )


class InHandChoiceField(forms.ModelChoiceField):
    """A model choice field whose rows are in hand (the catalogs in force and the protocols
    current, kept in memory, given by ``_offer_in_hand``): its options are rendered from them
    and what is sent is checked against them, with no query. A value not among them gets the
    model choice field's own message."""

    entries: dict[str, Any] | None = None

    def to_python(self, value: Any) -> Any:
        if self.entries is None:
            return super().to_python(value)
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        entry = self.entries.get(str(value.pk if isinstance(value, Model) else value))
        if entry is None:
            raise _invalid_choice(self, value)
        return entry


class InHandMultipleChoiceField(forms.ModelMultipleChoiceField):
    """``InHandChoiceField`` for several choices: the rows chosen, in the order offered."""

    entries: dict[str, Any] | None = None

    def _check_values(self, value: Any) -> Any:
        if self.entries is None:
            return super()._check_values(value)  # type: ignore[misc]
        try:
            chosen = {str(item) for item in value}
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for item in chosen:
            self.validate_no_null_characters(item)
            if item not in self.entries:
                raise _invalid_choice(self, item)
        return [entry for key, entry in self.entries.items() if key in chosen]


class ProtocolChoiceField(InHandChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.version})"


def _offer_in_hand(field: Any, entries: list[Any]) -> None:
    """Offer ``entries`` (rows in hand) and accept only them, with no query."""
    field.queryset = (
        type(entries[0]).objects.filter(pk__in=[e.pk for e in entries])
        if entries
        else field.queryset.none()
    )
    field.entries = {str(entry.pk): entry for entry in entries}
    # A single choice offers the blank option where Django would (a multiple one never does).
    blank = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*blank, *((entry.pk, field.label_from_instance(entry)) for entry in entries)]


class StaffEmailField(forms.EmailField):
    """An institutional e-mail that must belong to a staff account, so the system keeps that
    person away from the case."""

    def clean(self, value: Any) -> User | None:
        email = super().clean(value)
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise forms.ValidationError(
                _("No hay una cuenta con ese correo. Déjalo vacío si no la tiene.")
            )
        return user


class _PartyForm(forms.Form):
    """Fields every person in a case may have."""

    display_name = forms.CharField(label=_("Nombre o seudónimo"), max_length=200)
    is_public_servant = forms.BooleanField(
        label=_("Es persona servidora pública del municipio"), required=False
    )
    dependencia = InHandChoiceField(
        label=_("Dependencia donde trabaja"), queryset=Dependencia.objects.none(), required=False
    )
    position = forms.CharField(label=_("Puesto"), max_length=200, required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=40, required=False)
    email = forms.EmailField(label=_("Correo electrónico"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_in_hand(self.fields["dependencia"], dependencias())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("dependencia") or data.get("position")) and not data.get("is_public_servant"):
            self.add_error(
                "is_public_servant",
                _("Si trabaja en una dependencia, marca que es persona servidora pública."),
            )
        return data

    def facts(self) -> PartyFacts:
        data = self.cleaned_data
        return PartyFacts(
            display_name=data["display_name"],
            is_public_servant=data.get("is_public_servant", False),
            dependencia=data.get("dependencia"),
            position=data.get("position", ""),
            phone=data.get("phone", ""),
            email=data.get("email", ""),
        )


class AffectedForm(_PartyForm):
    display_name = forms.CharField(
        label=_("Nombre o seudónimo"),
        max_length=200,
        help_text=_("Puede ser un seudónimo si ella lo prefiere."),
    )
    used_name = forms.CharField(
        label=_("Nombre con el que quiere que se le llame"), max_length=200, required=False
    )
    age = forms.IntegerField(label=_("Edad"), min_value=0, max_value=120, required=False)
    age_range = forms.ChoiceField(
        label=_("O, si no la dice, rango de edad"), choices=BLANK + AgeRange.choices, required=False
    )
    gender_identity = forms.ChoiceField(
        label=_("Identidad de género"), choices=BLANK + GenderIdentity.choices, required=False
    )
    language = forms.ChoiceField(
        label=_("Lengua en la que prefiere hablar"),
        choices=Language.choices,
        initial=Language.ESPANOL,
    )
    needs_interpreter = forms.BooleanField(
        label=_("Necesita intérprete o traductora"), required=False
    )
    disabilities = forms.MultipleChoiceField(
        label=_("Discapacidad"),
        choices=Disability.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_indigenous = forms.BooleanField(
        label=_("Pertenece a un pueblo o comunidad indígena"), required=False
    )
    indigenous_community = forms.CharField(
        label=_("Pueblo o comunidad"), max_length=200, required=False
    )
    vulnerable_groups = forms.MultipleChoiceField(
        label=_("Otras condiciones de vulnerabilidad"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    curp = forms.CharField(label=_("CURP"), max_length=18, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["vulnerable_groups"]
        assert isinstance(field, forms.MultipleChoiceField)  # noqa: S101
        field.choices = [(group.code, group.name) for group in vulnerable_groups()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        age, age_range = data.get("age"), data.get("age_range")
        if age is not None and age_range and AgeRange.for_age(age) != age_range:
            self.add_error("age_range", _("La edad y el rango de edad no coinciden."))
        if data.get("indigenous_community") and not data.get("is_indigenous"):
            self.add_error(
                "is_indigenous", _("Marca que pertenece a un pueblo o comunidad indígena.")
            )
        return data

    def facts(self) -> PartyFacts:
        facts = super().facts()
        data = self.cleaned_data
        age = data.get("age")
        facts.used_name = data.get("used_name", "")
        facts.age = age
        facts.age_range = AgeRange.for_age(age) if age is not None else data.get("age_range", "")
        facts.gender_identity = data.get("gender_identity", "")
        facts.language = data.get("language") or Language.ESPANOL
        facts.needs_interpreter = data.get("needs_interpreter", False)
        facts.disabilities = list(data.get("disabilities", []))
        facts.is_indigenous = data.get("is_indigenous", False)
        facts.indigenous_community = data.get("indigenous_community", "")
        facts.vulnerable_groups = list(data.get("vulnerable_groups", []))
        facts.curp = data.get("curp", "")
        return facts


class AccusedForm(_PartyForm):
    display_name = forms.CharField(label=_("Nombre"), max_length=200)
    hierarchy = forms.ChoiceField(
        label=_("Relación jerárquica con ella"),
        choices=BLANK + Hierarchy.choices,
        required=False,
        help_text=_(
            "Decide si es hostigamiento (hay subordinación) o acoso (no la hay), LGAMVLV art. 13."
        ),
    )
    relationship = forms.ChoiceField(
        label=_("Relación fuera del trabajo"), choices=BLANK + Relationship.choices, required=False
    )
    account_email = StaffEmailField(
        label=_("Correo institucional (si tiene cuenta en el sistema)"),
        required=False,
        help_text=_("Así el sistema le impide ver este caso o intervenir en él."),
    )
    employee_number = forms.CharField(label=_("Número de empleado"), max_length=30, required=False)
    curp = forms.CharField(label=_("CURP"), max_length=18, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        hierarchy = data.get("hierarchy")
        if (
            hierarchy in {Hierarchy.SUPERIOR, Hierarchy.PAR, Hierarchy.SUBORDINADA}
            and not data.get("is_public_servant")
            and not data.get("account_email")
        ):
            self.add_error(
                "hierarchy",
                _("Una relación jerárquica sólo existe si es persona servidora pública."),
            )
        return data

    def facts(self) -> PartyFacts:
        facts = super().facts()
        data = self.cleaned_data
        facts.user = data.get("account_email")
        facts.hierarchy = data.get("hierarchy", "")
        facts.relationship = data.get("relationship", "")
        facts.employee_number = data.get("employee_number", "")
        facts.curp = data.get("curp", "")
        return facts


class WitnessForm(_PartyForm):
    display_name = forms.CharField(label=_("Nombre"), max_length=200)


class CatalogChoiceField(InHandMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(
        label=_("Fecha"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_is_approximate = forms.BooleanField(label=_("La fecha es aproximada"), required=False)
    place_kind = forms.ChoiceField(
        label=_("Tipo de lugar"), choices=BLANK + PlaceKind.choices, required=False
    )
    place = forms.CharField(label=_("Lugar"), max_length=300, required=False)
    violence_types = CatalogChoiceField(
        label=_("Tipos de violencia"),
        queryset=ViolenceType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Elige al menos un tipo de violencia.")},
    )
    violence_modalities = CatalogChoiceField(
        label=_("Modalidades"),
        queryset=ViolenceModality.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        types = [t for law in ("ledmvlv", "lgamvlv") for t in violence_types(law=law, on=today)]  # type: ignore[arg-type]
        modalities = [
            m
            for law in ("ledmvlv", "lgamvlv")
            for m in violence_modalities(law=law, on=today)  # type: ignore[arg-type]
        ]
        _offer_in_hand(self.fields["violence_types"], types)
        _offer_in_hand(self.fields["violence_modalities"], modalities)
        # The legal definition is shown beside each option while choosing.
        self.type_entries = types
        self.modality_entries = modalities

    def clean_occurred_on(self) -> Any:
        day = self.cleaned_data.get("occurred_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(_("La fecha no puede ser futura."))
        return day

    def facts(self) -> IncidentFacts:
        data = self.cleaned_data
        return IncidentFacts(
            violence_types=list(data["violence_types"]),
            violence_modalities=list(data.get("violence_modalities") or []),
            occurred_on=data.get("occurred_on"),
            date_is_approximate=data.get("date_is_approximate", False),
            place_kind=data.get("place_kind", ""),
            place=data.get("place", ""),
        )

    def _selected(self, name: str) -> set[str]:
        value = self[name].value() or []
        return {str(v) for v in value}

    def selected_types(self) -> set[str]:
        return self._selected("violence_types")

    def selected_modalities(self) -> set[str]:
        return self._selected("violence_modalities")


class _NumberedFormSet(forms.BaseFormSet):
    """Numbers each form's legend so that labels stay unique on the page."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        form.number = i + 1
        return form


AccusedFormSet = forms.formset_factory(
    AccusedForm, formset=_NumberedFormSet, extra=1, min_num=1, validate_min=True, max_num=10
)
WitnessFormSet = forms.formset_factory(WitnessForm, formset=_NumberedFormSet, extra=1, max_num=10)
IncidentFormSet = forms.formset_factory(
    IncidentForm, formset=_NumberedFormSet, extra=0, min_num=1, validate_min=True, max_num=20
)


def consent_choice(purpose: ConsentPurpose) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=purpose.label, choices=YES_NO_UNASKED, required=False, widget=forms.RadioSelect
    )


class IntakeForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("¿Cómo llegó el caso?"), choices=Channel.choices, initial=Channel.PRESENCIAL
    )
    referred_by = InHandChoiceField(
        label=_("Institución que la canalizó"),
        queryset=Institution.objects.none(),
        required=False,
        help_text=_("Sólo si llegó canalizada por otra institución."),
    )
    dependencia = InHandChoiceField(
        label=_("Dependencia donde ocurrieron los hechos"), queryset=Dependencia.objects.none()
    )
    protocol = ProtocolChoiceField(label=_("Protocolo"), queryset=ProtocolVersion.objects.none())
    account = forms.CharField(
        label=_("Relato"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Con sus palabras. Se registra una sola vez y se guarda cifrado; quien lo necesite "
            "después lo leerá aquí, sin volver a preguntarle."
        ),
    )
    interpreter_confirmed = forms.BooleanField(
        label=_(
            "Antes de tomar el relato hubo intérprete, traductora o los ajustes de accesibilidad "
            "que necesita (o quien la atiende habla su lengua)"
        ),
        required=False,
        help_text=_(
            "Obligatorio si habla otra lengua, usa lengua de señas, tiene una discapacidad o "
            "pidió intérprete (CNPP arts. 45, 109)."
        ),
    )
    consent_atencion = consent_choice(ConsentPurpose.ATENCION)
    consent_comite_oic = consent_choice(ConsentPurpose.COMITE_OIC)
    consent_estadistica = consent_choice(ConsentPurpose.ESTADISTICA)
    contact_method = forms.ChoiceField(
        label=_("¿Cómo se le puede contactar?"),
        choices=[("", _("No se le preguntó todavía")), *ContactMethod.choices],
        required=False,
    )
    contact_safe_times = forms.CharField(
        label=_("Horarios seguros para contactarla"),
        max_length=300,
        required=False,
        help_text=_("Por ejemplo: entre semana de 10 a 13 h; nunca en fin de semana."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = protocols_current()
        protocol_field = self.fields["protocol"]
        assert isinstance(protocol_field, forms.ModelChoiceField)  # noqa: S101
        _offer_in_hand(protocol_field, current)
        default = next((p for p in current if p.code == settings.DEFAULT_PROTOCOL), None)
        if default is not None:
            protocol_field.initial = default.pk
        _offer_in_hand(self.fields["dependencia"], dependencias())
        _offer_in_hand(self.fields["referred_by"], institutions())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == Channel.CANALIZADA and not data.get("referred_by"):
            self.add_error("referred_by", _("Indica qué institución la canalizó."))
        if data.get("channel") != Channel.CANALIZADA and data.get("referred_by"):
            self.add_error(
                "referred_by", _("Sólo se indica cuando el caso llegó canalizado por otra.")
            )
        return data

    def consents(self) -> dict[ConsentPurpose, bool]:
        answers = {
            ConsentPurpose.ATENCION: self.cleaned_data.get("consent_atencion"),
            ConsentPurpose.COMITE_OIC: self.cleaned_data.get("consent_comite_oic"),
            ConsentPurpose.ESTADISTICA: self.cleaned_data.get("consent_estadistica"),
        }
        return {purpose: answer == "si" for purpose, answer in answers.items() if answer}


class PartyAddForm(AccusedForm):
    """A person added after intake: another person accused or a witness."""

    kind = forms.ChoiceField(
        label=_("Calidad"),
        choices=[
            ("persona_senalada", _("Persona señalada")),
            ("testigo", _("Testigo")),
        ],
    )
    field_order = ["kind"]


def interpreter_required(affected: AffectedForm) -> bool:
    """She must be heard in her language and with the accommodation she needs from the first
    contact (CNPP arts. 45, 109): the account is not taken until that is confirmed."""
    data = affected.cleaned_data
    return bool(
        data.get("needs_interpreter")
        or data.get("disabilities")
        or (data.get("language") or Language.ESPANOL) != Language.ESPANOL
    )


def intake_cross_check(form: IntakeForm, affected: AffectedForm) -> bool:
    """Checks that span the intake's forms; False (with the error on the form) if one fails."""
    if interpreter_required(affected) and not form.cleaned_data.get("interpreter_confirmed"):
        form.add_error(
            "interpreter_confirmed",
            _(
                "Consigue intérprete o los ajustes que necesita antes de tomar su relato, y "
                "confírmalo aquí."
            ),
        )
        return False
    return True
