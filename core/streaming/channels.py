"""Channel selection: the ``channel``/``channels`` options of a processor → column indices."""

from __future__ import annotations

from collections.abc import Sequence

from heartmind.errors import ConfigError
from heartmind.streams import StreamInfo, channel_index

__all__ = ["channel_index", "channel_indices"]


def channel_indices(
    info: StreamInfo, labels: Sequence[str], who: str, *, option: str = "channels"
) -> tuple[int, ...]:
    """Columns of several channels of ``info``, each a label or an index as a string.

    Parameters
    ----------
    info
        The stream.
    labels
        Channel labels (``"I"``), or indices as strings (``"0"``, ``"-1"``).
    who
        Processor name, for the message.
    option
        Name of the option the labels came from, for the message.

    Raises
    ------
    ConfigError
        If the stream lacks one of them (the message lists its channels).
    """
    out: list[int] = []
    for label in labels:
        try:
            if not label:
                raise ConfigError("empty label")
            out.append(channel_index(info, label, who))
        except ConfigError:
            raise ConfigError(
                f"{who}: stream {info.name!r} has no channel {label!r}; its channels are "
                f"{', '.join(info.channels)}. Fix the option {option!r}."
            ) from None
    return tuple(out)
