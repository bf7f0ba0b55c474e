"""Scripted affective state: phases of stress, valence, arousal and dominance over time.

A state script is a TOML file with one ``[[phase]]`` table per phase::

    name = "rest-stress-recovery"          # optional; defaults to the file name
    description = "free text"              # optional

    [[phase]]
    name = "rest"          # required, used in "phase:<name>" markers
    duration = 180.0       # s, > 0
    stress = 0.1           # [0, 1]
    valence = 0.3          # [-1, 1]
    arousal = -0.4         # [-1, 1]
    dominance = 0.3        # [-1, 1]
    ramp = 0.0             # s, optional: smooth transition from the previous phase

Each value is held for the phase's ``duration``. With ``ramp > 0`` the values move from
those of the previous phase to the phase's own values along a cosine ramp during the first
``ramp`` s of the phase. After the last phase the state holds its final values forever.

Bundled scripts live in ``heartmind/data/states`` (see :func:`bundled_states`).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import ConfigError

__all__ = ["DIMENSIONS", "Phase", "StateScript", "StateValues", "bundled_states"]

#: The state dimensions, in the order of the STATE stream's channels.
DIMENSIONS: tuple[str, ...] = ("stress", "valence", "arousal", "dominance")
_RANGES: dict[str, tuple[float, float]] = {
    "stress": (0.0, 1.0),
    "valence": (-1.0, 1.0),
    "arousal": (-1.0, 1.0),
    "dominance": (-1.0, 1.0),
}
_PHASE_KEYS = frozenset({"name", "duration", "ramp", *DIMENSIONS})
_TOP_KEYS = frozenset({"name", "description", "phase"})


@dataclass(frozen=True)
class Phase:
    """One phase of a state script.

    Attributes
    ----------
    name
        Phase label (``"rest"``, ``"stress"``, …).
    duration
        Length of the phase in s.
    stress
        Stress level in [0, 1].
    valence, arousal, dominance
        Affective dimensions in [-1, 1].
    ramp
        Duration in s of the cosine transition from the previous phase's values.
    """

    name: str
    duration: float
    stress: float = 0.0
    valence: float = 0.0
    arousal: float = 0.0
    dominance: float = 0.0
    ramp: float = 0.0

    def values(self) -> tuple[float, float, float, float]:
        """``(stress, valence, arousal, dominance)``."""
        return (self.stress, self.valence, self.arousal, self.dominance)


@dataclass(frozen=True)
class StateValues:
    """The state evaluated at an array of times (all arrays have the times' shape).

    Attributes
    ----------
    stress
        In [0, 1].
    valence, arousal, dominance
        In [-1, 1].
    phase
        Index of the phase each time falls in (``int64``).
    """

    stress: npt.NDArray[np.float64]
    valence: npt.NDArray[np.float64]
    arousal: npt.NDArray[np.float64]
    dominance: npt.NDArray[np.float64]
    phase: npt.NDArray[np.int64]

    @property
    def activation(self) -> npt.NDArray[np.float64]:
        """Sympathetic activation in [0, 1]: mostly stress, plus positive arousal."""
        return np.clip(0.75 * self.stress + 0.25 * np.clip(self.arousal, 0.0, 1.0), 0.0, 1.0)


class StateScript:
    """A sequence of :class:`Phase` objects that defines the affective state over time.

    Parameters
    ----------
    phases
        At least one phase.
    name
        Script name.
    description
        Free text.
    source
        Where the script came from (file path or ``"<bundled: name>"``), for messages.
    """

    def __init__(
        self,
        phases: list[Phase] | tuple[Phase, ...],
        name: str = "custom",
        description: str = "",
        source: str = "<memory>",
    ) -> None:
        if not phases:
            raise ConfigError(f"{source}: a state script needs at least one [[phase]] table.")
        self.phases: tuple[Phase, ...] = tuple(phases)
        self.name = name
        self.description = description
        self.source = source
        durations = np.array([p.duration for p in self.phases], dtype=np.float64)
        self._starts = np.concatenate(([0.0], np.cumsum(durations)[:-1]))
        self._values = np.array([p.values() for p in self.phases], dtype=np.float64)
        self._prev = np.vstack((self._values[:1], self._values[:-1]))
        self._ramps = np.array([p.ramp for p in self.phases], dtype=np.float64)

    def __repr__(self) -> str:
        return f"StateScript({self.name!r}, {len(self.phases)} phases, {self.duration:g} s)"

    @property
    def duration(self) -> float:
        """Total duration of all phases in s."""
        return float(sum(p.duration for p in self.phases))

    @property
    def starts(self) -> tuple[float, ...]:
        """Start time of each phase in s, relative to the start of the script."""
        return tuple(float(s) for s in self._starts)

    @classmethod
    def constant(
        cls,
        stress: float = 0.1,
        valence: float = 0.3,
        arousal: float = -0.4,
        dominance: float = 0.3,
        name: str = "constant",
    ) -> StateScript:
        """A one-phase script holding fixed values forever."""
        values = {"stress": stress, "valence": valence, "arousal": arousal, "dominance": dominance}
        for key, value in values.items():
            _check_range(key, value, f"StateScript.constant({key}=...)")
        return cls([Phase(name=name, duration=1.0, **values)], name=name)

    @classmethod
    def load(cls, name_or_path: str | Path) -> StateScript:
        """Load a bundled script by name (``"rest-stress-recovery"``) or a TOML file by path.

        Raises
        ------
        ConfigError
            If the name is unknown, the file cannot be read, or a key is missing or invalid;
            the message names the file, the phase and the key.
        """
        text = str(name_or_path)
        path = Path(text)
        if isinstance(name_or_path, Path) or text.endswith(".toml") or path.exists():
            if not path.is_file():
                raise ConfigError(f"state script {text!r} does not exist; give a TOML file path.")
            return cls.from_toml(path.read_text(encoding="utf-8"), source=str(path))
        names = bundled_states()
        if text not in names:
            raise ConfigError(
                f"unknown state script {text!r}: give a path to a .toml file or one of the "
                f"bundled scripts: {', '.join(names)}."
            )
        data = _states_dir().joinpath(f"{text}.toml").read_text(encoding="utf-8")
        return cls.from_toml(data, source=f"<bundled: {text}>")

    @classmethod
    def from_toml(cls, text: str, source: str = "<string>") -> StateScript:
        """Parse a script from TOML text; ``source`` names it in error messages."""
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{source}: not valid TOML ({exc}).") from None
        unknown = sorted(set(doc) - _TOP_KEYS)
        if unknown:
            raise ConfigError(
                f"{source}: unknown top-level key {unknown[0]!r}; valid keys: "
                f"{', '.join(sorted(_TOP_KEYS))}."
            )
        tables = doc.get("phase")
        if not isinstance(tables, list) or not tables:
            raise ConfigError(f"{source}: no [[phase]] tables; add at least one phase.")
        phases = [_parse_phase(t, i, source) for i, t in enumerate(tables)]
        name = doc.get("name", Path(source.strip("<>")).stem)
        description = doc.get("description", "")
        if not isinstance(name, str) or not isinstance(description, str):
            raise ConfigError(f"{source}: 'name' and 'description' must be strings.")
        return cls(phases, name=name, description=description, source=source)

    def evaluate(self, t: npt.ArrayLike) -> StateValues:
        """The state at times ``t`` (s from the start of the script), vectorised.

        Times before 0 take the first phase's values, times after the end the last ones.
        """
        tt = np.asarray(t, dtype=np.float64)
        idx = np.clip(np.searchsorted(self._starts, tt, side="right") - 1, 0, len(self.phases) - 1)
        ramp = self._ramps[idx]
        since = tt - self._starts[idx]
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(ramp > 0, np.clip(since / np.where(ramp > 0, ramp, 1.0), 0, 1), 1.0)
        frac = 0.5 - 0.5 * np.cos(np.pi * frac)
        vals = self._prev[idx] + (self._values[idx] - self._prev[idx]) * frac[..., None]
        return StateValues(
            stress=vals[..., 0],
            valence=vals[..., 1],
            arousal=vals[..., 2],
            dominance=vals[..., 3],
            phase=idx.astype(np.int64),
        )


def _parse_phase(table: Any, index: int, source: str) -> Phase:
    where = f"{source} [[phase]] #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: must be a table.")
    unknown = sorted(set(table) - _PHASE_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(sorted(_PHASE_KEYS))}."
        )
    name = table.get("name")
    if not isinstance(name, str) or not name:
        raise ConfigError(f"{where}: key 'name' is missing or not a non-empty string.")
    where = f"{where} ({name!r})"
    values: dict[str, float] = {}
    for key in ("duration", "ramp", *DIMENSIONS):
        if key not in table:
            if key in ("duration", "stress"):
                raise ConfigError(f"{where}: key {key!r} is missing.")
            values[key] = 0.0
            continue
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: key {key!r} must be a number, got {value!r}.")
        values[key] = float(value)
        _check_range(key, values[key], where)
    if values["ramp"] > values["duration"]:
        raise ConfigError(
            f"{where}: key 'ramp' = {values['ramp']} s is longer than the phase's duration "
            f"{values['duration']} s; shorten the ramp."
        )
    return Phase(name=name, **values)


def _check_range(key: str, value: float, where: str) -> None:
    if not math.isfinite(value):
        raise ConfigError(f"{where}: key {key!r} must be finite, got {value}.")
    if key == "duration" and value <= 0:
        raise ConfigError(f"{where}: key 'duration' must be > 0 s, got {value}.")
    if key == "ramp" and value < 0:
        raise ConfigError(f"{where}: key 'ramp' must be >= 0 s, got {value}.")
    lo_hi = _RANGES.get(key)
    if lo_hi is not None and not lo_hi[0] <= value <= lo_hi[1]:
        raise ConfigError(f"{where}: key {key!r} = {value} is outside [{lo_hi[0]}, {lo_hi[1]}].")


def _states_dir() -> Any:
    return resources.files("heartmind").joinpath("data", "states")


def bundled_states() -> tuple[str, ...]:
    """Names of the state scripts shipped with heartmind."""
    names = [
        entry.name[: -len(".toml")]
        for entry in _states_dir().iterdir()
        if entry.name.endswith(".toml")
    ]
    return tuple(sorted(names))
