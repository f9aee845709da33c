"""What the engine asks of the application it runs in, without importing it.

The host (the cases app) registers, at start-up:
- facts: named yes/no questions about a run's subject ("is the account recorded?");
- a recipient resolver: who, for a role, must hear about a run (e.g. the assigned workers);
- a subject label: what a notice may name (a folio, never content);
- guards: what the subject still owes before any step forward (e.g. a guideline for a group in
  vulnerable conditions not yet resolved), as sentences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from typing import Any

from django.utils.functional import Promise

from violeta.protocols.models import ProtocolRun


@dataclasses.dataclass(frozen=True)
class Fact:
    code: str
    label: str | Promise
    check: Callable[[ProtocolRun], bool]


_facts: dict[str, Fact] = {}
_recipients: dict[str, Callable[[ProtocolRun, str], Iterable[Any]]] = {}
_labels: dict[str, Callable[[ProtocolRun], str]] = {}
_guards: dict[str, Callable[[ProtocolRun], list[str]]] = {}


def fact_register(code: str, label: str | Promise, check: Callable[[ProtocolRun], bool]) -> None:
    _facts[code] = Fact(code, label, check)


def fact_get(code: str) -> Fact | None:
    return _facts.get(code)


def subject_register(
    subject_type: str,
    *,
    recipients: Callable[[ProtocolRun, str], Iterable[Any]],
    label: Callable[[ProtocolRun], str],
) -> None:
    _recipients[subject_type] = recipients
    _labels[subject_type] = label


def guard_register(subject_type: str, guard: Callable[[ProtocolRun], list[str]]) -> None:
    _guards[subject_type] = guard


def guards_for(run: ProtocolRun) -> list[str]:
    """What the run's subject still owes before it may move forward; empty when nothing."""
    guard = _guards.get(run.subject_type)
    return list(guard(run)) if guard is not None else []


def recipients_for(run: ProtocolRun, role: str) -> list[Any]:
    resolver = _recipients.get(run.subject_type)
    if resolver is not None:
        return list(resolver(run, role))
    from violeta.accounts.models import User

    return list(User.objects.filter(role=role, is_active=True))


def subject_label(run: ProtocolRun) -> str:
    labeller = _labels.get(run.subject_type)
    return labeller(run) if labeller is not None else ""
