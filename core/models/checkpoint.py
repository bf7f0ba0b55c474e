"""Training checkpoints without pickles: nested state as JSON plus named arrays.

A checkpoint file is a zip archive (like the ``.hmm`` model format) with two members:

* ``checkpoint.json`` — ``{"format": "heartmind-checkpoint", "version": 1, "heartmind":
  version, "state": ...}`` where ``state`` is the saved tree with every array replaced by
  a reference ``{"__array__": name}``;
* ``arrays.npz`` — the arrays, read back with ``allow_pickle=False``.

The tree may hold dicts (string or integer keys), lists, tuples, strings, numbers,
booleans, ``None``, numpy arrays and torch tensors (restored with their torch dtype and on
the CPU) — enough for a model's, an optimizer's and a scheduler's ``state_dict`` and the
random generators' states. Anything else (a function, an arbitrary object) is an error
naming where it sits, never pickled. Files are written owner-only (0600) in an owner-only
folder, atomically (a crash while writing leaves the previous checkpoint intact).
"""

from __future__ import annotations

import io
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .base import ModelError

__all__ = ["CHECKPOINT_VERSION", "CheckpointError", "load_checkpoint", "save_checkpoint"]

#: Version of the checkpoint layout; bumped on incompatible changes.
CHECKPOINT_VERSION = 1
_FORMAT = "heartmind-checkpoint"
_MARKERS = ("__array__", "__tuple__", "__dict__", "__float__")


class CheckpointError(ModelError):
    """A checkpoint cannot be written (unsupported value) or read (missing, corrupt)."""


def save_checkpoint(path: str | Path, state: Mapping[str, Any]) -> Path:
    """Write ``state`` (a nested tree, see the module docstring) to ``path``.

    Returns the path. Raises :class:`CheckpointError` naming an unsupported value's
    place in the tree (e.g. ``state['scheduler']['lr_lambdas'][0]``).
    """
    path = Path(path)
    arrays: dict[str, npt.NDArray[Any]] = {}
    document = {
        "format": _FORMAT,
        "version": CHECKPOINT_VERSION,
        "heartmind": _heartmind_version(),
        "state": _encode(dict(state), arrays, "state"),
    }
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mode 0600
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("checkpoint.json", json.dumps(document, allow_nan=False))
            zf.writestr("arrays.npz", buffer.getvalue())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read the state tree written by :func:`save_checkpoint` (tensors on the CPU)."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            document = json.loads(zf.read("checkpoint.json"))
            _check_version(path, document)
            with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
    except CheckpointError:
        raise
    except FileNotFoundError:
        raise CheckpointError(f"checkpoint {path} does not exist.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, OSError) as exc:
        raise CheckpointError(
            f"{path} is not a heartmind checkpoint ({exc}); delete it to start afresh."
        ) from None
    state: dict[str, Any] = _decode(document["state"], arrays)
    return state


def _check_version(path: Path, document: Any) -> None:
    if not isinstance(document, dict) or (
        document.get("format") != _FORMAT or document.get("version") != CHECKPOINT_VERSION
    ):
        found = document.get("format") if isinstance(document, dict) else None
        version = document.get("version") if isinstance(document, dict) else None
        raise CheckpointError(
            f"{path} is a {found!r} file of version {version}; this heartmind reads "
            f"{_FORMAT} version {CHECKPOINT_VERSION}. Resume with the heartmind that wrote "
            "it, or start afresh."
        )


def _encode(value: Any, arrays: dict[str, npt.NDArray[Any]], where: str) -> Any:
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"__float__": repr(value)}
    if isinstance(value, np.generic):
        return _encode(value.item(), arrays, where)
    if isinstance(value, np.ndarray):
        return _store(value, None, arrays, where)
    if _is_tensor(value):
        return _store(_tensor_to_numpy(value), str(value.dtype), arrays, where)
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [_encode(v, arrays, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        return _encode_mapping(value, arrays, where)
    raise CheckpointError(
        f"{where} is a {type(value).__module__}.{type(value).__qualname__}, which a "
        "checkpoint cannot hold without pickling; keep numbers, strings, lists, dicts, "
        "arrays and tensors in the state (e.g. rebuild functions from configuration)."
    )


def _encode_mapping(
    value: Mapping[Any, Any], arrays: dict[str, npt.NDArray[Any]], where: str
) -> Any:
    items = list(value.items())
    if all(isinstance(k, str) and k not in _MARKERS for k, _ in items):
        return {k: _encode(v, arrays, f"{where}[{k!r}]") for k, v in items}
    bad = [k for k, _ in items if not isinstance(k, str | int) or isinstance(k, bool)]
    if bad:
        raise CheckpointError(f"{where} has key {bad[0]!r}; keys must be strings or integers.")
    return {"__dict__": [[k, _encode(v, arrays, f"{where}[{k!r}]")] for k, v in items]}


def _store(
    array: npt.NDArray[Any],
    torch_dtype: str | None,
    arrays: dict[str, npt.NDArray[Any]],
    where: str,
) -> dict[str, Any]:
    if array.dtype == object:
        raise CheckpointError(f"{where} is an array of Python objects; store numbers.")
    name = f"a{len(arrays)}"
    arrays[name] = array
    return {"__array__": name, "torch": torch_dtype} if torch_dtype else {"__array__": name}


def _decode(value: Any, arrays: Mapping[str, npt.NDArray[Any]]) -> Any:
    if isinstance(value, list):
        return [_decode(v, arrays) for v in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        array = arrays[value["__array__"]]
        return _numpy_to_tensor(array, value["torch"]) if "torch" in value else array
    if "__tuple__" in value:
        return tuple(_decode(v, arrays) for v in value["__tuple__"])
    if "__float__" in value:
        return float(value["__float__"])
    if "__dict__" in value:
        return {k: _decode(v, arrays) for k, v in value["__dict__"]}
    return {k: _decode(v, arrays) for k, v in value.items()}


def _is_tensor(value: Any) -> bool:
    torch = _torch_if_loaded()
    return torch is not None and isinstance(value, torch.Tensor)


def _torch_if_loaded() -> Any:
    import sys

    return sys.modules.get("torch")


def _tensor_to_numpy(tensor: Any) -> npt.NDArray[Any]:
    torch = _torch_if_loaded()
    t = tensor.detach().cpu()
    if t.dtype == torch.bfloat16:
        t = t.float()
    out: npt.NDArray[Any] = t.numpy().copy()
    return out


def _numpy_to_tensor(array: npt.NDArray[Any], dtype: str) -> Any:
    import torch

    return torch.from_numpy(np.array(array, copy=True)).to(getattr(torch, dtype.split(".")[-1]))


def _heartmind_version() -> str:
    from .. import __version__

    return __version__
