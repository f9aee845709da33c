"""Protocol models, one module per topic: definitions (versions), calendar, runs."""

from violeta.protocols.models.calendar import NonWorkingDay
from violeta.protocols.models.definitions import ProtocolVersion
from violeta.protocols.models.runs import (
    ChecklistResolution,
    Deadline,
    ProtocolRun,
    RunEvent,
    RunTask,
    StageChange,
)

__all__ = [
    "ChecklistResolution",
    "Deadline",
    "NonWorkingDay",
    "ProtocolRun",
    "ProtocolVersion",
    "RunEvent",
    "RunTask",
    "StageChange",
]
