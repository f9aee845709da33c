"""Where each stage, arrow and label goes: layers, positions, lanes, channels and routes
(the method is described in the package docstring)."""

from __future__ import annotations

from collections import deque

from django.utils import translation
from django.utils.translation import gettext

from violeta.protocols.diagram.geometry import (
    ACROSS,
    BACK,
    DOWN,
    LOOP,
    Point,
    _Box,
    _crosses,
    _Edge,
    _Label,
    _Rect,
    _spread,
)
from violeta.protocols.diagram.style import (
    ACROSS_ROOM,
    ACROSS_SPLIT,
    BOX_PAD_Y,
    BOX_WIDTH,
    CHANNEL_BASE,
    CHANNEL_STEP,
    CURRENT_RING,
    H_GAP,
    LABEL_CHARS,
    LABEL_LINE,
    LABEL_PAD,
    LABEL_SIZE,
    LANE_GAP,
    LANE_LABEL_GAP,
    LANE_MARGIN,
    LOOP_DY,
    LOOP_REACH,
    LOOP_STEP,
    MARGIN,
    MAX_PASSES,
    MIN_LABEL_BAND,
    NAME_CHARS,
    NAME_LINE,
    NOTE_LINE,
)
from violeta.protocols.diagram.text import _width, _wrap, deadline_text
from violeta.protocols.schema import Protocol, Transition


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
