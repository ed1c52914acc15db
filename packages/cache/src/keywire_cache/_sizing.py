"""Memory accounting and copy-safety of stored replies.

The accounting measures objects, it does not guess. A reply costs the sum of
``sys.getsizeof`` over the reply and everything it contains (``bytes``, ``str``, ``int``,
``float``, ``list``, ``tuple``, ``dict``, ``set``, ``frozenset``, recursively; a container
reached twice is counted once; ``None``, ``True`` and ``False`` are shared singletons and cost
nothing; any other object counts its shallow ``sys.getsizeof``). ``sys.getsizeof`` includes the
garbage-collector header and the over-allocation of lists and dicts, so these are the bytes the
allocator was asked for, which is what :mod:`tracemalloc` reports too.

The index structures of :class:`~keywire_cache.LRUCache` are measured the same way, per object
(see ``_lru.py``). The only figure not read off the object itself is the cost of one slot of
the top-level ``OrderedDict`` (its hash table is shared by all keys and grows in steps), which is
measured once on the running interpreter by :func:`index_slot_bytes`.

Copy-safety: a value is *immutable* when it is a ``bytes`` / ``str`` / ``int`` / ``float`` /
``bool`` / ``None`` (or a subclass of these), or a ``tuple`` / ``frozenset`` of immutable values.
Immutable values are stored and handed out as they are. Anything else is deep-copied when stored
and again when handed out, so neither the caller who stored it nor one who read it can change
the cache; :func:`copier_for` picks the cheapest copy that is still deep (a list of scalars needs
only ``list.copy``).
"""

from __future__ import annotations

import copy
import functools
import sys
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "copier_for",
    "deep_copy",
    "index_slot_bytes",
    "is_immutable",
    "sizeof",
]

_getsizeof = sys.getsizeof

# Exact types whose instances are immutable and hold no references worth counting.
_SCALARS: frozenset[type] = frozenset({bytes, str, int, float, bool, complex, type(None)})
_VALUE_TYPES = (bytes, str, int, float, complex)


def sizeof(obj: object) -> int:
    """Return the bytes held by ``obj`` and everything it contains (see the module docstring).

    Args:
        obj: a reply: scalars and (nested) lists, tuples, dicts, sets and frozensets.

    Returns:
        The sum of ``sys.getsizeof`` over the object graph, each container counted once.

    Raises:
        RecursionError: the value is nested deeper than the interpreter's recursion limit.
    """
    return _sizeof(obj, set())


def _sizeof(obj: object, seen: set[int]) -> int:
    cls = obj.__class__
    if cls is bytes or cls is str or cls is int or cls is float:
        return _getsizeof(obj)
    if obj is None or obj is True or obj is False:
        return 0
    if isinstance(obj, (list, tuple, set, frozenset)):
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        size = _getsizeof(obj)
        for item in obj:
            size += _sizeof(item, seen)
        return size
    if isinstance(obj, dict):
        if id(obj) in seen:
            return 0
        seen.add(id(obj))
        size = _getsizeof(obj)
        for key, value in obj.items():
            size += _sizeof(key, seen) + _sizeof(value, seen)
        return size
    return _getsizeof(obj)


def is_immutable(obj: object) -> bool:
    """Tell whether ``obj`` can be shared with callers without copying.

    Args:
        obj: any value.

    Returns:
        True for scalars (and their subclasses) and tuples / frozensets of immutable values.
    """
    cls = obj.__class__
    if cls in _SCALARS:
        return True
    if isinstance(obj, (tuple, frozenset)):
        return all(map(is_immutable, obj))
    return isinstance(obj, _VALUE_TYPES)


def deep_copy(obj: Any) -> Any:
    """Return a deep copy of a reply, keeping the exact types.

    Lists, dicts, sets and tuples of the exact built-in types are copied by a fast recursive
    walk; scalars are returned as they are (they are immutable); any other object (a subclass,
    a custom type) is handed to :func:`copy.deepcopy`.

    Args:
        obj: the value to copy.

    Returns:
        A copy that shares no mutable object with ``obj``.
    """
    cls = obj.__class__
    if cls in _SCALARS:
        return obj
    if cls is list:
        return [deep_copy(item) for item in obj]
    if cls is dict:
        # Keys are hashable, hence (for replies) immutable: only the values need copying.
        return {key: deep_copy(value) for key, value in obj.items()}
    if cls is tuple:
        return tuple(deep_copy(item) for item in obj)
    if cls is set:
        return set(obj)
    if cls is frozenset:
        return obj
    return copy.deepcopy(obj)


def _is_flat(obj: object) -> bool:
    return obj.__class__ in _SCALARS


def copier_for(obj: Any) -> Callable[[Any], Any]:
    """Pick the cheapest function that deep-copies values shaped like ``obj``.

    Args:
        obj: a mutable value about to be stored.

    Returns:
        ``list.copy`` / ``dict.copy`` / ``set.copy`` when the container holds only scalars
        (a shallow copy is then a deep one), else :func:`deep_copy`.
    """
    cls = obj.__class__
    if cls is list and all(map(_is_flat, obj)):
        return list.copy
    if cls is dict and all(map(_is_flat, obj.values())):
        return dict.copy
    if cls is set:
        # Set members are hashable, hence immutable values.
        return set.copy
    return deep_copy


@functools.cache
def index_slot_bytes() -> int:
    """Return the measured cost of one key in a Python ``OrderedDict``, in bytes.

    The table of an ``OrderedDict`` (dict entries, index, linked-list node, fast-node array)
    grows in steps, so the cost of one more key depends on where in a step the table is. This
    grows an ``OrderedDict`` to 4,096 keys on the running interpreter and averages
    ``(sys.getsizeof(od) - sys.getsizeof(OrderedDict())) / len(od)`` over every 64th size,
    which is the average cost of a key over the whole range of fill levels. Measured once.

    Returns:
        Bytes per key, rounded.
    """
    od: OrderedDict[int, None] = OrderedDict()
    empty = _getsizeof(od)
    samples: list[float] = []
    for i in range(1, 4097):
        od[i] = None
        if i % 64 == 0:
            samples.append((_getsizeof(od) - empty) / i)
    return round(sum(samples) / len(samples))
