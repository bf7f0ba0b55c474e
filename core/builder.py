"""Building a session: components from specs or objects, options validated once, selectors
parsed and checked against what exists.

:class:`SessionBuilder` is what ``Session.add_sensor``/``add_processor``/``add_consumer``,
``Session.subscribe`` and ``Session(pipeline)`` use. Every check that can name a mistake
does so where it is made, and lists the candidates:

* an option is validated once against the spec's schema (the pipeline's file and table, or
  the component's name, in the message);
* an event topic nobody declares is an error with "did you mean …?"
  (``subscribe("heart-rate")`` → ``heart_rate``);
* a processor input or ``topic@source`` naming no component is an error listing them;
* once the sensors have started (their streams are known), a processor whose inputs match
  no stream is an error listing the streams — or a warning when a live sensor may still
  add streams (LSL inlets resolving by pattern) or another processor may derive them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from .errors import ConfigError, PluginError, SessionError
from .events import event_types
from .graph import Node, is_component
from .pipeline import ComponentConfig, Pipeline
from .plugin_manager import PluginManager
from .selectors import (
    ANY,
    Selector,
    parse_input,
    parse_many,
    parse_stream,
    parse_topic,
)
from .specs import validate_options
from .streams import StreamInfo
from .suggest import did_you_mean

__all__ = ["SessionBuilder", "describe_streams"]

log = logging.getLogger(__name__)

Kind = Literal["sensors", "processors", "consumers"]


def describe_streams(streams: Iterable[tuple[str, StreamInfo]]) -> str:
    """``"sim-ECG (ECG, from participant), …"`` — or ``"none"``."""
    parts = [f"{info.name} ({info.type}, from {owner})" for owner, info in streams]
    return ", ".join(parts) or "none"


class SessionBuilder:
    """The components of one session, built and checked.

    Parameters
    ----------
    plugins
        The plugin manager specs come from; created on first need when ``None``.
    seed
        The session seed, handed to specs with a ``seed`` option the caller did not set.
    """

    def __init__(self, plugins: PluginManager | None, seed: int) -> None:
        self.plugins = plugins
        self.seed = seed
        self.nodes: list[Node] = []

    # ------------------------------------------------------------------ components

    def manager(self) -> PluginManager:
        """The plugin manager (a new one over the installed entry points if none was given)."""
        if self.plugins is None:
            self.plugins = PluginManager()
        return self.plugins

    def _build(
        self, kind: Kind, what: object, name: str | None, options: Mapping[str, Any], where: str
    ) -> tuple[object, str, Any]:
        """The component object, its instance name and its spec (``None`` for objects)."""
        noun = kind[:-1]
        if isinstance(what, str):
            spec = self.manager().get(kind, what)
            opts = validate_options(
                spec.options, options, where or f"{noun} {_name(what, name)!r} options"
            )
            if "seed" in spec.options and "seed" not in options:
                opts["seed"] = self.seed
            obj = spec.factory(**opts)
            if not is_component(obj, kind):
                raise SessionError(
                    f"the factory of {noun} {what!r} (plugin {spec.plugin}) "
                    f"returned {type(obj).__name__}, not a {noun}."
                )
            return obj, _name(what, name), spec
        if not is_component(what, kind):
            raise SessionError(f"{what!r} is not a {noun} object or spec name.")
        if options:
            raise SessionError("options are only for components built from a spec name.")
        return what, _name(what, name), None

    def _add(self, node: Node) -> Node:
        if any(n.name == node.name for n in self.nodes):
            raise ConfigError(f"two components are named {node.name!r}; names must be unique.")
        self.nodes.append(node)
        return node

    def sensor(
        self, what: object, name: str | None, options: Mapping[str, Any], where: str = ""
    ) -> Node:
        """Build and add a sensor."""
        obj, node_name, spec = self._build("sensors", what, name, options, where)
        return self._add(Node("sensors", node_name, obj, spec.name if spec else ""))

    def processor(
        self,
        what: object,
        name: str | None,
        options: Mapping[str, Any],
        *,
        inputs: Iterable[str] | None = None,
        input_types: Iterable[str] | None = None,
        events: Iterable[str] | None = None,
        where: str = "",
    ) -> Node:
        """Build and add a processor; ``events`` given by the caller must be known topics."""
        label = where.removesuffix(" options") or f"processor {_name(what, name)!r}"
        parsed_inputs = None
        if inputs is not None:
            parsed_inputs = parse_many(inputs, parse_input, where=f"{label} inputs")
        parsed_events = None
        if events is not None:
            parsed_events = parse_many(events, parse_topic, where=f"{label} events")
            self.check_topics(parsed_events, f"{label} events")
        obj, node_name, spec = self._build("processors", what, name, options, where)
        types = tuple(input_types) if input_types is not None else (spec.inputs if spec else (ANY,))
        if parsed_events is None:
            parsed_events = parse_many(spec.events if spec else (), parse_topic, where=label)
        node = Node(
            "processors",
            node_name,
            obj,
            spec.name if spec else "",
            input_types=types,
            inputs=parsed_inputs,
            events=parsed_events,
        )
        return self._add(node)

    def consumer(
        self,
        what: object,
        name: str | None,
        options: Mapping[str, Any],
        *,
        topics: Iterable[str] | None = None,
        streams: Iterable[str] | None = None,
        where: str = "",
    ) -> Node:
        """Build and add a consumer: it takes ``topics`` (default every event) and
        ``streams`` (default the spec's ``streams``; a bare name is a stream name)."""
        label = where.removesuffix(" options") or f"consumer {_name(what, name)!r}"
        selectors = parse_many((ANY,) if topics is None else topics, where=f"{label} topics")
        self.check_topics(selectors, f"{label} topics")
        obj, node_name, spec = self._build("consumers", what, name, options, where)
        if streams is None:
            streams = spec.streams if spec is not None else ()
        selectors += parse_many(streams, parse_stream, where=f"{label} streams")
        node = Node("consumers", node_name, obj, spec.name if spec else "")
        node.selectors = tuple(dict.fromkeys(selectors))
        return self._add(node)

    def pipeline(self, pipeline: Pipeline) -> None:
        """Add every component of a pipeline file; errors name the file and the table."""
        for c in pipeline.components:
            try:
                self._from_config(c)
            except PluginError as exc:
                raise PluginError(f"{c.where} spec = {c.spec!r}: {exc}") from exc
        for node in self.nodes:
            self._check_input_names(node, _table_of(pipeline, node))

    def _from_config(self, c: ComponentConfig) -> None:
        where = f"{c.where} options"
        if c.kind == "sensors":
            self.sensor(c.spec, c.name, c.options, where)
        elif c.kind == "processors":
            self.processor(c.spec, c.name, c.options, inputs=c.inputs, events=c.events, where=where)
        else:
            self.consumer(
                c.spec, c.name, c.options, topics=c.topics, streams=c.streams, where=where
            )

    # ------------------------------------------------------------------ topics

    def known_topics(self) -> set[str]:
        """Every event topic registered so far (core, imported plugins, user classes)."""
        return set(event_types())

    def check_topics(self, selectors: Sequence[Selector], where: str) -> None:
        """Raise :class:`ConfigError` for a topic selector naming an unknown topic.

        Topics come from the registered event classes. When one is missing and the session
        has no plugin manager yet, the installed plugins are loaded by a manager used for
        this check only (their event types register on import; the session itself still
        gets its manager only when it needs a spec), so a plugin's topic is never
        reported unknown.
        """
        topics = [s.name for s in selectors if s.kind == "topic" and not s.any_name]
        unknown = [t for t in topics if t not in self.known_topics()]
        if not unknown:
            return
        manager = self.plugins
        if manager is None:
            manager = PluginManager()
            unknown = [t for t in unknown if t not in self.known_topics()]
        if unknown:
            raise ConfigError(self._unknown_topic_message(unknown[0], where, manager))

    def _unknown_topic_message(self, topic: str, where: str, manager: PluginManager) -> str:
        known = sorted(self.known_topics())
        message = f"{where}: no event topic {topic!r}.{did_you_mean(topic, known)}"
        spec = next(iter(manager.find(topic).values()), None)
        outputs = [o for o in getattr(spec, "outputs", ()) if o in known]
        if spec is not None and outputs:
            kind = type(spec).__name__.removesuffix("Spec").lower()
            message += f" ({topic!r} is a {kind}; it publishes {', '.join(outputs)}.)"
        return f"{message} Known topics: {', '.join(known)} (see 'heartmind events')."

    # ------------------------------------------------------------------ wiring

    def check_ready(self, virtual: bool) -> None:
        """Checks before start: sensors exist, none is live on a virtual clock, every
        input and ``topic@source`` names a component."""
        sensors = [n for n in self.nodes if n.kind == "sensors"]
        if not sensors:
            raise SessionError("the session has no sensors; add one with add_sensor().")
        if virtual:
            live = [n.name for n in sensors if getattr(n.obj, "live", True)]
            if live:
                raise SessionError(
                    f"live sensors ({', '.join(live)}) need clock='realtime'; the virtual "
                    "clock runs only simulated and file sources."
                )
        for node in self.nodes:
            self._check_input_names(node, f"processor {node.name!r}")

    def _check_input_names(self, node: Node, label: str) -> None:
        names = sorted(n.name for n in self.nodes)
        wanted = [(s.name, "inputs") for s in node.inputs or () if not s.any_name]
        wanted += [(s.source, "events") for s in node.events if s.source]
        for name, key in wanted:
            if name not in names:
                raise ConfigError(
                    f"{label} {key}: no component named {name!r}; components: "
                    f"{', '.join(names)}.{did_you_mean(name, names)}"
                )

    def check_inputs(
        self, node: Node, matched: Sequence[StreamInfo], streams: Sequence[tuple[str, StreamInfo]]
    ) -> None:
        """After the sensors started: a processor that takes streams but matched none of
        ``streams`` (``(sensor name, info)`` pairs) is an error listing them, or a warning
        where streams may still appear (a live sensor, or another processor's output)."""
        if matched or not node.input_types:
            return
        wanted = ", ".join(node.input_types)
        via = ", ".join(str(s) for s in node.inputs) if node.inputs else "every sensor"
        spec = f" ({node.spec_name})" if node.spec_name else ""
        message = (
            f"processor {node.name!r}{spec} takes {wanted} streams from {via}, but no stream "
            f"matches; the session's streams are: {describe_streams(streams)}."
        )
        later = self._streams_may_come_later(node)
        if later:
            log.warning("%s It may still get streams %s.", message, later)
            return
        hint = did_you_mean(node.input_types[0], {info.type for _, info in streams})
        raise ConfigError(
            f"{message}{hint} Add a sensor of that type, or set the processor's inputs/input_types."
        )

    def _streams_may_come_later(self, node: Node) -> str:
        """Why ``node`` may still get streams after start (``""``: it cannot)."""
        live = [n.name for n in self.nodes if n.kind == "sensors" and getattr(n.obj, "live", True)]
        if live:
            return f"from live sensor {', '.join(live)} once they appear"
        if node.inputs is not None:
            upstream = {s.name for s in node.inputs}
            procs = [
                n.name
                for n in self.nodes
                if n.kind == "processors"
                and n is not node
                and (ANY in upstream or n.name in upstream)
            ]
            if procs:
                return f"derived by processor {', '.join(procs)}"
        return ""

    def check_stream_selectors(
        self, name: str, selectors: Sequence[Selector], streams: Sequence[tuple[str, StreamInfo]]
    ) -> None:
        """Warn when a subscriber's or consumer's stream selectors match no stream known at
        start and no processor could derive one (the session still runs)."""
        wanted = [s for s in selectors if s.kind == "stream"]
        if not wanted or any(s.matches_stream(info) for s in wanted for _, info in streams):
            return
        if any(n.kind == "processors" and self._may_emit_streams(n) for n in self.nodes):
            return
        names = [info.name for _, info in streams]
        hint = did_you_mean(wanted[0].name, names) if not wanted[0].type else ""
        log.warning(
            "subscriber %s selects %s, but no stream of the session matches; streams: %s.%s",
            name,
            ", ".join(str(s) for s in wanted),
            describe_streams(streams),
            hint,
        )

    def _may_emit_streams(self, node: Node) -> bool:
        """False only for a processor whose spec declares event outputs only."""
        if not node.spec_name or self.plugins is None:
            return True  # a processor object: what it emits is not declared
        spec = self.plugins.processors().get(node.spec_name)
        return spec is None or bool(spec.output_streams)


def _name(what: object, name: str | None) -> str:
    """The instance name a component will get: ``name``, else its spec or class name."""
    return name or (what if isinstance(what, str) else type(what).__name__)


def _table_of(pipeline: Pipeline, node: Node) -> str:
    for c in pipeline.components:
        if c.name == node.name:
            return f"{pipeline.source} [{c.kind}.{c.name}]"
    return f"{node.kind[:-1]} {node.name!r}"
