"""Fixtures for training tests. ``courses``: the shipped course files, loaded."""

from __future__ import annotations

import pytest

from violeta.training.content import courses_load


@pytest.fixture
def courses(db: None) -> None:
    courses_load()
