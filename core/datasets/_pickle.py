"""Python-2-style pickles of numpy data: a restricted reader and a minimal writer.

WESAD ships one pickle per subject, written by Python 2 (read in Python 3 with
``encoding="latin1"``). Unpickling runs whatever callables the file names, so a pickle
from an untrusted source could execute code. :class:`RestrictedUnpickler` resolves only
the few globals that numpy arrays need (see :data:`ALLOWED`); any other global raises
:class:`UnsafePickleError` naming it, *before* anything is called.

:func:`dump_py2` writes dicts, lists, tuples, strings, numbers and numpy arrays with
protocol 2 opcodes as Python 2 did (strings as ``BINSTRING``, arrays through
``numpy.core.multiarray._reconstruct``), so generated files look like the real ones.
"""

from __future__ import annotations

import io
import pickle
import struct
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import numpy as np

from .base import DatasetError

__all__ = ["ALLOWED", "RestrictedUnpickler", "UnsafePickleError", "dump_py2", "load_restricted"]


class UnsafePickleError(DatasetError):
    """A pickle names a global outside the allowed numpy reconstruction functions."""


def _multiarray(name: str) -> Any:
    core = getattr(np, "_core", None)
    if core is None:  # pragma: no cover - numpy < 2
        core = np.core
    return getattr(core.multiarray, name)


def _allowed() -> dict[tuple[str, str], Callable[[], Any]]:
    out: dict[tuple[str, str], Callable[[], Any]] = {
        ("numpy", "ndarray"): lambda: np.ndarray,
        ("numpy", "dtype"): lambda: np.dtype,
    }
    for module in ("numpy.core.multiarray", "numpy._core.multiarray"):
        out[(module, "_reconstruct")] = lambda: _multiarray("_reconstruct")
        out[(module, "scalar")] = lambda: _multiarray("scalar")
    return out


#: ``(module, name)`` pairs a pickle may name; everything else is refused.
ALLOWED: dict[tuple[str, str], Callable[[], Any]] = _allowed()


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that admits numpy array reconstruction and nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        """Resolve an allowed global; raise :class:`UnsafePickleError` for any other."""
        factory = ALLOWED.get((module, name))
        if factory is None:
            raise UnsafePickleError(
                f"the pickle refers to {module}.{name}, which a dataset file never needs; "
                "it was refused without running it. Use the original, unmodified file "
                "from the dataset's provider."
            )
        return factory()


def load_restricted(path: Path, *, encoding: str = "latin1") -> Any:
    """Unpickle ``path`` with :class:`RestrictedUnpickler` (Python 2 strings as latin-1).

    Raises
    ------
    UnsafePickleError
        The file names a global outside :data:`ALLOWED`.
    DatasetError
        The file is missing, truncated or not a pickle.
    """
    try:
        with open(path, "rb") as f:
            return RestrictedUnpickler(f, encoding=encoding).load()
    except UnsafePickleError:
        raise
    except FileNotFoundError:
        raise DatasetError(f"{path} does not exist; check the path.") from None
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, IndexError) as exc:
        raise DatasetError(
            f"{path} is not a readable pickle ({type(exc).__name__}: {exc}); the file is "
            "truncated or damaged: download it again."
        ) from None


# -- writer ------------------------------------------------------------------------------


def dump_py2(obj: Any, f: IO[bytes]) -> None:
    """Write ``obj`` as a protocol-2 pickle as Python 2 would (str → BINSTRING).

    Supports ``dict``, ``list``, ``tuple``, ``str``, ``bytes``, ``int``, ``float``,
    ``bool``, ``None`` and numpy arrays of numeric dtypes.
    """
    out = io.BytesIO()
    out.write(pickle.PROTO + b"\x02")
    _save(obj, out)
    out.write(pickle.STOP)
    f.write(out.getvalue())


def _save(obj: Any, out: io.BytesIO) -> None:
    if obj is None:
        out.write(pickle.NONE)
    elif isinstance(obj, bool):
        out.write(pickle.NEWTRUE if obj else pickle.NEWFALSE)
    elif isinstance(obj, int):
        _save_int(obj, out)
    elif isinstance(obj, float):
        out.write(pickle.BINFLOAT + struct.pack(">d", obj))
    elif isinstance(obj, str | bytes):
        _save_str(obj.encode("latin1") if isinstance(obj, str) else obj, out)
    elif isinstance(obj, np.ndarray):
        _save_array(obj, out)
    elif isinstance(obj, dict):
        out.write(pickle.EMPTY_DICT + pickle.MARK)
        for key, value in obj.items():
            _save(key, out)
            _save(value, out)
        out.write(pickle.SETITEMS)
    elif isinstance(obj, list):
        out.write(pickle.EMPTY_LIST + pickle.MARK)
        for item in obj:
            _save(item, out)
        out.write(pickle.APPENDS)
    elif isinstance(obj, tuple):
        out.write(pickle.MARK)
        for item in obj:
            _save(item, out)
        out.write(pickle.TUPLE)
    else:
        raise TypeError(f"dump_py2 cannot write {type(obj).__name__}")


def _save_int(value: int, out: io.BytesIO) -> None:
    if 0 <= value < 256:
        out.write(pickle.BININT1 + bytes([value]))
    elif -(2**31) <= value < 2**31:
        out.write(pickle.BININT + struct.pack("<i", value))
    else:
        raw = value.to_bytes((value.bit_length() + 8) // 8, "little", signed=True)
        out.write(pickle.LONG1 + bytes([len(raw)]) + raw)


def _save_str(raw: bytes, out: io.BytesIO) -> None:
    if len(raw) < 256:
        out.write(pickle.SHORT_BINSTRING + bytes([len(raw)]) + raw)
    else:
        out.write(pickle.BINSTRING + struct.pack("<i", len(raw)) + raw)


def _save_array(arr: np.ndarray[Any, Any], out: io.BytesIO) -> None:
    """``_reconstruct(ndarray, (0,), 'b')`` then ``BUILD`` with the array's state tuple."""
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"dump_py2 writes numeric arrays only, not dtype {arr.dtype}")
    arr = np.ascontiguousarray(arr)
    little = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    out.write(pickle.GLOBAL + b"numpy.core.multiarray\n_reconstruct\n")
    out.write(pickle.GLOBAL + b"numpy\nndarray\n")
    _save((0,), out)
    _save(b"b", out)
    out.write(pickle.TUPLE3 + pickle.REDUCE)
    # state: (version, shape, dtype, is_fortran, raw data)
    out.write(pickle.MARK)
    _save(1, out)
    _save(tuple(int(n) for n in arr.shape), out)
    out.write(pickle.GLOBAL + b"numpy\ndtype\n")
    _save((f"{arr.dtype.kind}{arr.dtype.itemsize}", False, True), out)
    out.write(pickle.REDUCE)
    order = "|" if arr.dtype.itemsize == 1 else "<"
    _save((3, order, None, None, None, -1, -1, 0), out)
    out.write(pickle.BUILD)
    _save(False, out)
    _save(little.tobytes(), out)
    out.write(pickle.TUPLE + pickle.BUILD)
