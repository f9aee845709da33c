"""Not an app: safe YAML loading through libyaml, where PyYAML was built with it.

PyYAML's own parser is pure Python; its libyaml binding (``CSafeLoader``, in the published
wheels) reads the same documents into the same values several times faster. Both are safe
loaders: plain data only, no Python objects. The data files (catalogs, protocols, rules,
guides) are read at start-up, by ``make run`` and by the tests' fixtures, many times over.
"""

from __future__ import annotations

from typing import Any

import yaml

SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(text: str) -> Any:
    """``yaml.safe_load``, through libyaml when available."""
    return yaml.load(text, Loader=SafeLoader)  # noqa: S506 (a safe loader)


def compose(text: str) -> yaml.Node | None:
    """``yaml.compose`` (the node tree, with each node's line), through libyaml when available."""
    return yaml.compose(text, Loader=SafeLoader)
