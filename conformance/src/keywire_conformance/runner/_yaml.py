"""A strict YAML reader for spec files.

PyYAML's safe loader follows YAML 1.1, whose implicit types quietly change command arguments:
``on`` / ``off`` / ``yes`` / ``no`` become booleans, ``010`` an octal 8, ``1:20`` a base-60 80,
``0x1F`` an int and ``2024-01-01`` a date. A Redis argument list must not be reinterpreted like
that, so this loader keeps only the YAML 1.2 core-schema forms (``true`` / ``false``, decimal
integers without leading zeros, floats with a dot, ``.inf`` / ``.nan``) and reads everything else
as a string. It also refuses duplicate mapping keys, which PyYAML silently overwrites.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

__all__ = ["load_yaml", "test_lines"]

_DROPPED_TAGS = frozenset(
    {
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:timestamp",
    }
)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and no duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: BaseConstructor reports it below
                continue
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    f"found duplicate key {key!r}",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?
            |[-+]?\.(?:inf|Inf|INF)
            |\.(?:nan|NaN|NAN))$""",
        re.VERBOSE,
    ),
    list("-+0123456789."),
)


def load_yaml(text: str) -> object:
    """Parse one YAML document with the strict rules above.

    Args:
        text: the document.

    Returns:
        The plain Python value (dict, list, str, int, float, bool, None).

    Raises:
        yaml.YAMLError: on malformed YAML or a duplicate mapping key.
    """
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects


def test_lines(text: str) -> list[int]:
    """Return the 0-based line of each entry of the top-level ``tests`` list, in order.

    Used to point reports at the test in the YAML file; returns an empty list for a document
    without such a list (the schema check reports that).
    """
    root = yaml.compose(text, Loader=_StrictLoader)
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if key.value == "tests" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line for item in value.value]
    return []
