"""The shape of the Violentómetro file (``detection/data/violentometro.yaml``), validated on load.

Items are listed in rising severity and carry their position, so a misplaced line is caught
rather than silently changing what a mark means. Bands are ranges of positions that must cover
every item once, in order. Cross-field problems start with the dotted path of the field they
concern (``bands.1.first: ...``) so the loader can point at the line.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

# The 2009 and 2021 editions both have 30 steps; a file with another count is a different
# instrument, not an edition of this one.
ITEM_COUNT = 30


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    es: Text
    en: str = ""

    def text(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") and self.en else self.es


class Source(Strict):
    title: Text
    publisher: Text
    first_published: int = Field(ge=1900, le=2100)
    edition: Text
    url: str = ""
    verified: bool = False
    note: Localized | None = None


class Item(Strict):
    code: Code
    position: int = Field(ge=1, le=ITEM_COUNT)
    label: Localized
    hint: Localized | None = None
    # Sexual violence: urgent care under NOM-046-SSA2-2005 is time-critical (see the data file).
    urgent_health_care: bool = False


class Band(Strict):
    code: Code
    first: int = Field(ge=1, le=ITEM_COUNT)
    last: int = Field(ge=1, le=ITEM_COUNT)
    message: Localized
    # True where the cut-off is the institution's reading, not fixed by the source.
    configurable_default: bool = False

    def holds(self, position: int) -> bool:
        return self.first <= position <= self.last


class Violentometro(Strict):
    instrument: Literal["violentometro"]
    name: Localized
    source: Source
    items: list[Item] = Field(min_length=ITEM_COUNT, max_length=ITEM_COUNT)
    bands: list[Band] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Violentometro:
        problems = [*self._item_problems(), *self._band_problems()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _item_problems(self) -> list[str]:
        problems: list[str] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(self.items):
            if item.code in seen:
                first = seen[item.code]
                problems.append(
                    f"items.{index}.code: duplicate code {item.code!r} (also items.{first})"
                )
            seen.setdefault(item.code, index)
            if item.position != index + 1:
                problems.append(
                    f"items.{index}.position: is {item.position}, expected {index + 1} "
                    f"(items are listed in rising severity, one position each)"
                )
        return problems

    def _band_problems(self) -> list[str]:
        problems: list[str] = []
        codes: set[str] = set()
        expected_first = 1
        for index, band in enumerate(self.bands):
            if band.code in codes:
                problems.append(f"bands.{index}.code: duplicate code {band.code!r}")
            codes.add(band.code)
            if band.first != expected_first:
                gap_or_overlap = "overlaps" if band.first < expected_first else "leaves a gap"
                problems.append(
                    f"bands.{index}.first: is {band.first}, expected {expected_first} "
                    f"(the band {gap_or_overlap} after the previous one)"
                )
            if band.last < band.first:
                problems.append(f"bands.{index}.last: is {band.last}, before first ({band.first})")
            expected_first = max(band.last, band.first) + 1
        if self.bands and self.bands[-1].last != ITEM_COUNT:
            problems.append(
                f"bands.{len(self.bands) - 1}.last: is {self.bands[-1].last}, expected "
                f"{ITEM_COUNT} (the bands must cover every item)"
            )
        return problems

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)

    def band_for(self, position: int) -> Band:
        for band in self.bands:
            if band.holds(position):
                return band
        raise ValueError(f"no band holds position {position}")

    def items_in(self, band: Band) -> list[Item]:
        return [item for item in self.items if band.holds(item.position)]
