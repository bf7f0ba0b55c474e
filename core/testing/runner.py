"""Run a pipeline on the virtual clock and get what it published, in one call.

    from heartmind.testing import run_pipeline, simulated_ecg

    ecg = simulated_ecg(duration=60.0)
    events = run_pipeline(sensors=[ecg], processors=["heart-rate"], topics=["heart_rate"])
    events.stats["dropped"]        # Session.stats() of the run
    events.of("heart_rate")        # only some topics

The run is deterministic (virtual clock, fixed seed) and as fast as the CPU allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..components import Consumer, Processor, Sensor
from ..events import Event
from ..pipeline import Pipeline
from ..plugin_manager import PluginManager
from ..session import Session
from ..streams import Chunk

__all__ = ["Component", "Recorded", "run_pipeline", "run_session"]

#: A component for :func:`run_pipeline`: an object, a spec name, or ``(spec name, options)``
#: where the options may include ``name`` (and ``inputs``/``events`` for processors).
Component = Sensor | Processor | Consumer | str | tuple[str, Mapping[str, Any]]


class Recorded(list[Any]):
    """The items a run published, in publication order (a list), plus its counters.

    Attributes
    ----------
    stats
        ``Session.stats()`` after the run.
    """

    stats: dict[str, Any]

    def of(self, *topics: str) -> list[Event]:
        """The events of these topics only."""
        return [x for x in self if isinstance(x, Event) and x.topic in topics]

    @property
    def events(self) -> list[Event]:
        """Every event (no chunks)."""
        return [x for x in self if isinstance(x, Event)]

    @property
    def chunks(self) -> list[Chunk]:
        """Every chunk (when stream selectors were asked for)."""
        return [x for x in self if isinstance(x, Chunk)]


def run_session(session: Session, topics: Iterable[str] = ("*",)) -> Recorded:
    """Subscribe to ``topics`` (selectors: ``"heart_rate"``, ``"*"``, ``"stream:*"``, …),
    run ``session`` to its end and return what was published."""
    recorded = Recorded()
    session.subscribe(list(topics), recorded.append, name="heartmind.testing")
    recorded.stats = session.run()
    return recorded


def _add(session: Session, kind: str, component: Component, taken: set[str]) -> None:
    options: dict[str, Any] = {}
    what: Any = component
    if isinstance(component, tuple):
        what, given = component
        options = dict(given)
    if "name" not in options:
        base = what if isinstance(what, str) else type(what).__name__
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        options["name"] = name
    taken.add(options["name"])
    getattr(session, f"add_{kind}")(what, **options)


def run_pipeline(
    pipeline: Pipeline | Mapping[str, Any] | str | Path | None = None,
    *,
    sensors: Iterable[Component] = (),
    processors: Iterable[Component] = (),
    consumers: Iterable[Component] = (),
    topics: Iterable[str] = ("*",),
    duration: float | None = None,
    seed: int | None = None,
    start: str | None = None,
    plugins: PluginManager | None = None,
) -> Recorded:
    """Build a session on the virtual clock, run it to the end, return what it published.

    Parameters
    ----------
    pipeline
        A :class:`~heartmind.Pipeline`, a path to a pipeline TOML file, or the dict such a
        file parses to; its clock is forced to ``"virtual"``.
    sensors, processors, consumers
        Components added after the pipeline's: objects, spec names, or ``(spec name,
        options)`` pairs (the options may include ``name``, ``inputs``, ``events``, …).
        Names default to the spec or class name (``-2``, ``-3`` … for repeats).
    topics
        Selectors of what to return (default every event; add ``"stream:*"`` for chunks).
    duration
        Seconds of sample time (default: the pipeline's, else until the sources end).
    seed
        Session seed (default: the pipeline's, else 0).
    start
        UTC of virtual time 0 s (ISO 8601).
    plugins
        The plugin manager (default: the installed plugins).

    Returns
    -------
    Recorded
        The items in publication order, with ``stats``.
    """
    if isinstance(pipeline, str | Path):
        pipeline = Pipeline.load(pipeline)
    elif isinstance(pipeline, Mapping):
        pipeline = Pipeline.from_dict(pipeline, source="run_pipeline")
    if pipeline is not None:
        pipeline.session.clock = "virtual"
    session = Session(
        pipeline, clock="virtual", start=start, seed=seed, duration=duration, plugins=plugins
    )
    taken = {c.name for c in pipeline.components} if pipeline is not None else set()
    for kind, components in (
        ("sensor", sensors),
        ("processor", processors),
        ("consumer", consumers),
    ):
        for component in components:
            _add(session, kind, component, taken)
    return run_session(session, topics)
