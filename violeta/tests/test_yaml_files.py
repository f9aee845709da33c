"""The data files read through libyaml give exactly what PyYAML's own safe loader gives."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from violeta import yaml_files

DATA_FILES = sorted(Path(yaml_files.__file__).resolve().parent.rglob("*.yaml"))


def test_every_data_file_is_found() -> None:
    assert len(DATA_FILES) >= 10


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.name)
def test_a_data_file_reads_the_same_through_either_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert yaml_files.load(text) == yaml.safe_load(text)
    fast, slow = yaml_files.compose(text), yaml.compose(text, Loader=yaml.SafeLoader)
    assert fast is not None and slow is not None
    assert [n.start_mark.line for n in _nodes(fast)] == [n.start_mark.line for n in _nodes(slow)]


def _nodes(node: yaml.Node) -> list[yaml.Node]:
    found = [node]
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            found += _nodes(key) + _nodes(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _nodes(item)
    return found


def test_libyaml_is_used_where_pyyaml_has_it() -> None:
    expected = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    assert yaml_files.SafeLoader is expected


def test_only_plain_data_is_loaded() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        yaml_files.load("!!python/object/apply:os.system ['echo no']")
