"""What the guide tells a person from what she marked. Pure: no database, nothing kept.

The severity is that of the most severe behaviour she marked, not how many she marked: one
threat with a weapon outweighs any number of jokes. Immediate danger comes before anything
else; help is offered, never imposed (the principle of the person's autonomy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from enum import StrEnum

from violeta.detection.guide.loader import violentometro
from violeta.detection.guide.schema import Band, Item, Violentometro


class Step(StrEnum):
    """The next steps the result page shows, in this order."""

    EMERGENCY = "emergency"  # 911, first of all
    HEALTH_CARE = "health_care"  # urgent care after sexual violence (NOM-046-SSA2-2005)
    CONTACT_IMM = "contact_imm"  # the IMM's phone and address
    EQUALITY_UNIT = "equality_unit"  # her dependencia's Unidad de Igualdad de Género
    HAND_OFF = "hand_off"  # a confidential appointment with the IMM
    WHEN_READY = "when_ready"  # she did not ask for help: the door stays open
    LEARN_MORE = "learn_more"  # types of violence and the directory, always


@dataclasses.dataclass(frozen=True)
class Screening:
    marked: tuple[Item, ...]  # in rising severity
    band: Band | None  # None when nothing was marked
    in_danger: bool
    wants_help: bool | None  # None: she did not say, or is not sure yet
    public_servant: bool | None  # None: she did not say
    steps: tuple[Step, ...]

    @property
    def highest(self) -> Item | None:
        return self.marked[-1] if self.marked else None


def screen(
    *,
    marked: Iterable[str],
    in_danger: bool,
    wants_help: bool | None,
    public_servant: bool | None = None,
    instrument: Violentometro | None = None,
) -> Screening:
    """The band of the most severe marked item and the next steps, in the order to show them.

    Raises ValueError for a code the instrument does not have (the form offers only its own).
    """
    instrument = instrument or violentometro()
    codes = set(marked)
    known = {item.code for item in instrument.items}
    if unknown := sorted(codes - known):
        raise ValueError(f"unknown Violentómetro items: {', '.join(unknown)}")
    items = tuple(item for item in instrument.items if item.code in codes)
    band = instrument.band_for(items[-1].position) if items else None
    return Screening(
        marked=items,
        band=band,
        in_danger=in_danger,
        wants_help=wants_help,
        public_servant=public_servant,
        steps=next_steps(
            in_danger=in_danger,
            wants_help=wants_help,
            public_servant=public_servant,
            health_care=any(item.urgent_health_care for item in items),
        ),
    )


def next_steps(
    *,
    in_danger: bool,
    wants_help: bool | None,
    public_servant: bool | None,
    health_care: bool = False,
) -> tuple[Step, ...]:
    steps: list[Step] = []
    if in_danger:
        steps.append(Step.EMERGENCY)
    # Right after the emergency, whether or not she asks for help: the hours count.
    if health_care:
        steps.append(Step.HEALTH_CARE)
    if wants_help:
        steps.append(Step.CONTACT_IMM)
        # Every municipal dependencia has a Unidad de Igualdad de Género (since June 2025) that
        # registers cases and channels them to the IMM. Unless she said she does not work for
        # the municipality, it is one more door.
        if public_servant is not False:
            steps.append(Step.EQUALITY_UNIT)
        steps.append(Step.HAND_OFF)
    else:
        steps.append(Step.WHEN_READY)
    steps.append(Step.LEARN_MORE)
    return tuple(steps)
