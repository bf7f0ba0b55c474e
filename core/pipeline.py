"""Pipelines as TOML files: sensors → processors → consumers.

Example (``examples/pipelines/ecg_heart_rate.toml``)::

    [session]
    clock = "virtual"             # "virtual" (as fast as the CPU allows) or "realtime"
    start = "2026-11-24T09:00:00Z"  # UTC of virtual time 0 s
    duration = 600                # s; omit to run until stopped or sources end
    seed = 7

    [sensors.participant]
    spec = "simulator"
    options = { modalities = ["ECG"], state = "rest-stress-recovery" }

    [processors.hr]
    spec = "heart-rate"
    inputs = ["participant"]      # upstream instances, optionally "name:TYPE"
    # events = ["stress@fusion"]  # event topics taken (default: the spec's); "topic@source"
    #                             # takes that topic from one component only

    [consumers.console]
    spec = "console"
    topics = ["heart_rate"]       # event topics ("*" = all; the default), "topic@source"
    streams = []                  # "stream:<name>" (or a bare name), "type:ECG", "stream:*"

The selectors are those of :mod:`heartmind.selectors`, checked for their form when the file
is read. Errors name the file, the table and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError
from .selectors import parse_input, parse_selector, parse_stream, parse_topic

__all__ = ["ComponentConfig", "Pipeline", "SessionConfig"]

Kind = Literal["sensors", "processors", "consumers"]
_KINDS: tuple[Kind, ...] = ("sensors", "processors", "consumers")
_COMPONENT_KEYS: dict[str, set[str]] = {
    "sensors": {"spec", "options"},
    "processors": {"spec", "options", "inputs", "events"},
    "consumers": {"spec", "options", "topics", "streams"},
}
_SESSION_KEYS = {"clock", "start", "duration", "seed"}
#: The selector grammar of each list key (heartmind.selectors).
_SELECTOR_PARSERS = {
    "inputs": parse_input,
    "events": parse_topic,
    "topics": parse_selector,
    "streams": parse_stream,
}


@dataclass
class ComponentConfig:
    """One ``[sensors.NAME]``, ``[processors.NAME]`` or ``[consumers.NAME]`` table."""

    kind: Kind
    name: str
    spec: str
    options: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[str, ...] | None = None
    events: tuple[str, ...] | None = None
    topics: tuple[str, ...] | None = None
    streams: tuple[str, ...] | None = None
    where: str = ""

    @property
    def table(self) -> str:
        """The TOML table name, e.g. ``sensors.participant``."""
        return f"{self.kind}.{self.name}"


@dataclass
class SessionConfig:
    """The ``[session]`` table."""

    clock: Literal["virtual", "realtime"] = "virtual"
    start: str | None = None
    duration: float | None = None
    seed: int = 0


@dataclass
class Pipeline:
    """A parsed pipeline; checked against plugin specs when a session is built."""

    session: SessionConfig = field(default_factory=SessionConfig)
    components: list[ComponentConfig] = field(default_factory=list)
    source: str = "<pipeline>"

    @classmethod
    def load(cls, path: str | Path) -> Pipeline:
        """Read a pipeline TOML file."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read pipeline file {path}: {exc.strerror}.") from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}.") from None
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<pipeline>") -> Pipeline:
        """Build from the dict a TOML file parses to."""
        unknown = sorted(set(data) - {"session", *_KINDS})
        if unknown:
            raise ConfigError(
                f"{source}: unknown table [{unknown[0]}]; a pipeline has [session], "
                "[sensors.NAME], [processors.NAME] and [consumers.NAME] tables."
            )
        pipeline = cls(session=_session(data.get("session", {}), source), source=source)
        for kind in _KINDS:
            tables = data.get(kind, {})
            if not isinstance(tables, Mapping):
                raise ConfigError(f"{source}: [{kind}] must contain tables like [{kind}.NAME].")
            for name, table in tables.items():
                pipeline.components.append(_component(kind, name, table, source))
        if not any(c.kind == "sensors" for c in pipeline.components):
            raise ConfigError(f"{source}: the pipeline has no sensors; add a [sensors.NAME] table.")
        return pipeline


def _session(table: Any, source: str) -> SessionConfig:
    where = f"{source} [session]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table.")
    unknown = sorted(set(table) - _SESSION_KEYS)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}; valid keys: {', '.join(sorted(_SESSION_KEYS))}."
        )
    cfg = SessionConfig()
    clock = table.get("clock", "virtual")
    if clock not in ("virtual", "realtime"):
        raise ConfigError(f"{where} clock = {clock!r}: use 'virtual' or 'realtime'.")
    cfg.clock = clock
    if "start" in table:
        start = table["start"]
        cfg.start = start.isoformat() if hasattr(start, "isoformat") else str(start)
    if "duration" in table:
        duration = table["duration"]
        if isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0:
            raise ConfigError(f"{where} duration = {duration!r}: give a positive number of s.")
        cfg.duration = float(duration)
    if "seed" in table:
        seed = table["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ConfigError(f"{where} seed = {seed!r}: give a non-negative integer.")
        cfg.seed = seed
    return cfg


def _component(kind: Kind, name: str, table: Any, source: str) -> ComponentConfig:
    where = f"{source} [{kind}.{name}]"
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table with at least a 'spec' key.")
    unknown = sorted(set(table) - _COMPONENT_KEYS[kind])
    if unknown:
        raise ConfigError(
            f"{where}: unknown key {unknown[0]!r}; valid keys: "
            f"{', '.join(sorted(_COMPONENT_KEYS[kind]))}."
        )
    spec = table.get("spec")
    if not isinstance(spec, str) or not spec:
        raise ConfigError(
            f"{where}: key 'spec' is required: the name of a {kind[:-1]} (see 'heartmind plugins')."
        )
    options = table.get("options", {})
    if not isinstance(options, Mapping):
        raise ConfigError(f"{where} options must be a table.")
    cfg = ComponentConfig(kind=kind, name=name, spec=spec, options=dict(options), where=where)
    for key in ("inputs", "events", "topics", "streams"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{where} {key} must be a list of strings.")
            for text in value:
                _SELECTOR_PARSERS[key](text, where=f"{where} {key}")
            setattr(cfg, key, tuple(value))
    return cfg
