"""Typed command methods, one mixin per family (shared by the client and its pipelines)."""

from __future__ import annotations

from keywire.commands._base import AnyStr, CommandsBase, EncodableT, KeyT
from keywire.commands._hashes import HashCommands
from keywire.commands._keys import KeyCommands
from keywire.commands._lists import ListCommands
from keywire.commands._pubsub import PubSubCommands
from keywire.commands._scripting import Script, ScriptingCommands
from keywire.commands._server import ServerCommands
from keywire.commands._sets import SetCommands
from keywire.commands._sorted_sets import SortedSetCommands
from keywire.commands._streams import StreamCommands, StreamEntry, StreamIdT
from keywire.commands._strings import StringCommands

__all__ = [
    "AnyStr",
    "CommandMixins",
    "CommandsBase",
    "EncodableT",
    "HashCommands",
    "KeyCommands",
    "KeyT",
    "ListCommands",
    "PubSubCommands",
    "Script",
    "ScriptingCommands",
    "ServerCommands",
    "SetCommands",
    "SortedSetCommands",
    "StreamCommands",
    "StreamEntry",
    "StreamIdT",
    "StringCommands",
]


class CommandMixins(
    StringCommands[AnyStr],
    KeyCommands[AnyStr],
    HashCommands[AnyStr],
    ListCommands[AnyStr],
    SetCommands[AnyStr],
    SortedSetCommands[AnyStr],
    StreamCommands[AnyStr],
    ScriptingCommands[AnyStr],
    PubSubCommands[AnyStr],
    ServerCommands[AnyStr],
):
    """Every typed command family."""

    __slots__ = ()
