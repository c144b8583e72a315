"""Build the MarketDataFeedV3 protobuf message classes from descriptors (no protoc needed).

Mirrors MarketDataFeedV3.proto in this folder field for field.
"""

from __future__ import annotations

from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message_factory import GetMessageClass

PACKAGE = "com.upstox.marketdatafeederv3udapi.rpc.proto"
F = descriptor_pb2.FieldDescriptorProto
_SCALARS = {"double": F.TYPE_DOUBLE, "int64": F.TYPE_INT64, "string": F.TYPE_STRING}

# message -> [(name, number, type, repeated, oneof index or None)]; type = scalar or .Name
_MESSAGES: dict[str, list[tuple[str, int, str, bool, int | None]]] = {
    "LTPC": [("ltp", 1, "double", False, None), ("ltt", 2, "int64", False, None),
             ("ltq", 3, "int64", False, None), ("cp", 4, "double", False, None)],
    "MarketLevel": [("bidAskQuote", 1, ".Quote", True, None)],
    "MarketOHLC": [("ohlc", 1, ".OHLC", True, None)],
    "Quote": [("bidQ", 1, "int64", False, None), ("bidP", 2, "double", False, None),
              ("askQ", 3, "int64", False, None), ("askP", 4, "double", False, None)],
    "OptionGreeks": [(n, i + 1, "double", False, None)
                     for i, n in enumerate(["delta", "theta", "gamma", "vega", "rho"])],
    "OHLC": [("interval", 1, "string", False, None), ("open", 2, "double", False, None),
             ("high", 3, "double", False, None), ("low", 4, "double", False, None),
             ("close", 5, "double", False, None), ("vol", 6, "int64", False, None),
             ("ts", 7, "int64", False, None)],
    "MarketFullFeed": [("ltpc", 1, ".LTPC", False, None), ("marketLevel", 2, ".MarketLevel", False, None),
                       ("optionGreeks", 3, ".OptionGreeks", False, None),
                       ("marketOHLC", 4, ".MarketOHLC", False, None), ("atp", 5, "double", False, None),
                       ("vtt", 6, "int64", False, None), ("oi", 7, "double", False, None),
                       ("iv", 8, "double", False, None), ("tbq", 9, "double", False, None),
                       ("tsq", 10, "double", False, None)],
    "IndexFullFeed": [("ltpc", 1, ".LTPC", False, None), ("marketOHLC", 2, ".MarketOHLC", False, None)],
    "FullFeed": [("marketFF", 1, ".MarketFullFeed", False, 0), ("indexFF", 2, ".IndexFullFeed", False, 0)],
    "FirstLevelWithGreeks": [("ltpc", 1, ".LTPC", False, None), ("firstDepth", 2, ".Quote", False, None),
                             ("optionGreeks", 3, ".OptionGreeks", False, None),
                             ("vtt", 4, "int64", False, None), ("oi", 5, "double", False, None),
                             ("iv", 6, "double", False, None)],
    "Feed": [("ltpc", 1, ".LTPC", False, 0), ("fullFeed", 2, ".FullFeed", False, 0),
             ("firstLevelWithGreeks", 3, ".FirstLevelWithGreeks", False, 0),
             ("requestMode", 4, "enum:.RequestMode", False, None)],
    "MarketInfo": [("segmentStatus", 1, "map:.MarketStatus", True, None)],
    "FeedResponse": [("type", 1, "enum:.Type", False, None), ("feeds", 2, "map:.Feed", True, None),
                     ("currentTs", 3, "int64", False, None), ("marketInfo", 4, ".MarketInfo", False, None)],
}
_ONEOFS = {"FullFeed": "FullFeedUnion", "Feed": "FeedUnion"}
_ENUMS = {
    "Type": ["initial_feed", "live_feed", "market_info"],
    "RequestMode": ["ltpc", "full_d5", "option_greeks", "full_d30"],
    "MarketStatus": ["PRE_OPEN_START", "PRE_OPEN_END", "NORMAL_OPEN", "NORMAL_CLOSE",
                     "CLOSING_START", "CLOSING_END"],
}


def _qualify(name: str) -> str:
    return f".{PACKAGE}{name}"


def _add_field(msg: Any, name: str, number: int, kind: str, repeated: bool,
               oneof: int | None) -> None:
    field = msg.field.add(name=name, number=number, json_name=name)
    field.label = F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL
    if oneof is not None:
        field.oneof_index = oneof
    if kind in _SCALARS:
        field.type = _SCALARS[kind]
    elif kind.startswith("enum:"):
        field.type, field.type_name = F.TYPE_ENUM, _qualify(kind[5:])
    elif kind.startswith("map:"):
        entry = msg.nested_type.add(name=f"{name[0].upper()}{name[1:]}Entry")
        entry.options.map_entry = True
        entry.field.add(name="key", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
        value = entry.field.add(name="value", number=2, label=F.LABEL_OPTIONAL)
        target = kind[4:]
        value.type = F.TYPE_ENUM if target[1:] in _ENUMS else F.TYPE_MESSAGE
        value.type_name = _qualify(target)
        field.type = F.TYPE_MESSAGE
        field.type_name = f"{_qualify('.' + msg.name)}.{entry.name}"
    else:
        field.type, field.type_name = F.TYPE_MESSAGE, _qualify(kind)


def _file() -> descriptor_pb2.FileDescriptorProto:
    fd = descriptor_pb2.FileDescriptorProto(name="MarketDataFeedV3.proto", package=PACKAGE,
                                            syntax="proto3")
    for enum_name, values in _ENUMS.items():
        enum = fd.enum_type.add(name=enum_name)
        for i, v in enumerate(values):
            enum.value.add(name=v, number=i)
    for msg_name, fields in _MESSAGES.items():
        msg = fd.message_type.add(name=msg_name)
        if msg_name in _ONEOFS:
            msg.oneof_decl.add(name=_ONEOFS[msg_name])
        for spec in fields:
            _add_field(msg, *spec)
    return fd


_POOL = descriptor_pool.DescriptorPool()
_POOL.Add(_file())


def message(name: str) -> Any:
    """The generated message class for `name` (e.g. "FeedResponse")."""
    return GetMessageClass(_POOL.FindMessageTypeByName(f"{PACKAGE}.{name}"))


FeedResponse = message("FeedResponse")
Feed = message("Feed")
LTPC = message("LTPC")
