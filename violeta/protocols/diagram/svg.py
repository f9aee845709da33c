"""The laid-out protocol drawn as a standalone SVG string, presentation attributes only."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext, ngettext

from violeta.protocols.diagram.geometry import LOOP, Point, _Box, _Edge
from violeta.protocols.diagram.layout import _Layout
from violeta.protocols.diagram.style import (
    CORNER,
    CURRENT_RING,
    FINAL_INSET,
    FONT,
    INK,
    LABEL_LINE,
    LABEL_PAD,
    LABEL_SIZE,
    LINE,
    LOOP_REACH,
    LOOP_STEP,
    NAME_LINE,
    NAME_SIZE,
    NOTE_LINE,
    NOTE_SIZE,
    VIOLET,
    VIOLET_SOFT,
    WHITE,
)
from violeta.protocols.diagram.text import _esc
from violeta.protocols.schema import Protocol


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
