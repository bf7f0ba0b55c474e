"""Fixed channel layouts of the keyboard and mouse streams.

These streams are behavioural data. They carry **timings and coarse classes only**: a key
press is recorded as *that* a key went down or up and whether it was backspace/delete,
enter, or any other key — never *which* key. Sensors (pynput, the simulator, replay)
must produce exactly these layouts; processors may rely on them.

Both streams are irregular (``rate = 0``); the timestamp of a sample is the time of the
input event on the session clock.
"""

from __future__ import annotations

from enum import IntEnum

from .streams import StreamInfo

__all__ = [
    "KEYS_CHANNELS",
    "MOUSE_CHANNELS",
    "KeyAction",
    "KeyClass",
    "MouseAction",
    "MouseButton",
    "keys_info",
    "mouse_info",
]


class KeyAction(IntEnum):
    """Channel ``action`` of a KEYS sample."""

    RELEASE = 0
    PRESS = 1


class KeyClass(IntEnum):
    """Channel ``key_class`` of a KEYS sample: the only thing said about the key."""

    OTHER = 0
    BACKSPACE = 1  # backspace or delete: an error correction
    ENTER = 2


class MouseAction(IntEnum):
    """Channel ``action`` of a MOUSE sample."""

    MOVE = 0
    PRESS = 1
    RELEASE = 2
    SCROLL = 3


class MouseButton(IntEnum):
    """Channel ``button`` of a MOUSE sample (``NONE`` for moves and scrolls)."""

    NONE = 0
    LEFT = 1
    RIGHT = 2
    MIDDLE = 3


#: KEYS: one sample per key press or release.
KEYS_CHANNELS: tuple[str, ...] = ("action", "key_class")
_KEYS_UNITS: tuple[str, ...] = ("enum", "enum")

#: MOUSE: one sample per move, button or scroll event. x/y in screen pixels from the
#: top-left corner; dx/dy in scroll steps (0 unless ``action`` is SCROLL).
MOUSE_CHANNELS: tuple[str, ...] = ("action", "button", "x", "y", "dx", "dy")
_MOUSE_UNITS: tuple[str, ...] = ("enum", "enum", "px", "px", "steps", "steps")


def keys_info(name: str = "keys", source_id: str = "") -> StreamInfo:
    """StreamInfo of a keyboard timing stream with the fixed layout."""
    return StreamInfo(
        name=name,
        type="KEYS",
        channels=KEYS_CHANNELS,
        units=_KEYS_UNITS,
        rate=0.0,
        dtype="float32",
        source_id=source_id,
    )


def mouse_info(name: str = "mouse", source_id: str = "") -> StreamInfo:
    """StreamInfo of a mouse stream with the fixed layout."""
    return StreamInfo(
        name=name,
        type="MOUSE",
        channels=MOUSE_CHANNELS,
        units=_MOUSE_UNITS,
        rate=0.0,
        dtype="float32",
        source_id=source_id,
    )
