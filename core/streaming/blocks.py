"""Feed a streaming core an array block by block (offline functions run the live code)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import numpy.typing as npt

from heartmind.errors import ConfigError

__all__ = ["run_blocks"]

T = TypeVar("T")


def run_blocks(
    feed: Callable[[npt.NDArray[np.float64]], T],
    x: npt.NDArray[np.float64],
    chunk_size: int | None,
    who: str,
) -> list[T]:
    """Call ``feed`` on consecutive blocks of ``x`` (along axis 0); return what it returned.

    An offline function built this way runs exactly the code a live session runs, and a
    test can show that the result does not depend on the blocking.

    Parameters
    ----------
    feed
        The streaming core's ``process`` method (or any callable taking one block).
    x
        The whole signal, samples along axis 0.
    chunk_size
        Samples per block; ``None`` feeds the whole array at once.
    who
        Name of the calling function, for the error message.

    Raises
    ------
    ConfigError
        If ``chunk_size`` is below 1 (and ``x`` is not empty).
    """
    step = x.shape[0] if chunk_size is None else int(chunk_size)
    if step < 1:
        if x.shape[0] == 0:
            return []
        raise ConfigError(f"{who}: chunk_size must be >= 1, got {chunk_size}.")
    return [feed(x[i : i + step]) for i in range(0, x.shape[0], step)]
