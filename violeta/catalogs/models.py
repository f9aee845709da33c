"""Legal and institutional catalogs. Their content lives in ``data/*.yaml``; these tables are
what ``manage.py load_catalogs`` made of those files, kept per effective date so a reform adds
a row instead of rewriting history."""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from violeta.catalogs.vocabulary import Handle


def pick_language(es: str, en: str) -> str:
    """The text in the viewer's language, falling back to Spanish, the catalogs' own."""
    language = get_language() or "es"
    if language.startswith("en") and en:
        return en
    return es


class Law(models.TextChoices):
    LGAMVLV = "lgamvlv", _("LGAMVLV (federal)")
    LEDMVLV = "ledmvlv", _("LEDMVLV (Chihuahua)")


class CatalogEntry(models.Model):
    code = models.SlugField(_("clave"), max_length=60)
    name_es = models.CharField(_("nombre"), max_length=250)
    name_en = models.CharField(_("nombre en inglés"), max_length=250, blank=True)
    description_es = models.TextField(_("descripción"))
    description_en = models.TextField(_("descripción en inglés"), blank=True)
    legal_source = models.CharField(_("fundamento"), max_length=250)
    source_document = models.CharField(_("documento fuente"), max_length=250)
    source_url = models.URLField(_("dirección del documento"), blank=True)
    verified = models.BooleanField(
        _("verificado"),
        default=False,
        help_text=_("Cotejado contra un texto consolidado de la ley."),
    )
    effective_date = models.DateField(_("vigente desde"))
    repealed_date = models.DateField(_("vigente hasta"), null=True, blank=True)
    position = models.PositiveIntegerField(_("orden"), default=0)
    loaded_from = models.CharField(_("archivo"), max_length=120, editable=False)

    class Meta:
        abstract = True
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick_language(self.name_es, self.name_en)

    @property
    def description(self) -> str:
        return pick_language(self.description_es, self.description_en)

    def in_force_on(self, day: datetime.date) -> bool:
        return self.effective_date <= day and (
            self.repealed_date is None or self.repealed_date > day
        )


class ViolenceType(CatalogEntry):
    law = models.CharField(_("ley"), max_length=10, choices=Law.choices)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("tipo de violencia")
        verbose_name_plural = _("tipos de violencia")
        constraints = [
            models.UniqueConstraint(
                fields=["law", "code", "effective_date"], name="violencetype_unique_version"
            )
        ]


class ViolenceModality(CatalogEntry):
    law = models.CharField(_("ley"), max_length=10, choices=Law.choices)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("modalidad de violencia")
        verbose_name_plural = _("modalidades de violencia")
        constraints = [
            models.UniqueConstraint(
                fields=["law", "code", "effective_date"], name="violencemodality_unique_version"
            )
        ]


class DependenciaKind(models.TextChoices):
    DEPENDENCIA = "dependencia", _("Dependencia")
    INSTITUTO = "instituto", _("Instituto")
    ORGANISMO = "organismo", _("Organismo descentralizado")


class Dependencia(CatalogEntry):
    """A unit of the municipal government. Every user belongs to one."""

    short_name = models.CharField(_("nombre corto"), max_length=80)
    kind = models.CharField(_("tipo"), max_length=20, choices=DependenciaKind.choices)
    is_imm = models.BooleanField(_("es el Instituto Municipal de las Mujeres"), default=False)
    # The code of the dependencia it belongs to: the chain of command a conflict of interest
    # is judged on. "" for the top of a chain.
    parent = models.CharField(_("depende de (clave)"), max_length=60, blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    extension = models.CharField(_("extensión"), max_length=20, blank=True)
    address = models.CharField(_("domicilio"), max_length=250, blank=True)
    email = models.EmailField(_("correo"), blank=True)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("dependencia")
        verbose_name_plural = _("dependencias")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_date"], name="dependencia_unique_version"
            ),
        ]


class InstitutionLevel(models.TextChoices):
    MUNICIPAL = "municipal", _("Municipal")
    ESTATAL = "estatal", _("Estatal")
    FEDERAL = "federal", _("Federal")


class Institution(CatalogEntry):
    """An institution cases are channelled to: the public directory.

    The contact data (``CONTACT_FIELDS``) is kept current by administración in the admin. The
    catalog file only seeds it: ``catalogs_load`` writes it when it creates the row and then
    only while nobody has confirmed it (``reviewed_at`` is empty); after that the admin's data
    stands. Everything else (names, descriptions, services, sources) follows the file.
    """

    CONTACT_FIELDS: ClassVar[tuple[str, ...]] = (
        "phone",
        "address",
        "hours_es",
        "hours_en",
        "url",
        "email",
        "liaison",
    )

    short_name = models.CharField(_("nombre corto"), max_length=80)
    level = models.CharField(
        _("orden de gobierno"), max_length=20, choices=InstitutionLevel.choices
    )
    handles = models.JSONField(_("atiende"), default=list)
    phone = models.CharField(_("teléfono"), max_length=60, blank=True)
    address = models.CharField(_("domicilio"), max_length=250, blank=True)
    hours_es = models.CharField(_("horario"), max_length=200, blank=True)
    hours_en = models.CharField(_("horario en inglés"), max_length=200, blank=True)
    url = models.URLField(_("sitio"), blank=True)
    email = models.EmailField(_("correo"), blank=True)
    liaison = models.CharField(
        _("persona de enlace"),
        max_length=200,
        blank=True,
        help_text=_("Nombre y cargo de quien recibe las canalizaciones en la institución."),
    )
    emergency = models.BooleanField(_("emergencias"), default=False)
    reviewed_at = models.DateTimeField(
        _("datos confirmados el"),
        null=True,
        blank=True,
        help_text=_(
            "Se registra al guardar en la administración. Desde entonces, cargar los "
            "catálogos ya no cambia los datos de contacto."
        ),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmados por"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("institución")
        verbose_name_plural = _("directorio de instituciones")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_date"], name="institution_unique_version"
            ),
        ]

    @property
    def hours(self) -> str:
        return pick_language(self.hours_es, self.hours_en)

    @property
    def handle_labels(self) -> list[str]:
        labels = dict(Handle.choices)
        return [str(labels[code]) for code in self.handles if code in labels]


class Principle(CatalogEntry):
    class Meta(CatalogEntry.Meta):
        verbose_name = _("principio de actuación")
        verbose_name_plural = _("principios de actuación")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_date"], name="principle_unique_version"
            ),
        ]


class VulnerableGroup(CatalogEntry):
    # [{"es": "...", "en": "..."}, ...]: instructions to staff, in order.
    guidelines = models.JSONField(_("lineamientos"), default=list)

    class Meta(CatalogEntry.Meta):
        verbose_name = _("grupo en condición de vulnerabilidad")
        verbose_name_plural = _("grupos en condición de vulnerabilidad")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "effective_date"], name="vulnerablegroup_unique_version"
            ),
        ]

    @property
    def localized_guidelines(self) -> list[str]:
        return [pick_language(item.get("es", ""), item.get("en", "")) for item in self.guidelines]


# Every catalog, in the order the documentation lists them.
CATALOG_MODELS: tuple[type[CatalogEntry], ...] = (
    ViolenceType,
    ViolenceModality,
    Dependencia,
    Institution,
    Principle,
    VulnerableGroup,
)


class CatalogGeneration(models.Model):
    """One row whose token changes with every write to any catalog (``catalogs.receivers``).

    Reads of the catalogs in force are kept in each process's memory under the token they were
    read with (``catalogs.selectors.in_force``): a new token, on any database connection,
    retires them all at once. The token is random, never a counter, so a write that is rolled
    back can never bring back a token whose reads saw it.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    token = models.UUIDField()
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("versión de los catálogos")
        verbose_name_plural = _("versiones de los catálogos")

    def __str__(self) -> str:
        return str(self.token)
