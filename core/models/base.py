"""The ``Model`` interface and the ``.hmm`` file format (see the package docstring)."""

from __future__ import annotations

import io
import json
import logging
import zipfile
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import numpy as np
import numpy.typing as npt

from ..errors import HeartmindError

__all__ = [
    "FORMAT_VERSION",
    "SYNTHETIC",
    "Model",
    "ModelError",
    "ModelInfo",
    "load_model",
    "model_kinds",
    "read_info",
]

#: Version of the container layout (manifest + arrays). Bumped on incompatible changes.
FORMAT_VERSION = 1
#: ``ModelInfo.trained_on`` of every model trained on simulated or generated data.
SYNTHETIC = "synthetic"

#: ``ModelInfo.trained_on`` of a file that does not say (written by hand or by old code).
UNKNOWN = "unknown"

log = logging.getLogger(__name__)
_KINDS: dict[str, type[Model]] = {}
M = TypeVar("M", bound="Model")


class ModelError(HeartmindError, ValueError):
    """A model file cannot be used (version, kind, corrupt) or an input does not fit."""


@dataclass
class ModelInfo:
    """What a model is, what it expects and how it was made.

    Attributes
    ----------
    name
        Model name shown in events (``Emotion.model``).
    version
        Version string of this trained model (``Emotion.model_version``).
    labels
        Names of the outputs, e.g. ``["valence", "arousal", "dominance"]`` or classes.
    inputs
        Description of the expected input: e.g. ``{"features": [...], "rate": 4.0,
        "window": 60.0}``; checked by models on ``predict``.
    preprocessing
        Parameters needed to prepare inputs exactly as in training (normalisation, …).
    training
        Description of the training data (dataset, subjects, windows, ``synthetic``).
    metrics
        Evaluation results (e.g. leave-one-subject-out accuracy, F1, AUROC).
    synthetic
        True if trained only on synthetic data: such a model shows the plumbing, not
        validated affect recognition.
    trained_on
        The kind of data it was trained on: ``"synthetic"`` for any simulated or generated
        data (also files written by the ``write_*_like`` generators), otherwise the
        dataset's name (``"WESAD"``, ``"DREAMER"``, ``"lab"``, …). A synthetic model always
        says ``"synthetic"``, so nothing synthetic is mistaken for a model of real data.
        Files written before this field existed load with ``"synthetic"`` when
        ``synthetic`` is true, else the ``training["dataset"]`` they name (``"unknown"``
        when there is none).

    Raises
    ------
    ModelError
        If ``synthetic`` is true and ``trained_on`` names something else.
    """

    name: str
    version: str = "0"
    labels: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)
    preprocessing: dict[str, Any] = field(default_factory=dict)
    training: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    synthetic: bool = False
    trained_on: str = ""

    def __post_init__(self) -> None:
        if self.trained_on == SYNTHETIC:
            self.synthetic = True
        elif self.synthetic:
            if self.trained_on:
                raise ModelError(
                    f"model {self.name!r} is marked synthetic but says it was trained on "
                    f"{self.trained_on!r}; a synthetic model must say trained_on='synthetic'."
                )
            self.trained_on = SYNTHETIC


class Model(ABC):
    """Base class of heartmind models.

    Subclasses set ``kind`` (a unique registry key such as ``"hr-gru"``) and
    ``kind_version`` (bumped when their array layout changes), hold their configuration in
    ``self.config`` (JSON-compatible) and implement ``fit``, ``predict``, ``get_arrays``
    and ``set_arrays``.
    """

    kind: ClassVar[str] = ""
    kind_version: ClassVar[int] = 1

    def __init__(self, info: ModelInfo, config: dict[str, Any] | None = None) -> None:
        self.info = info
        self.config: dict[str, Any] = dict(config or {})

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        kind = cls.__dict__.get("kind")
        if not kind:
            return
        other = _KINDS.get(kind)
        if other is not None and other.__qualname__ != cls.__qualname__:
            raise ModelError(
                f"model kind {kind!r} is declared by {other.__module__}.{other.__qualname__} "
                f"and {cls.__module__}.{cls.__qualname__}; rename one."
            )
        _KINDS[kind] = cls

    @abstractmethod
    def fit(self: M, x: Any, y: Any, **options: Any) -> M:
        """Train on inputs ``x`` and targets ``y``; returns self."""

    @abstractmethod
    def predict(self, x: Any) -> npt.NDArray[np.float64]:
        """Outputs for inputs ``x`` (one row per input)."""

    @abstractmethod
    def get_arrays(self) -> dict[str, npt.NDArray[Any]]:
        """Every learned parameter as a named numpy array (no objects)."""

    @abstractmethod
    def set_arrays(self, arrays: dict[str, npt.NDArray[Any]]) -> None:
        """Restore learned parameters from :meth:`get_arrays` output."""

    def example_input(self, n: int = 4, seed: int = 0) -> Any:
        """``n`` valid inputs for :meth:`predict` (random but well-formed; tests, docs).

        The registry's meta-test predicts on them before saving and after loading a model
        and requires equal outputs. Override it in every model kind that a
        :class:`~heartmind.ModelSpec` offers.
        """
        raise NotImplementedError(f"{type(self).__name__} does not implement example_input().")

    # ------------------------------------------------------------------ files

    def save(self, path: str | Path) -> Path:
        """Write the model to ``path`` (``.hmm`` zip; created with mode 0600)."""
        import os

        path = Path(path)
        if not self.info.trained_on:
            log.warning(
                "%s: ModelInfo.trained_on is empty; the file says 'unknown'. Set it to "
                "'synthetic' or the dataset's name.",
                self.info.name,
            )
            self.info.trained_on = UNKNOWN
        manifest = {
            "format_version": FORMAT_VERSION,
            "kind": self.kind,
            "kind_version": self.kind_version,
            "heartmind_version": _heartmind_version(),
            "config": self.config,
            "info": asdict(self.info),
        }
        arrays = self.get_arrays()
        bad = [k for k, v in arrays.items() if np.asarray(v).dtype == object]
        if bad:
            raise ModelError(f"{self.kind}: array {bad[0]!r} holds Python objects; store numbers.")
        buffer = io.BytesIO()
        np.savez(buffer, **{k: np.asarray(v) for k, v in arrays.items()})  # type: ignore[arg-type]
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
            zf.writestr("arrays.npz", buffer.getvalue())
        return path

    @classmethod
    def load(cls: type[M], path: str | Path) -> M:
        """Read a model file written by :meth:`save` (checks format, kind and versions)."""
        model = load_model(path)
        if not isinstance(model, cls):
            raise ModelError(
                f"{path} holds a {model.kind!r} model, not a {cls.kind or cls.__name__}."
            )
        return model


def _read(path: Path, arrays: bool) -> tuple[dict[str, Any], dict[str, npt.NDArray[Any]]]:
    """The manifest (checked format version) and, if ``arrays``, the arrays of a file."""
    out: dict[str, npt.NDArray[Any]] = {}
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read("manifest.json"))
            if arrays:
                with np.load(io.BytesIO(zf.read("arrays.npz")), allow_pickle=False) as npz:
                    out = {k: npz[k] for k in npz.files}
    except FileNotFoundError:
        raise ModelError(f"model file {path} does not exist.") from None
    except (zipfile.BadZipFile, KeyError, ValueError, json.JSONDecodeError) as exc:
        raise ModelError(
            f"{path} is not a heartmind model file ({exc}); train one with 'heartmind train'."
        ) from None
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise ModelError(
            f"{path} has model format version {version}; this heartmind reads version "
            f"{FORMAT_VERSION}. Use the heartmind version that wrote it, or retrain."
        )
    return manifest, out


def _info(manifest: dict[str, Any], path: Path) -> ModelInfo:
    raw = dict(manifest.get("info") or {})
    if not raw.get("trained_on") and not raw.get("synthetic"):
        # written before ModelInfo.trained_on existed: the dataset it names, if any
        raw["trained_on"] = str((raw.get("training") or {}).get("dataset") or UNKNOWN)
    try:
        return ModelInfo(**raw)
    except TypeError as exc:
        raise ModelError(f"{path}: the model description is malformed ({exc}).") from None


def read_info(path: str | Path) -> tuple[str, ModelInfo]:
    """The kind and :class:`ModelInfo` of a model file, without loading its weights.

    Cheap (reads the manifest only) and works for kinds whose plugin is not loaded;
    ``heartmind models`` uses it to say what each bundled file was trained on.
    """
    path = Path(path)
    manifest, _ = _read(path, arrays=False)
    return str(manifest.get("kind", "")), _info(manifest, path)


def load_model(path: str | Path) -> Model:
    """Load any model kind from a ``.hmm`` file.

    A kind whose module is not imported yet is looked up in the model registry (the
    ``heartmind_models`` hook of the installed plugins), which imports it. Raises
    :class:`ModelError` naming the problem and what to do.
    """
    path = Path(path)
    manifest, arrays = _read(path, arrays=True)
    kind = str(manifest.get("kind", ""))
    cls = _KINDS.get(kind) or _registered_kind(kind)
    if cls is None:
        raise ModelError(
            f"{path} is a {kind!r} model, which no loaded plugin provides; "
            f"known kinds: {', '.join(sorted(_KINDS)) or 'none'}."
        )
    if manifest.get("kind_version") != cls.kind_version:
        raise ModelError(
            f"{path}: {kind} layout version {manifest.get('kind_version')} does not match this "
            f"heartmind's {cls.kind_version}; retrain with 'heartmind train'."
        )
    model = cls(_info(manifest, path), manifest.get("config", {}))
    model.set_arrays(arrays)
    return model


def _registered_kind(kind: str) -> type[Model] | None:
    """The class of ``kind`` from the plugins' ``ModelSpec`` (imports it), if one offers it."""
    if not kind:
        return None
    from ..plugin_manager import PluginManager

    spec = PluginManager().models().get(kind)
    if spec is None:
        return None
    cls = spec.factory()
    return cls if isinstance(cls, type) and issubclass(cls, Model) else None


def model_kinds() -> dict[str, type[Model]]:
    """Registered model kinds (imported so far)."""
    return dict(_KINDS)


def _heartmind_version() -> str:
    from .. import __version__

    return __version__
