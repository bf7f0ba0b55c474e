"""Exception hierarchy of heartmind.

Every error raised on purpose by heartmind derives from :class:`HeartmindError`, so an
application can catch one type. Messages say what was wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "ChunkError",
    "ConfigError",
    "EventError",
    "HeartmindError",
    "MissingExtraError",
    "PluginError",
    "SessionError",
]


class HeartmindError(Exception):
    """Base class of every error heartmind raises on purpose."""


class ConfigError(HeartmindError, ValueError):
    """A pipeline file, option or argument is invalid.

    The message names the file, the table and the key where it can.
    """


class ChunkError(HeartmindError, ValueError):
    """A chunk of samples failed validation (shape, dtype, timestamps or values)."""


class EventError(HeartmindError, ValueError):
    """An event has a field outside its documented range, or cannot be parsed."""


class PluginError(HeartmindError):
    """A plugin failed to load, or two plugins declare the same spec name."""


class SessionError(HeartmindError, RuntimeError):
    """A session was used in the wrong lifecycle state or could not be built."""


class MissingExtraError(HeartmindError, ImportError):
    """A feature needs an optional dependency group ("extra") that is not installed.

    Parameters
    ----------
    extra
        Name of the extra, as in ``pip install "heartmind[<extra>]"``.
    feature
        What the user tried to use.
    module
        The module that failed to import.
    """

    def __init__(self, extra: str, feature: str, module: str) -> None:
        self.extra = extra
        self.feature = feature
        self.module = module
        super().__init__(
            f"{feature} needs the optional dependency '{module}', which is not installed. "
            f'Install it with: pip install "heartmind[{extra}]"'
        )
