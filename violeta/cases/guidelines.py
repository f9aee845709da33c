"""Guidelines for groups in vulnerable conditions, and the duty to report, as rules over a
case's facts. The rules are data (``data/guidelines.yaml``); this module computes the facts and
says which rules fire. Code interprets; data decides."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from violeta import yaml_files
from violeta.cases.models import (
    Case,
    GenderIdentity,
    Language,
    PartyKind,
)
from violeta.cases.shared_reads import case_incidents, case_parties

RULES_FILE = Path(__file__).parent / "data" / "guidelines.yaml"

Fact = Literal[
    "menor",
    "menor_de_12",
    "lengua_indigena",
    "lengua_de_senas",
    "otra_lengua",
    "discapacidad",
    "lgbti",
    "migrante",
    "embarazada",
    "adulta_mayor",
    "posible_delito",
]
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

INDIGENOUS_LANGUAGES = frozenset(
    {Language.RARAMURI, Language.ODAMI, Language.WARIJO, Language.OOBA}
)
LGBTI_IDENTITIES = frozenset(
    {
        GenderIdentity.MUJER_TRANS,
        GenderIdentity.HOMBRE_TRANS,
        GenderIdentity.NO_BINARIA,
        GenderIdentity.OTRA,
    }
)
# Types and modalities of violence whose facts may be a crime (LEDMVLV art. 12-i applies).
CRIME_TYPES = frozenset({"fisica", "sexual"})
CRIME_MODALITIES = frozenset({"feminicida"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    es: Text
    en: str = ""

    def text(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") and self.en else self.es


class Rule(_Strict):
    code: Code
    group: str = ""
    when: list[Fact]
    blocks: bool
    label: Label
    basis: Text

    @model_validator(mode="after")
    def _has_conditions(self) -> Rule:
        if not self.when:
            raise ValueError("when: a rule needs at least one fact")
        return self


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


def rules_parse(text: str, *, source: str = "guidelines.yaml") -> RuleSet:
    try:
        return RuleSet.model_validate(yaml_files.load(text))
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()
        )
        raise RulesFileError(f"{source}: {problems}") from None


@functools.cache
def rules() -> RuleSet:
    return rules_parse(RULES_FILE.read_text(encoding="utf-8"), source=str(RULES_FILE.name))


def rule_get(code: str) -> Rule | None:
    return next((rule for rule in rules().rules if rule.code == code), None)


Classification = tuple[set[str], set[str]]


def case_facts(*, case: Case, classification: Classification | None = None) -> set[str]:
    """The facts the rules read, from the persona afectada and the incidents.

    ``classification``: the codes of the types and of the modalities of violence of all the
    case's incidents, when the caller has them in hand (the intake, which has just recorded
    them); without it they are read."""
    facts: set[str] = set()
    for party in case_parties(case):
        if party.kind != PartyKind.AFECTADA:
            continue
        age_range = party.effective_age_range
        if party.is_minor:
            facts.add("menor")
        if age_range == "0-11":
            facts.add("menor_de_12")
        if age_range == "60+":
            facts.add("adulta_mayor")
        if party.is_indigenous or party.language in INDIGENOUS_LANGUAGES:
            facts.add("lengua_indigena")
        if party.language == Language.LSM:
            facts.add("lengua_de_senas")
        elif party.language not in INDIGENOUS_LANGUAGES and party.language != Language.ESPANOL:
            facts.add("otra_lengua")
        if party.disabilities:
            facts.add("discapacidad")
        if party.gender_identity in LGBTI_IDENTITIES or "personas_lgbti" in party.vulnerable_groups:
            facts.add("lgbti")
        if "personas_migrantes" in party.vulnerable_groups:
            facts.add("migrante")
        if "mujeres_embarazadas" in party.vulnerable_groups:
            facts.add("embarazada")
        if "personas_adultas_mayores" in party.vulnerable_groups:
            facts.add("adulta_mayor")
        if "personas_indigenas" in party.vulnerable_groups:
            facts.add("lengua_indigena")
    if classification is None:
        incidents = case_incidents(case)
        types = {kind.code for incident in incidents for kind in incident.violence_types.all()}
        modalities = {m.code for incident in incidents for m in incident.violence_modalities.all()}
    else:
        types, modalities = classification
    if types & CRIME_TYPES or modalities & CRIME_MODALITIES:
        facts.add("posible_delito")
    return facts


def rules_firing(*, case: Case, classification: Classification | None = None) -> list[Rule]:
    facts = case_facts(case=case, classification=classification)
    return [rule for rule in rules().rules if set(rule.when) <= facts]
