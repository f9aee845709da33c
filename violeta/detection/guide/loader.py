"""Reads the Violentómetro file into a validated object, once per process.

Every problem names the file, the line and the field, e.g.::

    violentometro.yaml: line 84: bands.1.first: is 13, expected 12 (the band leaves a gap ...)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import yaml
from pydantic import ValidationError

from violeta import yaml_files
from violeta.detection.guide.schema import Violentometro

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "violentometro.yaml"

Loc = tuple[int | str, ...]

_VALUE_ERROR = "Value error, "
_PATH = re.compile(r"^(?P<path>[a-z_]+(?:\.[0-9a-z_]+)*): ")


class ViolentometroFileError(Exception):
    """One or more problems in the Violentómetro file; each names file, line and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@functools.cache
def violentometro() -> Violentometro:
    """The shipped instrument. Cached: the file changes only with a deployment."""
    return parse_file(DATA_FILE)


def parse_file(path: Path) -> Violentometro:
    """Validate one file completely; raise ViolentometroFileError listing every problem."""
    name = Path(path).name
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ViolentometroFileError([f"{name}: cannot be read ({exc})"]) from exc
    try:
        root = yaml_files.compose(text)
        raw = yaml_files.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}:" if mark is not None else ""
        raise ViolentometroFileError([f"{name}:{where} is not valid YAML: {exc}"]) from exc
    if not isinstance(raw, dict) or not isinstance(root, yaml.MappingNode):
        raise ViolentometroFileError(
            [f"{name}: (file): must be a mapping with instrument, name, source, items and bands"]
        )
    try:
        return Violentometro.model_validate(raw)
    except ValidationError as exc:
        problems: list[str] = []
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            message = error["msg"].removeprefix(_VALUE_ERROR)
            if loc:
                problems.append(f"{name}: line {_line(root, loc)}: {_field(loc)}: {message}")
                continue
            # Cross-field problems come joined, each starting with its own field path.
            for part in message.split("; "):
                match = _PATH.match(part)
                part_loc = _parse_loc(match["path"]) if match else ()
                problems.append(f"{name}: line {_line(root, part_loc)}: {part}")
        raise ViolentometroFileError(problems) from exc


def _field(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "(file)"


def _parse_loc(path: str) -> Loc:
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))


def _line(root: yaml.Node, loc: Loc) -> int:
    """The line (1-based) of the deepest node along ``loc`` that exists in the file."""
    node: yaml.Node = root
    line = root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            matches = [
                (key, value)
                for key, value in node.value
                if isinstance(key, yaml.ScalarNode) and key.value == part
            ]
            if not matches:
                break
            key, node = matches[-1]
            line = key.start_mark.line + 1
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
