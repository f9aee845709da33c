import random
import re
import xml.etree.ElementTree as ET

import pytest

from violeta.protocols.diagram import deadline_text, protocol_outline, protocol_svg
from violeta.protocols.schema import Deadline, Protocol

SVG = "{http://www.w3.org/2000/svg}"

DEFINITION = {
    "code": "prueba",
    "version": "1",
    "name": {"es": "Protocolo de prueba", "en": "Test protocol"},
    "source": "Prueba",
    "effective_date": "2026-01-01",
    "catalogs": ["lgamvlv"],
    "initial": "solicitud",
    "stages": [
        {
            "code": "solicitud",
            "name": {"es": "Solicitud <urgente> & confidencial", "en": "Request"},
            "responsible": ["atencion", "enlace"],
        },
        {
            "code": "valoracion",
            "name": {"es": "Valoración del riesgo", "en": "Risk assessment"},
            "responsible": ["atencion"],
            "deadline": {"amount": 24, "unit": "hours", "from": "entered:valoracion"},
        },
        {
            "code": "canalizacion",
            "name": {
                "es": "Canalización a una institución especializada del municipio",
                "en": "Referral to a specialised institution",
            },
            "responsible": ["coordinacion"],
            "deadline": {
                "amount": 3,
                "unit": "business_days",
                "from": "entered:canalizacion",
                "configurable_default": True,
            },
        },
        {
            "code": "investigacion",
            "name": {"es": "Investigación", "en": "Investigation"},
            "responsible": ["autoridad"],
            "deadline": {"amount": 30, "unit": "calendar_days", "from": "entered:investigacion"},
        },
        {"code": "archivo", "name": {"es": "Archivo", "en": "Archive"}, "final": True},
        {"code": "cierre", "name": {"es": "Cierre", "en": "Closed"}, "final": True},
    ],
    "transitions": [
        {
            "code": "valorar",
            "name": {"es": "Valorar", "en": "Assess"},
            "from": "solicitud",
            "to": "valoracion",
            "roles": ["atencion"],
        },
        {
            "code": "canalizar",
            "name": {"es": "Canalizar", "en": "Refer"},
            "from": "valoracion",
            "to": "canalizacion",
            "roles": ["atencion", "coordinacion"],
        },
        {
            "code": "investigar",
            "name": {"es": "Turnar a investigación", "en": "Send to investigation"},
            "from": "valoracion",
            "to": "investigacion",
            "roles": ["coordinacion"],
        },
        {
            "code": "revalorar",
            "name": {"es": "Volver a valorar", "en": "Assess again"},
            "from": "investigacion",
            "to": "valoracion",
            "roles": ["autoridad"],
        },
        {
            "code": "devolver",
            "name": {"es": "Devolver a canalización", "en": "Back to referral"},
            "from": "investigacion",
            "to": "canalizacion",
            "roles": ["autoridad"],
        },
        {
            "code": "reintentar",
            "name": {"es": "Reintentar la canalización", "en": "Retry the referral"},
            "from": "canalizacion",
            "to": "canalizacion",
            "roles": ["coordinacion"],
        },
        {
            "code": "archivar",
            "name": {"es": "Archivar", "en": "Archive"},
            "from": "canalizacion",
            "to": "archivo",
            "roles": ["coordinacion"],
        },
        {
            "code": "resolver",
            "name": {"es": "Resolver", "en": "Decide"},
            "from": "investigacion",
            "to": "cierre",
            "roles": ["autoridad"],
        },
        {
            "code": "desistir",
            "name": {"es": "Desistir", "en": "Withdraw"},
            "from": "solicitud",
            "to": "cierre",
            "roles": ["atencion"],
        },
    ],
}


@pytest.fixture
def protocol() -> Protocol:
    return Protocol.model_validate(DEFINITION)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own output)


def by_class(root: ET.Element, tag: str, css_class: str) -> list[ET.Element]:
    return [
        element
        for element in root.iter(SVG + tag)
        if css_class in (element.get("class") or "").split()
    ]


def all_text(element: ET.Element) -> str:
    return " ".join(" ".join(element.itertext()).split())


def rect_of(element: ET.Element) -> tuple[float, float, float, float]:
    x, y = float(element.get("x", 0)), float(element.get("y", 0))
    return x, y, x + float(element.get("width", 0)), y + float(element.get("height", 0))


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_the_diagram_is_a_standalone_accessible_svg(protocol):
    svg = protocol_svg(protocol)
    root = parse(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    title, desc = root.find(SVG + "title"), root.find(SVG + "desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Diagrama del protocolo: Protocolo de prueba"
    assert "6 etapas" in (desc.text or "")
    width, height = float(root.get("width", 0)), float(root.get("height", 0))
    assert width > 0 and height > 0
    view_box = [float(part) for part in (root.get("viewBox") or "").split()]
    assert view_box[2:] == [width, height]


def test_the_diagram_needs_no_script_style_or_outside_resource(protocol):
    svg = protocol_svg(protocol)
    # The Content-Security-Policy forbids inline styles; there is nothing to fetch either.
    assert "<script" not in svg
    assert "style=" not in svg
    assert "<style" not in svg
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_one_box_per_stage_in_breadth_first_layers(protocol):
    root = parse(protocol_svg(protocol))
    stages = by_class(root, "g", "stage")
    assert sorted(g.get("data-stage", "") for g in stages) == sorted(
        s.code for s in protocol.stages
    )
    middles = {}
    for g in stages:
        _, top, _, bottom = rect_of(by_class(g, "rect", "box")[0])
        middles[g.get("data-stage")] = (top + bottom) / 2
    # solicitud → valoración and cierre → canalización and investigación → archivo
    assert middles["solicitud"] < middles["valoracion"] < middles["canalizacion"]
    assert middles["canalizacion"] < middles["archivo"]
    assert middles["valoracion"] == middles["cierre"]
    assert middles["canalizacion"] == middles["investigacion"]


def test_long_stage_names_wrap_on_several_lines(protocol):
    root = parse(protocol_svg(protocol))
    (box,) = [g for g in by_class(root, "g", "stage") if g.get("data-stage") == "canalizacion"]
    assert len(list(box.iter(SVG + "tspan"))) >= 3


def test_final_stages_have_a_double_border(protocol):
    root = parse(protocol_svg(protocol))
    for g in by_class(root, "g", "stage"):
        final = protocol.stage(g.get("data-stage") or "").final
        assert ("stage-final" in (g.get("class") or "")) == final
        assert len(list(g.iter(SVG + "rect"))) == (2 if final else 1)


def test_one_arrow_per_transition(protocol):
    root = parse(protocol_svg(protocol))
    arrows = [path for path in root.iter(SVG + "path") if path.get("marker-end")]
    assert len(arrows) == len(protocol.transitions)
    groups = by_class(root, "g", "transition")
    assert [g.get("data-transition") for g in groups] == [t.code for t in protocol.transitions]
    marker = root.find(f"{SVG}defs/{SVG}marker")
    assert marker is not None
    assert {path.get("marker-end") for path in arrows} == {f"url(#{marker.get('id')})"}


def test_arrows_end_on_the_border_of_their_target(protocol):
    root = parse(protocol_svg(protocol))
    boxes = {
        g.get("data-stage"): rect_of(by_class(g, "rect", "box")[0])
        for g in by_class(root, "g", "stage")
    }
    for g in by_class(root, "g", "transition"):
        path = g.find(SVG + "path")
        assert path is not None
        *_, x, y = (float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", "")))
        left, top, right, bottom = boxes[g.get("data-to")]
        assert left - 0.1 <= x <= right + 0.1 and top - 0.1 <= y <= bottom + 0.1
        assert min(abs(x - left), abs(x - right), abs(y - top), abs(y - bottom)) < 0.1


def test_arrows_back_up_are_routed_apart_from_the_others(protocol):
    root = parse(protocol_svg(protocol))
    kinds = {g.get("data-transition"): g.get("class") for g in by_class(root, "g", "transition")}
    assert "transition-back" in (kinds["revalorar"] or "")
    assert "transition-loop" in (kinds["reintentar"] or "")
    assert "transition-across" in (kinds["devolver"] or "")
    assert "transition-down" in (kinds["valorar"] or "")
    paths = {
        g.get("data-transition"): g.find(SVG + "path") for g in by_class(root, "g", "transition")
    }
    # Lane routes turn corners (rounded with curves); the loop is a curve.
    assert "Q" in (paths["revalorar"].get("d") or "")  # type: ignore[union-attr]
    assert "C" in (paths["reintentar"].get("d") or "")  # type: ignore[union-attr]


def test_labels_name_the_step_and_the_deadline_of_its_target(protocol):
    root = parse(protocol_svg(protocol))
    labels = {g.get("data-transition"): g for g in by_class(root, "g", "edge-label")}
    assert set(labels) == {t.code for t in protocol.transitions}
    assert all_text(labels["valorar"]) == "Valorar 24 h"
    assert all_text(labels["canalizar"]) == "Canalizar 3 días hábiles *"
    assert all_text(labels["investigar"]) == "Turnar a investigación 30 días naturales"
    assert all_text(labels["revalorar"]) == "Volver a valorar 24 h"
    assert all_text(labels["archivar"]) == "Archivar"
    deadlines = [all_text(t) for t in by_class(root, "text", "deadline")]
    assert sorted(deadlines) == sorted(
        ["24 h", "3 días hábiles *", "30 días naturales", "24 h", "3 días hábiles *",
         "3 días hábiles *"]
    )  # fmt: skip


def test_labels_overlap_no_box_and_no_other_label(protocol):
    root = parse(protocol_svg(protocol, current_stage="canalizacion"))
    boxes = [rect_of(by_class(g, "rect", "box")[0]) for g in by_class(root, "g", "stage")]
    labels = [rect_of(g.find(SVG + "rect")) for g in by_class(root, "g", "edge-label")]  # type: ignore[arg-type]
    for index, label in enumerate(labels):
        assert not any(overlap(label, box) for box in boxes)
        assert not any(overlap(label, other) for other in labels[index + 1 :])


def test_everything_drawn_is_inside_the_view_box(protocol):
    root = parse(protocol_svg(protocol, current_stage="solicitud"))
    x, y, width, height = (float(part) for part in (root.get("viewBox") or "").split())
    for rect in root.iter(SVG + "rect"):
        left, top, right, bottom = rect_of(rect)
        assert x <= left and right <= x + width and y <= top and bottom <= y + height


def test_the_current_stage_is_marked(protocol):
    root = parse(protocol_svg(protocol, current_stage="valoracion"))
    marked = [g for g in by_class(root, "g", "stage") if g.get("aria-current")]
    assert [g.get("data-stage") for g in marked] == ["valoracion"]
    (current,) = marked
    assert current.get("aria-current") == "step"
    assert "stage-current" in (current.get("class") or "")
    assert current.findtext(SVG + "title") == "Valoración del riesgo (etapa actual)"
    assert "Etapa actual" in all_text(current)
    box = by_class(current, "rect", "box")[0]
    other = by_class(by_class(root, "g", "stage")[0], "rect", "box")[0]
    assert box.get("fill") != other.get("fill")
    assert float(box.get("stroke-width", 0)) > float(other.get("stroke-width", 0))
    desc = root.findtext(SVG + "desc") or ""
    assert "Etapa actual: Valoración del riesgo." in desc


def test_without_a_current_stage_nothing_is_marked(protocol):
    svg = protocol_svg(protocol)
    assert "aria-current" not in svg
    assert "Etapa actual" not in svg


def test_an_unknown_current_stage_is_refused(protocol):
    with pytest.raises(ValueError, match="current_stage"):
        protocol_svg(protocol, current_stage="inexistente")


def test_text_is_escaped(protocol):
    svg = protocol_svg(protocol)
    assert "<urgente>" not in svg
    assert "Solicitud &lt;urgente&gt; &amp; confidencial" in svg
    root = parse(svg)
    (box,) = [g for g in by_class(root, "g", "stage") if g.get("data-stage") == "solicitud"]
    assert box.findtext(SVG + "title") == "Solicitud <urgente> & confidencial"


def test_english_labels(protocol):
    svg = protocol_svg(protocol, language="en")
    root = parse(svg)
    texts = " ".join(all_text(g) for g in by_class(root, "g", "stage"))
    assert "Risk assessment" in texts
    assert "Valoración del riesgo" not in texts
    labels = {g.get("data-transition"): all_text(g) for g in by_class(root, "g", "edge-label")}
    assert labels["valorar"].startswith("Assess")
    assert labels["archivar"] == "Archive"
    assert "Test protocol" in (root.findtext(SVG + "title") or "")


def test_outline_in_breadth_first_order_with_roles_deadlines_and_steps(protocol):
    outline = protocol_outline(protocol, "es")
    assert [stage["code"] for stage in outline] == [
        "solicitud",
        "valoracion",
        "cierre",
        "canalizacion",
        "investigacion",
        "archivo",
    ]
    first = outline[0]
    assert first["name"] == "Solicitud <urgente> & confidencial"
    assert first["initial"] and not first["final"]
    assert first["responsible"] == ["Atención (IMM)", "Enlace de Unidad de Igualdad de Género"]
    assert first["deadline"] == ""
    assert [(t["name"], t["target"], t["roles"]) for t in first["transitions"]] == [
        ("Valorar", "Valoración del riesgo", ["Atención (IMM)"]),
        ("Desistir", "Cierre", ["Atención (IMM)"]),
    ]
    by_code = {stage["code"]: stage for stage in outline}
    assert by_code["valoracion"]["deadline"] == "24 h"
    assert by_code["canalizacion"]["deadline"] == "3 días hábiles *"
    assert by_code["investigacion"]["deadline"] == "30 días naturales"
    assert by_code["cierre"]["final"]
    assert by_code["cierre"]["transitions"] == []
    assert by_code["canalizacion"]["transitions"][0]["target_code"] == "canalizacion"
    assert by_code["canalizacion"]["transitions"][0]["role_codes"] == ["coordinacion"]


def test_outline_in_english_and_with_the_current_stage(protocol):
    outline = protocol_outline(protocol, "en", current_stage="valoracion")
    assert outline[1]["name"] == "Risk assessment"
    assert outline[1]["current"]
    assert not outline[0]["current"]
    assert outline[1]["transitions"][0]["target"] == "Referral to a specialised institution"


@pytest.mark.parametrize(
    ("amount", "unit", "configurable", "expected"),
    [
        (24, "hours", False, "24 h"),
        (1, "business_days", False, "1 día hábil"),
        (3, "business_days", True, "3 días hábiles *"),
        (1, "calendar_days", False, "1 día natural"),
        (30, "calendar_days", False, "30 días naturales"),
    ],
)
def test_deadline_text(amount, unit, configurable, expected):
    deadline = Deadline.model_validate(
        {"amount": amount, "unit": unit, "from": "x", "configurable_default": configurable}
    )
    assert deadline_text(deadline) == expected


def test_no_deadline_no_text():
    assert deadline_text(None) == ""


def generated_protocols(count: int, seed: int) -> list[Protocol]:
    """Valid protocols of every shape: final stages last, each stage reached from an earlier
    one, extra steps anywhere (loops, back, across, parallel)."""
    rng = random.Random(seed)  # noqa: S311 (test data, not security)
    protocols = []
    for _ in range(count):
        size = rng.randint(2, 10)
        codes = [f"e{i}" for i in range(size)]
        open_stages = codes[: size - rng.randint(1, max(1, size // 3))]
        # Each stage after the first is reached from an earlier, not final, one.
        steps = [(rng.choice(codes[: min(i, len(open_stages))]), codes[i]) for i in range(1, size)]
        steps += [(code, rng.choice(codes)) for code in open_stages]
        steps += [(rng.choice(open_stages), rng.choice(codes)) for _ in range(rng.randint(0, size))]
        protocols.append(
            Protocol.model_validate(
                {
                    **DEFINITION,
                    "initial": "e0",
                    "stages": [
                        {
                            "code": code,
                            "name": {"es": f"Etapa {code} " * rng.randint(1, 4)},
                            "final": code not in open_stages,
                            **(
                                {"deadline": {"amount": 2, "unit": "hours", "from": "entered:e0"}}
                                if rng.random() < 0.4
                                else {}
                            ),
                        }
                        for code in codes
                    ],
                    "transitions": [
                        {
                            "code": f"p{i}",
                            "name": {"es": f"Paso {i} " * rng.randint(1, 5)},
                            "from": source,
                            "to": target,
                            "roles": ["atencion"],
                        }
                        for i, (source, target) in enumerate(steps)
                    ],
                }
            )
        )
    return protocols


def test_any_valid_protocol_draws_as_valid_svg_with_every_arrow():
    for protocol in generated_protocols(60, seed=2026):
        root = parse(protocol_svg(protocol, current_stage=protocol.stages[-1].code))
        arrows = [path for path in root.iter(SVG + "path") if path.get("marker-end")]
        assert len(arrows) == len(protocol.transitions)
        assert len(by_class(root, "g", "stage")) == len(protocol.stages)
