"""Writing files that hold health and behavioural data: user-only permissions.

Everything heartmind writes (events, recordings, reports, calibrations, models) is created
with mode 0600, in folders created with mode 0700.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from .errors import ConfigError

__all__ = ["open_private", "write_private"]

_T = TypeVar("_T")


def open_private(path: str | Path, append: bool = False) -> IO[str]:
    """Open a text file for writing with user-only permissions (0600).

    The folder is created (0700) if missing. An existing file is made 0600 too.

    Raises
    ------
    ConfigError
        If the file cannot be written (the message names it).
    """
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_TRUNC)

    def create(path: Path) -> int:
        fd = os.open(path, flags, 0o600)
        os.fchmod(fd, 0o600)
        return fd

    fd = _in_private_folder(Path(path), create)
    return os.fdopen(fd, "a" if append else "w", encoding="utf-8")


def write_private(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically with user-only permissions (0600).

    The bytes go to a temporary file in the same folder (created 0700 if missing), which
    then replaces ``path``: readers see the old file or the new one, never a part.

    Raises
    ------
    ConfigError
        If the file cannot be written (the message names it).
    """
    path = Path(path)
    fd, tmp = _in_private_folder(
        path, lambda p: tempfile.mkstemp(prefix=f".{p.name}.", dir=p.parent)
    )
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _in_private_folder(path: Path, create: Callable[[Path], _T]) -> _T:
    """``create(path)`` after making its folder (0700); an ``OSError`` names the file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return create(path)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror}; choose a writable path.") from None
