"""Loads the risk screening instrument from its data file, or says exactly what is wrong.

The instrument is read once per process (``risk_instrument``); a change to the file takes
effect on restart, with a new ``version`` so that earlier assessments keep theirs.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from violeta import yaml_files
from violeta.detection.risk_schema import Instrument

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "risk_instrument.yaml"
_VALUE_ERROR = "Value error, "


class RiskInstrumentError(Exception):
    """One or more problems in an instrument file; each names the file and the field."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def instrument_parse(data: Any, *, source: str = "<data>") -> Instrument:
    """Validate already-read data. Every problem is reported as ``source: field.path: msg``."""
    try:
        return Instrument.model_validate(data)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            message = str(detail["msg"]).removeprefix(_VALUE_ERROR)
            path = ".".join(str(part) for part in detail["loc"])
            problems.append(f"{source}: {path}: {message}" if path else f"{source}: {message}")
        raise RiskInstrumentError(problems) from None


def instrument_read(path: Path) -> Instrument:
    path = Path(path)
    try:
        data = yaml_files.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise RiskInstrumentError([f"{path.name}: not valid YAML: {error}"]) from None
    return instrument_parse(data, source=path.name)


@functools.cache
def risk_instrument() -> Instrument:
    """The instrument in force (the shipped default file)."""
    return instrument_read(DEFAULT_FILE)
