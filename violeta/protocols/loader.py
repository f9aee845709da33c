"""Reads protocol definition files into validated schema objects, or says exactly what is wrong.

Every problem names the file, the line and the field path (pydantic's, with 0-based list
indexes and the YAML spelling of aliased fields such as ``from``/``to``), e.g.::

    chihuahua-municipal.yaml: line 42: stages.3.deadline.unit: Input should be 'hours', ...

Lines come from walking the YAML node tree (``yaml.compose``) along the error's location.
Cross-field errors raised by ``Protocol``'s model validator carry no location; their message
names the stage or transition, which is looked up to point at the most specific line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from violeta import yaml_files
from violeta.protocols.schema import Protocol

DATA_DIR = Path(__file__).resolve().parent / "data"
# Other data kept beside the protocol definitions, loaded by its own command (calendar.py's
# load_non_working_days). Any other YAML file here is taken for a protocol and validated, so a
# misplaced file fails loudly instead of being skipped.
NOT_PROTOCOLS = frozenset({"non_working_days.yaml"})

Loc = tuple[int | str, ...]

_VALUE_ERROR = "Value error, "
_ENTRY = re.compile(r"^(?P<kind>stage|transition) (?P<code>[^\s:]+): (?P<rest>.*)$", re.S)
_DUPLICATE = re.compile(r"^(?P<kind>stages|transitions): duplicate code '(?P<code>[^']*)'$")
_UNREACHABLE = re.compile(r"^stages: unreachable from '[^']*': \[(?P<codes>.*)\]$")
_QUOTED = re.compile(r"'([^']*)'")
_EFFECT_EVENT = re.compile(r"^effect deadline\.from: unknown event '(?P<event>[^']*)'$")


class ProtocolFileError(Exception):
    """One or more problems in protocol files; each problem names file, line and field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def default_files() -> list[Path]:
    return sorted(path for path in DATA_DIR.glob("*.yaml") if path.name not in NOT_PROTOCOLS)


def parse_protocol_file(path: Path) -> tuple[Protocol, str]:
    """Validate one file completely: the schema object and the sha256 of the file's bytes.

    Raises ProtocolFileError listing every problem found (pydantic reports all field errors at
    once; the cross-field checks run only on a file whose fields are valid).
    """
    path = Path(path)
    name = path.name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProtocolFileError([f"{name}: cannot be read ({exc.strerror})"]) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ProtocolFileError(
            [f"{name}: line {line}: is not UTF-8 text (byte {exc.start + 1})"]
        ) from exc
    try:
        root = yaml_files.compose(text)
        raw = yaml_files.load(text)
    except yaml.YAMLError as exc:
        raise ProtocolFileError([f"{name}: {_yaml_problem(exc)}"]) from exc
    if not isinstance(raw, dict) or not isinstance(root, yaml.MappingNode):
        line = root.start_mark.line + 1 if root is not None else 1
        raise ProtocolFileError(
            [
                f"{name}: line {line}: (file): must be a mapping with code, version, name, "
                f"source, effective_date, catalogs, initial, stages and transitions"
            ]
        )

    problems = [f"{name}: {problem}" for problem in _duplicate_keys(root, ())]
    try:
        protocol = Protocol.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            loc: Loc = tuple(error["loc"])
            message = error["msg"].removeprefix(_VALUE_ERROR)
            if not loc:
                loc, message = _locate_model_error(message, raw)
            problems.append(f"{name}: line {_line(root, loc)}: {_describe(loc, message)}")
        raise ProtocolFileError(problems) from exc
    if problems:
        raise ProtocolFileError(problems)
    return protocol, hashlib.sha256(data).hexdigest()


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{context}: {problem}" if context else problem
    where = f"line {mark.line + 1}: " if mark is not None else ""
    return f"{where}not valid YAML: {detail}"


def _field(loc: Loc) -> str:
    return ".".join(str(part) for part in loc) or "(file)"


def _describe(loc: Loc, message: str) -> str:
    field = _field(loc)
    # "stages: duplicate code 'x'" at stages.3.code reads better without the repeated scope.
    if loc and isinstance(loc[0], str):
        message = message.removeprefix(f"{loc[0]}: ")
    return f"{field}: {message}"


def _line(root: yaml.Node, loc: Loc) -> int:
    """The line (1-based) of the deepest node along ``loc`` that exists in the file.

    A mapping key gives the key's line (``deadline:``, not the first line of its block); a
    sequence index gives the item's line. A missing field stops at its parent.
    """
    node: yaml.Node = root
    line = root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            # The last occurrence wins, as it does for the YAML loader.
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


def _duplicate_keys(node: yaml.Node, loc: Loc) -> list[str]:
    """YAML silently keeps the last of two equal keys; a definition must not hide one."""
    problems: list[str] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 1
            if key.value in seen:
                problems.append(
                    f"line {line}: {_field((*loc, key.value))}: duplicate key "
                    f"(also at line {seen[key.value]}; only the last one would count)"
                )
            seen.setdefault(key.value, line)
            problems.extend(_duplicate_keys(value, (*loc, key.value)))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems.extend(_duplicate_keys(item, (*loc, index)))
    return problems


def _indexes(raw: dict[str, Any], kind: str, code: str) -> list[int]:
    items = raw.get(kind)
    if not isinstance(items, list):
        return []
    return [
        index
        for index, item in enumerate(items)
        if isinstance(item, dict) and item.get("code") == code
    ]


def _locate_model_error(message: str, raw: dict[str, Any]) -> tuple[Loc, str]:
    """Where a cross-field error of ``Protocol._consistent`` points, from its message."""
    if match := _DUPLICATE.match(message):
        kind = match["kind"]
        found = _indexes(raw, kind, match["code"])
        if len(found) > 1:
            return (kind, found[1], "code"), message
        return (kind,), message
    if message.startswith("initial:"):
        return ("initial",), message
    if match := _UNREACHABLE.match(message):
        codes = _QUOTED.findall(match["codes"])
        found = sorted(index for code in codes for index in _indexes(raw, "stages", code))
        return (("stages", found[0]) if found else ("stages",)), message
    if match := _ENTRY.match(message):
        kind = f"{match['kind']}s"
        found = _indexes(raw, kind, match["code"])
        if not found:
            return (kind,), message
        entry: Loc = (kind, found[0])
        rest = match["rest"]
        if kind == "transitions" and rest.startswith(("from:", "to:")):
            return (*entry, rest.split(":", 1)[0]), message
        if kind == "stages" and rest.startswith("deadline.from:"):
            return (*entry, "deadline", "from"), message
        if kind == "transitions" and (event := _EFFECT_EVENT.match(rest)):
            effect = _effect_with_event(raw[kind][found[0]], event["event"])
            if effect is not None:
                return (*entry, "effects", effect, "deadline", "from"), message
        return entry, message
    scope = message.split(":", 1)[0]
    if ":" in message and scope in raw:
        return (scope,), message
    return (), message


def _effect_with_event(transition: dict[str, Any], event: str) -> int | None:
    effects = transition.get("effects")
    if not isinstance(effects, Sequence):
        return None
    for index, effect in enumerate(effects):
        deadline = effect.get("deadline") if isinstance(effect, dict) else None
        if isinstance(deadline, dict) and deadline.get("from") == event:
            return index
    return None
