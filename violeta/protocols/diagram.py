"""A protocol drawn as a standalone SVG on the server, and the same content as a text outline.

Layout: stages are placed in layers by their breadth-first depth from the initial stage, top to
bottom; each layer is centred, its stages side by side, ordered by the mean position of their
parents above (one barycentre pass) to avoid crossings. Breadth-first depth guarantees that an
arrow goes down at most one layer, so there are four kinds of arrow:

- down: a straight line from the bottom of one box to the top of the next, its label on it;
- across: to a neighbour in the same layer, a horizontal arrow; the gap between the two boxes
  is widened to hold its label;
- loop: a step that stays in its stage, a small curve on the side of its box;
- back: up, or to a stage farther in the same layer. It runs in its own lane outside the
  layers (left or right, whichever is shorter), with rounded corners; a box that is not the
  outermost of its layer is left or entered through a channel in the gap between layers. Lanes
  are spaced by the width of their labels, which sit beside them, and ordered so that the
  channels do not cross each other's drops.

Ports on a box side are spread evenly, ordered by where the other end is. Every label then
takes the first spot along its arrow that overlaps no box, no earlier label and no other arrow,
or the spot with fewest conflicts.

Text widths are estimated (no font metrics on the server), with room to spare. The SVG uses
presentation attributes only, never ``style``: the site's Content-Security-Policy forbids
inline styles.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from collections import deque
from collections.abc import Iterable
from typing import TypedDict

from django.utils import translation
from django.utils.translation import gettext, ngettext

from violeta.accounts.roles import Role
from violeta.protocols.schema import Deadline, Protocol, Stage, Transition

# Colours: the site's violet palette. Text contrast ≥ 10:1 on its background, lines 7.7:1.
VIOLET = "#4b1f73"
VIOLET_SOFT = "#f3edf8"
INK = "#2a1140"
LINE = "#5e4b70"
WHITE = "#ffffff"
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'

BOX_WIDTH = 200
BOX_PAD_Y = 13
NAME_SIZE = 14
NAME_LINE = 18
NAME_CHARS = 22  # 22 characters of 14 px fit the 200 px box with 12 px padding
NOTE_SIZE = 11
NOTE_LINE = 15
LABEL_SIZE = 12
LABEL_LINE = 15
LABEL_CHARS = 24
LABEL_PAD = 4
# Average advance of a character, in ems, for a sans-serif font: generous on purpose.
CHAR_EM = 0.58
FINAL_INSET = 4
CURRENT_RING = 5

H_GAP = 64
MIN_LABEL_BAND = 56
CHANNEL_BASE = 14
CHANNEL_STEP = 8
LANE_MARGIN = 28
LANE_LABEL_GAP = 6
LANE_GAP = 14
MARGIN = 16
MAX_PASSES = 6
CORNER = 8

ACROSS_ROOM = 12
ACROSS_SPLIT = 8

LOOP_REACH = 44
LOOP_STEP = 14
LOOP_DY = 8

DOWN, ACROSS, BACK, LOOP = "down", "across", "back", "loop"

Point = tuple[float, float]


class TransitionOutline(TypedDict):
    code: str
    name: str
    target: str  # the target stage's name
    target_code: str
    roles: list[str]
    role_codes: list[str]


class StageOutline(TypedDict):
    code: str
    name: str
    description: str
    initial: bool
    final: bool
    current: bool
    responsible: list[str]
    responsible_codes: list[str]
    deadline: str
    legal_basis: str
    transitions: list[TransitionOutline]


# --- Words ----------------------------------------------------------------------------------


def deadline_text(deadline: Deadline | None, language: str = "es") -> str:
    """The deadline as people say it: "24 h", "3 días hábiles", "30 días naturales", with
    " *" when the institution chose the value (``configurable_default``)."""
    if deadline is None:
        return ""
    count = deadline.amount
    with translation.override(language):
        if deadline.unit == "hours":
            text = ngettext("%(count)d h", "%(count)d h", count) % {"count": count}
        elif deadline.unit == "business_days":
            text = ngettext("%(count)d día hábil", "%(count)d días hábiles", count) % {
                "count": count
            }
        else:
            text = ngettext("%(count)d día natural", "%(count)d días naturales", count) % {
                "count": count
            }
    # The asterisk is explained on the page ("no los fija la norma").
    return f"{text} *" if deadline.configurable_default else text


def _role_labels(codes: Iterable[str], language: str) -> list[str]:
    with translation.override(language):
        return [str(Role(code).label) for code in codes]


# --- Order and layers -----------------------------------------------------------------------


def _breadth_first(protocol: Protocol) -> tuple[list[str], dict[str, int]]:
    """Stages in breadth-first order from the initial one, and the depth of each."""
    depth = {protocol.initial: 0}
    order = [protocol.initial]
    queue = deque([protocol.initial])
    while queue:
        current = queue.popleft()
        for transition in protocol.outgoing(current):
            if transition.target not in depth:
                depth[transition.target] = depth[current] + 1
                order.append(transition.target)
                queue.append(transition.target)
    # The schema refuses unreachable stages; draw any anyway, in a last layer.
    last = max(depth.values()) + 1
    for stage in protocol.stages:
        if stage.code not in depth:
            depth[stage.code] = last
            order.append(stage.code)
    return order, depth


# --- Outline --------------------------------------------------------------------------------


def protocol_outline(
    protocol: Protocol, language: str = "es", *, current_stage: str | None = None
) -> list[StageOutline]:
    """Each stage in breadth-first order, with who acts, its deadline and the steps out of it."""
    order, _ = _breadth_first(protocol)
    outline: list[StageOutline] = []
    for code in order:
        stage = protocol.stage(code)
        outline.append(
            StageOutline(
                code=stage.code,
                name=stage.name.text(language),
                description=stage.description.text(language) if stage.description else "",
                initial=stage.code == protocol.initial,
                final=stage.final,
                current=stage.code == current_stage,
                responsible=_role_labels(stage.responsible, language),
                responsible_codes=list(stage.responsible),
                deadline=deadline_text(stage.deadline, language),
                legal_basis=stage.deadline.legal_basis if stage.deadline else "",
                transitions=[
                    TransitionOutline(
                        code=transition.code,
                        name=transition.name.text(language),
                        target=protocol.stage(transition.target).name.text(language),
                        target_code=transition.target,
                        roles=_role_labels(transition.roles, language),
                        role_codes=list(transition.roles),
                    )
                    for transition in protocol.outgoing(stage.code)
                ],
            )
        )
    return outline


# --- Geometry -------------------------------------------------------------------------------


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


def _width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


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


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _spread(start: float, length: float, count: int) -> list[float]:
    return [start + length * (k + 1) / (count + 1) for k in range(count)]


class _Layout:
    def __init__(self, protocol: Protocol, language: str, current_stage: str | None) -> None:
        self.protocol = protocol
        self.language = language
        order, depth = _breadth_first(protocol)
        self.layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
        for code in order:
            self.layers[depth[code]].append(code)
        self._order_layers(depth)

        with translation.override(language):
            current_note = gettext("Etapa actual")
        self.current_note = current_note
        self.boxes: dict[str, _Box] = {}
        for layer, codes in enumerate(self.layers):
            for index, code in enumerate(codes):
                stage = protocol.stage(code)
                lines = _wrap(stage.name.text(language), NAME_CHARS)
                is_current = code == current_stage
                height = 2 * BOX_PAD_Y + len(lines) * NAME_LINE + (NOTE_LINE if is_current else 0)
                self.boxes[code] = _Box(
                    0, 0, BOX_WIDTH, height, stage, lines, layer, index, is_current
                )

        self.edges: list[_Edge] = []
        for transition in protocol.transitions:
            self.edges.append(self._edge(transition, depth))
        self._place_horizontally()
        self._assign_lanes()
        self._assign_channels()
        # A gap where labels of arrows going down still collide is made taller, and the
        # layout redone from there (it takes a couple of milliseconds).
        self.extra: dict[int, float] = {}
        for _ in range(MAX_PASSES):
            self._place_vertically()
            self._route()
            crowded = self._place_labels()
            if not crowded:
                break
            for layer in crowded:
                self.extra[layer] = self.extra.get(layer, 0) + 2 * LABEL_LINE

    # Layers ----------------------------------------------------------------------------------

    def _order_layers(self, depth: dict[str, int]) -> None:
        for layer in range(1, len(self.layers)):
            above = {code: index for index, code in enumerate(self.layers[layer - 1])}
            bfs_rank = {code: index for index, code in enumerate(self.layers[layer])}

            def barycentre(code: str, above: dict[str, int] = above) -> float:
                parents = [
                    above[t.source]
                    for t in self.protocol.transitions
                    if t.target == code and t.source in above
                ]
                return sum(parents) / len(parents) if parents else float(len(above))

            self.layers[layer].sort(key=lambda code: (barycentre(code), bfs_rank[code]))

    def _edge(self, transition: Transition, depth: dict[str, int]) -> _Edge:
        target_stage = self.protocol.stage(transition.target)
        deadline = deadline_text(target_stage.deadline, self.language)
        lines = _wrap(transition.name.text(self.language), LABEL_CHARS)
        texts = [*lines, deadline] if deadline else lines
        label = _Label(
            lines=lines,
            deadline=deadline,
            w=max(_width(text, LABEL_SIZE) for text in texts) + 2 * LABEL_PAD,
            h=len(texts) * LABEL_LINE + 2 * LABEL_PAD,
        )
        source, target = self.boxes[transition.source], self.boxes[transition.target]
        if source is target:
            kind = LOOP
        elif target.layer == source.layer + 1:
            kind = DOWN
        elif (
            target.layer == source.layer
            and abs(target.index - source.index) == 1
            # Two arrows between neighbours fit, one with its label above, one below; more
            # go round through a lane.
            and sum(
                1
                for other in self.edges
                if other.kind == ACROSS and {other.source, other.target} == {source, target}
            )
            < 2
        ):
            kind = ACROSS
        else:
            kind = BACK
        return _Edge(transition, source, target, label, kind)

    def _place_loops(self) -> None:
        """A step that stays in its stage loops on the box's right, or on its left when an
        arrow to the right neighbour already runs there. Nested loops grow outwards."""
        self.loop_side: dict[str, int] = {}
        self.loop_room: dict[str, float] = {}
        for edge in self.edges:
            if edge.kind != LOOP:
                continue
            box = edge.source
            code = box.stage.code
            if code not in self.loop_side:
                to_right = any(
                    other.kind == ACROSS
                    and box in (other.source, other.target)
                    and max(other.source.index, other.target.index) > box.index
                    for other in self.edges
                )
                self.loop_side[code] = -1 if to_right else 1
                self.loop_room[code] = 0
            edge.side = self.loop_side[code]
            edge.lane = sum(
                1
                for e in self.edges[: self.edges.index(edge)]
                if e.source is box and e.kind == LOOP
            )
            reach = LOOP_REACH + LOOP_STEP * edge.lane
            room = 0.75 * reach + LANE_LABEL_GAP + edge.label.w + ACROSS_ROOM
            self.loop_room[code] = max(self.loop_room[code], room)

    def _place_horizontally(self) -> None:
        self._place_loops()
        for codes in self.layers:
            # Neighbours joined by an arrow are spread to fit its label between them, and a
            # box with a loop makes room for it and its label.
            across = [0.0] * (len(codes) - 1)
            loops = [0.0] * (len(codes) - 1)
            for edge in self.edges:
                if edge.kind == ACROSS and edge.source.stage.code in codes:
                    left = min(edge.source.index, edge.target.index)
                    across[left] = max(across[left], edge.label.w + 2 * ACROSS_ROOM)
            for index, code in enumerate(codes):
                gap = index if self.loop_side.get(code, 0) > 0 else index - 1
                if code in self.loop_room and 0 <= gap < len(loops):
                    loops[gap] += self.loop_room[code]
            gaps = [max(H_GAP, need + loop) for need, loop in zip(across, loops, strict=True)]
            x = -(len(codes) * BOX_WIDTH + sum(gaps)) / 2
            for index, code in enumerate(codes):
                self.boxes[code].x = x
                x += BOX_WIDTH + (gaps[index] if index < len(gaps) else 0)
        self.left = min(
            box.x - (self.loop_room[code] if self.loop_side.get(code) == -1 else 0)
            for code, box in self.boxes.items()
        )
        self.right = max(
            box.right + (self.loop_room[code] if self.loop_side.get(code) == 1 else 0)
            for code, box in self.boxes.items()
        )

    def _outermost(self, box: _Box, side: int) -> bool:
        if self.loop_side.get(box.stage.code) == side:
            return False  # the loop is in the way; come in through a channel
        return box.index == (len(self.layers[box.layer]) - 1 if side > 0 else 0)

    def _lane_cost(self, edge: _Edge, side: int) -> float:
        """How far a lane on ``side`` takes the arrow, counting a detour through a channel."""
        border = self.right if side > 0 else self.left
        cost = abs(border - edge.source.cx) + abs(border - edge.target.cx)
        for box in (edge.source, edge.target):
            if not self._outermost(box, side):
                cost += BOX_WIDTH
        return cost

    def _assign_lanes(self) -> None:
        back = [edge for edge in self.edges if edge.kind == BACK]
        for edge in back:
            edge.side = min((1, -1), key=lambda side: self._lane_cost(edge, side))
        for side in (1, -1):
            edges = [edge for edge in back if edge.side == side]
            # Short spans inside, long ones outside: fewer crossings between lanes.
            edges.sort(key=lambda e: (e.source.layer - e.target.layer, e.source.layer))
            x = (self.right + LANE_MARGIN) if side > 0 else (self.left - LANE_MARGIN)
            for lane, edge in enumerate(edges):
                edge.lane = lane
                edge.lane_x = x
                x += side * (LANE_LABEL_GAP + edge.label.w + LANE_GAP)

    def _assign_channels(self) -> None:
        # An outer lane takes a channel farther from the layer, so channels do not cross lanes.
        starts: dict[int, list[_Edge]] = {}
        ends: dict[int, list[_Edge]] = {}
        for edge in self.edges:
            if edge.kind != BACK:
                continue
            if not self._outermost(edge.source, edge.side):
                starts.setdefault(edge.source.layer, []).append(edge)
            if not self._outermost(edge.target, edge.side):
                ends.setdefault(edge.target.layer, []).append(edge)
        for group in starts.values():
            for index, edge in enumerate(sorted(group, key=lambda e: (e.lane, e.side))):
                edge.start_channel = index
        for group in ends.values():
            for index, edge in enumerate(sorted(group, key=lambda e: (e.lane, e.side))):
                edge.end_channel = index
        self.starts = {layer: len(group) for layer, group in starts.items()}
        self.ends = {layer: len(group) for layer, group in ends.items()}

    @staticmethod
    def _band(channels: int) -> float:
        return CHANNEL_BASE + CHANNEL_STEP * channels if channels else 0

    def _place_vertically(self) -> None:
        self.row_top: list[float] = []
        self.row_bottom: list[float] = []
        y = self._band(self.ends.get(0, 0))
        for layer, codes in enumerate(self.layers):
            row_height = max(self.boxes[code].h for code in codes)
            for code in codes:
                box = self.boxes[code]
                box.y = y + (row_height - box.h) / 2
            self.row_top.append(y)
            self.row_bottom.append(y + row_height)
            if layer + 1 == len(self.layers):
                break
            labels = [e.label.h for e in self.edges if e.kind == DOWN and e.source.layer == layer]
            middle = max(MIN_LABEL_BAND, 2 * max(labels, default=0) + 16)
            middle += self.extra.get(layer, 0)
            y += row_height + self._band(self.starts.get(layer, 0))
            y += middle + self._band(self.ends.get(layer + 1, 0))

    # Routes ----------------------------------------------------------------------------------

    def _channel_below(self, layer: int, index: int) -> float:
        return self.row_bottom[layer] + CHANNEL_BASE + CHANNEL_STEP * index

    def _channel_above(self, layer: int, index: int) -> float:
        return self.row_top[layer] - CHANNEL_BASE - CHANNEL_STEP * index

    def _route(self) -> None:
        bottom: dict[str, list[tuple[float, _Edge]]] = {}
        top: dict[str, list[tuple[float, _Edge]]] = {}
        sides: dict[tuple[str, int], list[tuple[float, _Edge, str]]] = {}
        for edge in self.edges:
            s, t = edge.source, edge.target
            if edge.kind == DOWN:
                bottom.setdefault(s.stage.code, []).append((t.cx, edge))
                top.setdefault(t.stage.code, []).append((s.cx, edge))
                continue
            if edge.kind in (ACROSS, LOOP):
                continue
            # Lane arrows take the end of the box nearest their lane, outer lanes farther in,
            # so a channel never crosses the drop of another arrow.
            far = edge.side * (1e6 - edge.lane)
            if edge.start_channel is None:
                # Leaving: below the middle; outer lanes lower.
                sides.setdefault((s.stage.code, edge.side), []).append((1 + edge.lane, edge, "out"))
            else:
                bottom.setdefault(s.stage.code, []).append((far, edge))
            if edge.end_channel is None:
                # Arriving: above the middle; outer lanes higher.
                sides.setdefault((t.stage.code, edge.side), []).append((-1 - edge.lane, edge, "in"))
            else:
                top.setdefault(t.stage.code, []).append((far, edge))

        starts: dict[int, Point] = {}
        ends: dict[int, Point] = {}
        for code, ports in bottom.items():
            box = self.boxes[code]
            ports.sort(key=lambda port: port[0])
            for x, (_, edge) in zip(_spread(box.x, box.w, len(ports)), ports, strict=True):
                starts[id(edge)] = (x, box.bottom)
        for code, ports in top.items():
            box = self.boxes[code]
            ports.sort(key=lambda port: port[0])
            for x, (_, edge) in zip(_spread(box.x, box.w, len(ports)), ports, strict=True):
                ends[id(edge)] = (x, box.y)
        for (code, side), side_ports in sides.items():
            box = self.boxes[code]
            side_ports.sort(key=lambda port: port[0])
            x = box.right if side > 0 else box.x
            for y, (_, edge, way) in zip(
                _spread(box.y, box.h, len(side_ports)), side_ports, strict=True
            ):
                (starts if way == "out" else ends)[id(edge)] = (x, y)

        for edge in self.edges:
            if edge.kind == ACROSS:
                edge.points = self._across(edge)
                continue
            if edge.kind == LOOP:
                edge.points = self._loop(edge)
                continue
            start, end = starts[id(edge)], ends[id(edge)]
            if edge.kind == DOWN:
                edge.points = [start, end]
                continue
            lane = edge.lane_x
            points = [start]
            if edge.start_channel is None:
                points.append((lane, start[1]))
            else:
                y = self._channel_below(edge.source.layer, edge.start_channel)
                points += [(start[0], y), (lane, y)]
            if edge.end_channel is None:
                points += [(lane, end[1]), end]
            else:
                y = self._channel_above(edge.target.layer, edge.end_channel)
                points += [(lane, y), (end[0], y), end]
            edge.points = points

    def _across(self, edge: _Edge) -> list[Point]:
        s, t = edge.source, edge.target
        middle = (self.row_top[s.layer] + self.row_bottom[s.layer]) / 2
        # Several arrows between the same neighbours run one above the other: rightwards
        # ones first, each at its own height.
        pair = {s.stage.code, t.stage.code}
        group = sorted(
            (
                other
                for other in self.edges
                if other.kind == ACROSS
                and {other.source.stage.code, other.target.stage.code} == pair
            ),
            key=lambda other: (other.source.index > other.target.index, self.edges.index(other)),
        )
        y = middle + (group.index(edge) - (len(group) - 1) / 2) * 2 * ACROSS_SPLIT
        if s.index < t.index:
            return [(s.right, y), (t.x, y)]
        return [(s.x, y), (t.right, y)]

    def _loop(self, edge: _Edge) -> list[Point]:
        """Where the loop leaves and re-enters the box, with the two points of its far side
        (the curve itself is drawn by ``_loop_path``)."""
        box = edge.source
        x = box.right if edge.side > 0 else box.x
        cy = box.y + box.h / 2
        far = x + edge.side * 0.75 * (LOOP_REACH + LOOP_STEP * edge.lane)
        return [(x, cy - LOOP_DY), (far, cy - LOOP_DY), (far, cy + LOOP_DY), (x, cy + LOOP_DY)]

    # Labels ----------------------------------------------------------------------------------

    def _place_labels(self) -> set[int]:
        """Each label at the first candidate spot that is clear of boxes, of the labels placed
        before it and of every other arrow; failing that, where it conflicts least.

        Returns the layers below which a label of an arrow going down found no clear spot.
        """
        crowded: set[int] = set()
        boxes = [_Rect(b.x - 3, b.y - 3, b.w + 6, b.h + 6) for b in self.boxes.values()]
        placed: list[_Rect] = []
        segments = [
            (edge, start, end)
            for edge in self.edges
            for start, end in zip(edge.points, edge.points[1:], strict=False)
        ]
        # Out from the middle of the arrow, a step at a time.
        fractions = [0.5 + sign * step * 0.06 for step in range(8) for sign in (-1, 1)][1:]
        for edge in self.edges:
            label = edge.label
            candidates: list[_Rect] = []
            if edge.kind == ACROSS:
                (x0, y), (x1, _) = edge.points
                x = (x0 + x1) / 2 - label.w / 2
                # Above an arrow running rightwards, below one running leftwards; never across
                # a parallel arrow (the check for other arrows below sees to that).
                above = _Rect(x, y - 3 - label.h, label.w, label.h)
                below = _Rect(x, y + 3, label.w, label.h)
                candidates = [above, below] if x1 > x0 else [below, above]
            elif edge.kind == LOOP:
                far = edge.points[1][0]
                cy = (edge.points[0][1] + edge.points[-1][1]) / 2
                x = far + LANE_LABEL_GAP if edge.side > 0 else far - LANE_LABEL_GAP - label.w
                for step in range(6):
                    for sign in (1, -1) if step else (1,):
                        y = cy - label.h / 2 + sign * step * label.h / 2
                        candidates.append(_Rect(x, y, label.w, label.h))
            elif edge.kind == BACK:
                top_y = min(y for x, y in edge.points if x == edge.lane_x)
                bottom_y = max(y for x, y in edge.points if x == edge.lane_x)
                x = (
                    edge.lane_x + LANE_LABEL_GAP
                    if edge.side > 0
                    else edge.lane_x - LANE_LABEL_GAP - label.w
                )
                for f in fractions:
                    cy = top_y + (bottom_y - top_y) * f
                    candidates.append(_Rect(x, cy - label.h / 2, label.w, label.h))
            else:
                (x0, y0), (x1, y1) = edge.points
                along = [(x0 + (x1 - x0) * f, y0 + (y1 - y0) * f) for f in fractions]
                # On the arrow itself first; beside it when another arrow runs too close.
                for cx, cy in along:
                    candidates.append(_Rect(cx - label.w / 2, cy - label.h / 2, label.w, label.h))
                for cx, cy in along:
                    for x in (cx - LANE_LABEL_GAP - label.w, cx + LANE_LABEL_GAP):
                        candidates.append(_Rect(x, cy - label.h / 2, label.w, label.h))
            # A label sits on its own straight arrow; any other line it covers would vanish.
            others = [(a, b) for owner, a, b in segments if owner is not edge or edge.kind != DOWN]

            def conflicts(rect: _Rect, others: list[tuple[Point, Point]] = others) -> int:
                return (
                    sum(rect.overlaps(other) for other in boxes)
                    + sum(rect.overlaps(other) for other in placed)
                    + sum(_crosses(rect, a, b) for a, b in others)
                )

            free = next((rect for rect in candidates if not conflicts(rect)), None)
            if free is None and edge.kind == DOWN:
                crowded.add(edge.source.layer)
            label.rect = free or min(candidates, key=conflicts)
            placed.append(label.rect)
        return crowded

    def bounds(self) -> _Rect:
        xs: list[float] = []
        ys: list[float] = []
        for box in self.boxes.values():
            ring = CURRENT_RING if box.current else 0
            xs += [box.x - ring, box.right + ring]
            ys += [box.y - ring, box.bottom + ring]
        for edge in self.edges:
            xs += [x for x, _ in edge.points]
            ys += [y for _, y in edge.points]
            if edge.label.rect is not None:
                xs += [edge.label.rect.x, edge.label.rect.right]
                ys += [edge.label.rect.y, edge.label.rect.bottom]
        left, top = min(xs) - MARGIN, min(ys) - MARGIN
        return _Rect(left, top, max(xs) + MARGIN - left, max(ys) + MARGIN - top)


# --- SVG ------------------------------------------------------------------------------------

# Characters XML 1.0 does not allow at all; a definition could carry one by accident.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _esc(text: str) -> str:
    text = _NOT_XML.sub("", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _towards(a: Point, b: Point, fraction: float) -> Point:
    return (a[0] + (b[0] - a[0]) * fraction, a[1] + (b[1] - a[1]) * fraction)


def _path(points: list[Point]) -> str:
    """A polyline with its corners rounded."""
    clean = [points[0]]
    for point in points[1:]:
        if point != clean[-1]:
            clean.append(point)
    parts = [f"M{_n(clean[0][0])},{_n(clean[0][1])}"]
    for before, corner, after in zip(clean, clean[1:], clean[2:], strict=False):
        into = abs(corner[0] - before[0]) + abs(corner[1] - before[1])
        out = abs(after[0] - corner[0]) + abs(after[1] - corner[1])
        radius = min(CORNER, into / 2, out / 2)
        entry = _towards(corner, before, radius / into)
        leave = _towards(corner, after, radius / out)
        parts.append(f"L{_n(entry[0])},{_n(entry[1])}")
        parts.append(f"Q{_n(corner[0])},{_n(corner[1])} {_n(leave[0])},{_n(leave[1])}")
    parts.append(f"L{_n(clean[-1][0])},{_n(clean[-1][1])}")
    return " ".join(parts)


def _loop_path(edge: _Edge) -> str:
    (x0, y0), _, _, (x1, y1) = edge.points
    reach = edge.side * (LOOP_REACH + LOOP_STEP * edge.lane)
    bulge = 0.6 * abs(reach)
    return (
        f"M{_n(x0)},{_n(y0)} C{_n(x0 + reach)},{_n(y0 - bulge)} "
        f"{_n(x1 + reach)},{_n(y1 + bulge)} {_n(x1)},{_n(y1)}"
    )


def _tspans(lines: list[str], x: float, first_y: float, step: float) -> str:
    return "".join(
        f'<tspan x="{_n(x)}" y="{_n(first_y + index * step)}">{_esc(line)}</tspan>'
        for index, line in enumerate(lines)
    )


def _stage_svg(box: _Box, layout: _Layout, language: str) -> str:
    stage = box.stage
    name = stage.name.text(language)
    with translation.override(language):
        if box.current:
            tooltip = gettext("%(stage)s (etapa actual)") % {"stage": name}
        elif stage.final:
            tooltip = gettext("%(stage)s (etapa final)") % {"stage": name}
        else:
            tooltip = name
    fill, ink, stroke_width = (VIOLET, WHITE, 3) if box.current else (VIOLET_SOFT, INK, 1.5)
    current_attribute = ' aria-current="step"' if box.current else ""
    parts = [
        f'<g class="stage{" stage-final" if stage.final else ""}'
        f'{" stage-current" if box.current else ""}" data-stage="{_esc(stage.code)}"'
        f"{current_attribute}>",
        f"<title>{_esc(tooltip)}</title>",
    ]
    if box.current:
        parts.append(
            f'<rect x="{_n(box.x - CURRENT_RING)}" y="{_n(box.y - CURRENT_RING)}" '
            f'width="{_n(box.w + 2 * CURRENT_RING)}" height="{_n(box.h + 2 * CURRENT_RING)}" '
            f'rx="13" fill="none" stroke="{VIOLET}" stroke-width="2"/>'
        )
    parts.append(
        f'<rect class="box" x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" '
        f'height="{_n(box.h)}" rx="10" fill="{fill}" stroke="{VIOLET}" '
        f'stroke-width="{stroke_width}"/>'
    )
    if stage.final:
        inner_stroke = WHITE if box.current else VIOLET
        parts.append(
            f'<rect x="{_n(box.x + FINAL_INSET)}" y="{_n(box.y + FINAL_INSET)}" '
            f'width="{_n(box.w - 2 * FINAL_INSET)}" height="{_n(box.h - 2 * FINAL_INSET)}" '
            f'rx="7" fill="none" stroke="{inner_stroke}" stroke-width="1.5"/>'
        )
    # Baselines: the block of lines is centred; a line's baseline sits ~0.35em below its middle.
    block = len(box.lines) * NAME_LINE + (NOTE_LINE if box.current else 0)
    first = box.y + (box.h - block) / 2 + NAME_LINE / 2 + NAME_SIZE * 0.35
    parts.append(
        f'<text x="{_n(box.cx)}" text-anchor="middle" font-size="{NAME_SIZE}" '
        f'font-weight="600" fill="{ink}">{_tspans(box.lines, box.cx, first, NAME_LINE)}</text>'
    )
    if box.current:
        note_y = first + len(box.lines) * NAME_LINE - NAME_LINE / 2 + NOTE_LINE / 2 + 1
        parts.append(
            f'<text x="{_n(box.cx)}" y="{_n(note_y)}" text-anchor="middle" '
            f'font-size="{NOTE_SIZE}" font-weight="700" fill="{ink}">'
            f"{_esc(layout.current_note)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def _label_svg(edge: _Edge) -> str:
    label = edge.label
    rect = label.rect
    assert rect is not None  # noqa: S101 (placed by the layout)
    cx = rect.x + rect.w / 2
    first = rect.y + LABEL_PAD + LABEL_LINE / 2 + LABEL_SIZE * 0.35
    parts = [
        f'<g class="edge-label" data-transition="{_esc(edge.transition.code)}">',
        f'<rect x="{_n(rect.x)}" y="{_n(rect.y)}" width="{_n(rect.w)}" height="{_n(rect.h)}" '
        f'rx="3" fill="{WHITE}" fill-opacity="0.94"/>',
        f'<text x="{_n(cx)}" text-anchor="middle" font-size="{LABEL_SIZE}" fill="{INK}">'
        f"{_tspans(label.lines, cx, first, LABEL_LINE)}</text>",
    ]
    if label.deadline:
        y = first + len(label.lines) * LABEL_LINE
        parts.append(
            f'<text class="deadline" x="{_n(cx)}" y="{_n(y)}" text-anchor="middle" '
            f'font-size="{LABEL_SIZE}" font-weight="700" fill="{VIOLET}">'
            f"{_esc(label.deadline)}</text>"
        )
    parts.append("</g>")
    return "".join(parts)


def protocol_svg(
    protocol: Protocol, *, language: str = "es", current_stage: str | None = None
) -> str:
    """A standalone ``<svg>`` of the protocol; every text in it is escaped.

    ``current_stage`` (a stage code) is highlighted: darker fill, thicker border, a ring, the
    words "Etapa actual" and ``aria-current="step"``.
    """
    if current_stage is not None and current_stage not in {s.code for s in protocol.stages}:
        raise ValueError(f"current_stage: unknown stage {current_stage!r}")
    layout = _Layout(protocol, language, current_stage)
    bounds = layout.bounds()
    ident = f"protocol-{protocol.code}"
    name = protocol.name.text(language)
    finals = [s.name.text(language) for s in protocol.stages if s.final]
    with translation.override(language):
        title = gettext("Diagrama del protocolo: %(name)s") % {"name": name}
        sentences = [
            ngettext(
                "%(count)d etapa, de arriba abajo a partir de «%(initial)s».",
                "%(count)d etapas, de arriba abajo a partir de «%(initial)s».",
                len(protocol.stages),
            )
            % {
                "count": len(protocol.stages),
                "initial": protocol.stage(protocol.initial).name.text(language),
            },
            gettext("Etapas finales: %(stages)s.") % {"stages": ", ".join(finals)},
            gettext(
                "Las flechas son los pasos entre etapas, con el plazo de la etapa a la que "
                "llevan; la lista de etapas y pasos da el mismo contenido en texto."
            ),
        ]
        if current_stage is not None:
            sentences.insert(
                1,
                gettext("Etapa actual: %(stage)s.")
                % {"stage": protocol.stage(current_stage).name.text(language)},
            )
        step_title = gettext("%(step)s: de «%(source)s» a «%(target)s»")
    description = " ".join(sentences)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="protocol-diagram" role="img" '
        f'width="{_n(bounds.w)}" height="{_n(bounds.h)}" '
        f'viewBox="{_n(bounds.x)} {_n(bounds.y)} {_n(bounds.w)} {_n(bounds.h)}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="{_esc(FONT)}">',
        f'<title id="{ident}-title">{_esc(title)}</title>',
        f'<desc id="{ident}-desc">{_esc(description)}</desc>',
        f'<defs><marker id="{ident}-arrow" viewBox="0 0 10 10" refX="10" refY="5" '
        f'markerWidth="9" markerHeight="9" markerUnits="userSpaceOnUse" orient="auto">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{LINE}"/></marker></defs>',
        f'<rect x="{_n(bounds.x)}" y="{_n(bounds.y)}" width="{_n(bounds.w)}" '
        f'height="{_n(bounds.h)}" fill="{WHITE}"/>',
        '<g class="transitions">',
    ]
    for edge in layout.edges:
        transition = edge.transition
        hover = step_title % {
            "step": transition.name.text(language),
            "source": edge.source.stage.name.text(language),
            "target": edge.target.stage.name.text(language),
        }
        path = _loop_path(edge) if edge.kind == LOOP else _path(edge.points)
        parts.append(
            f'<g class="transition transition-{edge.kind}" '
            f'data-transition="{_esc(transition.code)}" data-from="{_esc(transition.source)}" '
            f'data-to="{_esc(transition.target)}"><title>{_esc(hover)}</title>'
            f'<path class="edge" d="{path}" fill="none" stroke="{LINE}" '
            f'stroke-width="1.6" marker-end="url(#{ident}-arrow)"/></g>'
        )
    parts.append('</g><g class="stages">')
    parts += [
        _stage_svg(layout.boxes[code], layout, language)
        for layer in layout.layers
        for code in layer
    ]
    parts.append('</g><g class="labels">')
    parts += [_label_svg(edge) for edge in layout.edges]
    parts.append("</g></svg>")
    return "".join(parts)
