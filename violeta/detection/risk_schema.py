"""The shape of a risk screening instrument (``data/risk_instrument.yaml``), validated whole.

An instrument is yes/no items with weights, five levels with contiguous score bands, and for
each level the mandatory actions that become protocol tasks. Cross-field problems name the
field path in their message (``levels.2.min_score: ...``) as pydantic does for field errors.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=50)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
LevelCode = Literal["no_apreciado", "bajo", "medio", "alto", "extremo"]

# The five levels (VioGén), lowest first. Their order is what "raise" and "lower" mean.
LEVELS: tuple[LevelCode, ...] = ("no_apreciado", "bajo", "medio", "alto", "extremo")


def level_rank(level: str) -> int:
    return LEVELS.index(level)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    es: Text
    en: Text

    def text(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") else self.es


class Repeat(Strict):
    every_hours: int = Field(gt=0, le=24 * 60)
    times: int = Field(ge=2, le=60)


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """One task to create: a mandatory action, or one occurrence of a repeated one."""

    code: str
    label_es: str
    label_en: str
    due_hours: int
    legal_basis: str


class Action(Strict):
    code: Code
    label: Localized
    due_hours: int = Field(ge=0, le=24 * 365)
    repeat: Repeat | None = None
    legal_basis: Text

    def tasks(self) -> list[TaskSpec]:
        """The tasks this action becomes. A repeated action is one task per occurrence, with
        its own code (``contacto_24h_3``) so that each one is done and flagged on its own."""
        if self.repeat is None:
            return [
                TaskSpec(self.code, self.label.es, self.label.en, self.due_hours, self.legal_basis)
            ]
        times = self.repeat.times
        return [
            TaskSpec(
                f"{self.code}_{n}",
                f"{self.label.es} ({n}/{times})",
                f"{self.label.en} ({n}/{times})",
                self.due_hours + (n - 1) * self.repeat.every_hours,
                self.legal_basis,
            )
            for n in range(1, times + 1)
        ]


class Item(Strict):
    code: Code
    label: Localized
    help: Localized
    weight: int = Field(ge=0, le=100)
    critical: bool = False


class Level(Strict):
    code: LevelCode
    label: Localized
    min_score: int = Field(ge=0)
    max_score: int | None = Field(default=None, ge=0)
    actions: list[Action] = []

    def tasks(self) -> list[TaskSpec]:
        return [task for action in self.actions for task in action.tasks()]


class Instrument(Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=60)]
    version: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z.\-]+$", max_length=20)]
    name: Localized
    source: Text
    notice: Localized
    critical_floor: LevelCode
    items: list[Item] = Field(min_length=1)
    levels: list[Level]

    @model_validator(mode="after")
    def _consistent(self) -> Instrument:
        _unique("items", [item.code for item in self.items])
        codes = [level.code for level in self.levels]
        if codes != list(LEVELS):
            raise ValueError(f"levels: must be exactly {list(LEVELS)} in this order, got {codes}")
        expected = 0
        for index, level in enumerate(self.levels):
            where = f"levels.{index}"
            if level.min_score != expected:
                raise ValueError(
                    f"{where}.min_score: bands must be contiguous from 0; expected "
                    f"{expected}, got {level.min_score}"
                )
            last = index == len(self.levels) - 1
            if last and level.max_score is not None:
                raise ValueError(f"{where}.max_score: the last band has no upper bound")
            if not last:
                if level.max_score is None:
                    raise ValueError(f"{where}.max_score: required except on the last band")
                if level.max_score < level.min_score:
                    raise ValueError(f"{where}.max_score: lower than min_score")
                expected = level.max_score + 1
            _unique(f"{where}.actions", [task.code for task in level.tasks()])
        return self

    # Reading the instrument.

    @property
    def item_codes(self) -> frozenset[str]:
        return frozenset(item.code for item in self.items)

    def level(self, code: str) -> Level:
        return next(level for level in self.levels if level.code == code)

    def score(self, answers: Mapping[str, bool]) -> int:
        return sum(item.weight for item in self.items if answers.get(item.code))

    def band(self, score: int) -> LevelCode:
        for level in self.levels:
            if score >= level.min_score and (level.max_score is None or score <= level.max_score):
                return level.code
        raise ValueError(f"score {score} is outside every band")  # unreachable: bands from 0

    def critical_answered(self, answers: Mapping[str, bool]) -> list[Item]:
        return [item for item in self.items if item.critical and answers.get(item.code)]

    def computed_level(self, answers: Mapping[str, bool]) -> LevelCode:
        """The band of the score, floored at ``critical_floor`` when a critical item is yes."""
        level = self.band(self.score(answers))
        if self.critical_answered(answers) and level_rank(level) < level_rank(self.critical_floor):
            return self.critical_floor
        return level


def _unique(where: str, codes: list[str]) -> None:
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code in seen:
            raise ValueError(f"{where}.{index}.code: duplicate code '{code}'")
        seen.add(code)
