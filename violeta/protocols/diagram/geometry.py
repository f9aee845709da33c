"""The shapes the layout places: boxes, labels and arrows, and tests on them."""

from __future__ import annotations

import dataclasses

from violeta.protocols.schema import Stage, Transition

DOWN, ACROSS, BACK, LOOP = "down", "across", "back", "loop"

Point = tuple[float, float]


@dataclasses.dataclass(eq=False)
class _Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: _Rect) -> bool:
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )


@dataclasses.dataclass(eq=False)
class _Box(_Rect):
    stage: Stage
    lines: list[str]
    layer: int
    index: int
    current: bool

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclasses.dataclass(eq=False)
class _Label:
    lines: list[str]
    deadline: str
    w: float
    h: float
    rect: _Rect | None = None


@dataclasses.dataclass(eq=False)
class _Edge:
    transition: Transition
    source: _Box
    target: _Box
    label: _Label
    # "down" one layer, "across" to a neighbour in the layer, "loop" to its own stage, or
    # "back" (up, or farther in the layer) through a lane.
    kind: str
    side: int = 1  # where a lane or a loop runs: +1 right, -1 left
    lane: int = 0  # lanes count outwards from the layers; loops on one box, outwards too
    lane_x: float = 0.0
    start_channel: int | None = None  # index in the gap below the source's layer
    end_channel: int | None = None  # index in the gap above the target's layer
    points: list[Point] = dataclasses.field(default_factory=list)


def _crosses(rect: _Rect, a: Point, b: Point) -> bool:
    """Whether the segment from ``a`` to ``b`` passes through ``rect`` (Liang-Barsky); a
    segment that only touches its border does not."""
    (x0, y0), (x1, y1) = a, b
    dx, dy = x1 - x0, y1 - y0
    enter, leave = 0.0, 1.0
    for p, q in (
        (-dx, x0 - rect.x),
        (dx, rect.right - x0),
        (-dy, y0 - rect.y),
        (dy, rect.bottom - y0),
    ):
        if p == 0:
            if q <= 0:
                return False
            continue
        ratio = q / p
        if p < 0:
            enter = max(enter, ratio)
        else:
            leave = min(leave, ratio)
        if enter >= leave:
            return False
    return True


def _spread(start: float, length: float, count: int) -> list[float]:
    return [start + length * (k + 1) / (count + 1) for k in range(count)]
