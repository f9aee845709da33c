"""Reads answered once inside a block, for pages built from several sections.

A page made of sections from several apps, or a form of many subforms, may ask the same
question many times while it renders. ``SharedReads`` answers each distinct question once
inside its ``block()``; outside any block every question goes to the database afresh, so a
write in between is never missed. Only for blocks that write nothing that changes the answers.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")


class SharedReads:
    def __init__(self, name: str) -> None:
        self._answers: ContextVar[dict[Hashable, Any] | None] = ContextVar(name, default=None)

    @contextmanager
    def block(self) -> Iterator[None]:
        token = self._answers.set({})
        try:
            yield
        finally:
            self._answers.reset(token)

    @property
    def active(self) -> bool:
        """Inside a block (a caller whose key costs something to build may check first)."""
        return self._answers.get() is not None

    def known(self, key: Hashable, answer: Any) -> None:
        """Inside a block, the answer for ``key`` without reading it (the caller has the rows
        in hand, just written); outside a block, nothing."""
        answers = self._answers.get()
        if answers is not None:
            answers[key] = answer

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        """``read()``, or inside a block the answer it gave for ``key`` the first time."""
        answers = self._answers.get()
        if answers is None:
            return read()
        if key not in answers:
            answers[key] = read()
        result: T = answers[key]
        return result
