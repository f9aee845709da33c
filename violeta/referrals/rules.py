"""Referral recommendations as rules over a case's facts. The rules are data
(``data/recommendations.yaml``); this module computes the facts and says which rules hold, and
why. Code interprets; data decides."""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
from pathlib import Path
from typing import Annotated, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from violeta import yaml_files
from violeta.cases.guidelines import case_facts as guideline_facts
from violeta.cases.guidelines import rule_get as guideline_rule_get
from violeta.cases.models import Case, PartyKind
from violeta.cases.shared_reads import case_incidents, case_parties
from violeta.catalogs.vocabulary import Handle
from violeta.detection.risk_schema import level_rank
from violeta.detection.selectors import case_assessments

RULES_FILE = Path(__file__).parent / "data" / "recommendations.yaml"

# Sexual violence within this many hours still calls for NOM-046 emergency care.
RECENT_SEXUAL_HOURS = 120

FACT_LABELS: dict[str, Any] = {
    "menor": _("es niña o adolescente"),
    "menor_de_12": _("tiene menos de 12 años"),
    "lengua_indigena": _("habla una lengua indígena o pertenece a un pueblo indígena"),
    "lengua_de_senas": _("se comunica en lengua de señas"),
    "otra_lengua": _("prefiere hablar otra lengua"),
    "discapacidad": _("vive con una discapacidad"),
    "lgbti": _("es una persona LGBTI+"),
    "migrante": _("es una persona migrante"),
    "embarazada": _("está embarazada"),
    "adulta_mayor": _("es adulta mayor"),
    "posible_delito": _("los hechos pueden ser un delito"),
    "riesgo_medio_o_mas": _("el riesgo valorado es medio o mayor"),
    "riesgo_alto": _("el riesgo valorado es alto o extremo"),
    "riesgo_extremo": _("el riesgo valorado es extremo"),
    "servidor_publico_senalado": _("la persona señalada es servidora pública"),
    "pareja": _("la persona señalada es su pareja o expareja"),
    "laboral": _("ocurrió en el ámbito laboral"),
    "quiere_denunciar": _("ella quiere denunciar"),
    "no_quiere_denunciar": _("ella no quiere denunciar"),
    "duda_denunciar": _("ella aún no decide si denunciar"),
    "vive_en_municipio": _("vive en el municipio"),
    "vive_fuera_municipio": _("vive fuera del municipio"),
    "violencia_sexual_reciente": _("hubo violencia sexual en los últimos cinco días"),
}
KNOWN_FACTS = frozenset(FACT_LABELS)
CATALOG_FACT = re.compile(r"^(tipo|modalidad)_[a-z0-9_]+$")

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    es: Text
    en: str = ""

    def text(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") and self.en else self.es


def _check_facts(facts: list[str], where: str) -> None:
    unknown = [f for f in facts if f not in KNOWN_FACTS and not CATALOG_FACT.match(f)]
    if unknown:
        raise ValueError(f"{where}: unknown fact {', '.join(unknown)}")


class Rule(_Strict):
    code: Code
    when: list[Code]
    any: list[Code] = []
    unless: list[Code] = []
    institution: Code
    service: Code
    mandatory: bool
    urgent: bool = False
    reason: Label
    basis: Text
    # The guideline checklist item (cases/data/guidelines.yaml) that sending this referral
    # fulfils, so nobody has to mark it done by hand.
    guideline: Code | None = None

    @model_validator(mode="after")
    def _valid(self) -> Rule:
        if not self.when:
            raise ValueError("when: a rule needs at least one fact")
        _check_facts(self.when, "when")
        _check_facts(self.any, "any")
        _check_facts(self.unless, "unless")
        if self.service not in Handle.values:
            raise ValueError(f"service: {self.service} is not a service of the directory")
        if self.guideline is not None and guideline_rule_get(self.guideline) is None:
            raise ValueError(f"guideline: {self.guideline} is not a guideline rule")
        return self

    def holds(self, facts: set[str]) -> bool:
        return (
            set(self.when) <= facts
            and (not self.any or bool(set(self.any) & facts))
            and not set(self.unless) & facts
        )

    def facts_met(self, facts: set[str]) -> list[str]:
        """The facts that made this rule hold, in the rule's order."""
        return [*self.when, *[fact for fact in self.any if fact in facts]]


class RuleSet(_Strict):
    version: Text
    rules: list[Rule]

    @model_validator(mode="after")
    def _unique_codes(self) -> RuleSet:
        codes = [rule.code for rule in self.rules]
        duplicates = sorted({code for code in codes if codes.count(code) > 1})
        if duplicates:
            raise ValueError(f"rules: duplicate code {', '.join(duplicates)}")
        return self


class RulesFileError(Exception):
    pass


def rules_parse(text: str, *, source: str = "recommendations.yaml") -> RuleSet:
    try:
        return RuleSet.model_validate(yaml_files.load(text))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise RulesFileError(f"{source}: {problems}") from None


@functools.cache
def rules() -> RuleSet:
    return rules_parse(RULES_FILE.read_text(encoding="utf-8"), source=RULES_FILE.name)


def rule_get(code: str) -> Rule | None:
    return next((rule for rule in rules().rules if rule.code == code), None)


@dataclasses.dataclass(frozen=True)
class Wishes:
    """What she said about a denuncia and where she lives (codes of models.Wish and
    models.Residence; "" when not recorded)."""

    wants_denuncia: str = ""
    residence: str = ""


def case_facts(*, case: Case, wishes: Wishes, now: datetime.datetime | None = None) -> set[str]:
    """Every fact the rules may read about ``case``."""
    now = now or timezone.now()
    facts = set(guideline_facts(case=case))
    if case.is_minor_victim:
        facts.add("menor")
    if case.is_intimate_partner:
        facts.add("pareja")
    if case.is_workplace:
        facts.add("laboral")
    if any(
        party.kind == PartyKind.SENALADA and party.is_public_servant for party in case_parties(case)
    ):
        facts.add("servidor_publico_senalado")
    incidents = case_incidents(case)
    for incident in incidents:
        types = {t.code for t in incident.violence_types.all()}
        facts.update(f"tipo_{code}" for code in types)
        facts.update(f"modalidad_{m.code}" for m in incident.violence_modalities.all())
        if "sexual" in types and incident.occurred_on is not None:
            local_today = timezone.localdate(now)
            if (local_today - incident.occurred_on).days * 24 <= RECENT_SEXUAL_HOURS:
                facts.add("violencia_sexual_reciente")
    assessments = case_assessments(case)
    latest = assessments[-1].level if assessments else None
    if latest:
        rank = level_rank(latest)
        if rank >= level_rank("medio"):
            facts.add("riesgo_medio_o_mas")
        if rank >= level_rank("alto"):
            facts.add("riesgo_alto")
        if rank >= level_rank("extremo"):
            facts.add("riesgo_extremo")
    facts.update(
        {
            "si": {"quiere_denunciar"},
            "no": {"no_quiere_denunciar"},
            "no_sabe": {"duda_denunciar"},
        }.get(wishes.wants_denuncia, set())
    )
    facts.update(
        {
            "municipio": {"vive_en_municipio"},
            "otro_municipio": {"vive_fuera_municipio"},
            "otro_estado": {"vive_fuera_municipio"},
        }.get(wishes.residence, set())
    )
    return facts


def fact_label(fact: str, *, type_names: dict[str, str], modality_names: dict[str, str]) -> str:
    if fact in FACT_LABELS:
        return str(FACT_LABELS[fact])
    kind, _sep, code = fact.partition("_")
    if kind == "tipo":
        return str(
            pgettext_lazy("fact", "violencia %(name)s") % {"name": type_names.get(code, code)}
        )
    return str(
        pgettext_lazy("fact", "modalidad %(name)s") % {"name": modality_names.get(code, code)}
    )


def rules_holding(facts: set[str]) -> list[Rule]:
    return [rule for rule in rules().rules if rule.holds(facts)]
