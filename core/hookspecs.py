"""The hook specifications of heartmind (pluggy project name ``"heartmind"``).

Hooks run at **build time** and for **low-rate events** only; no hook is ever called per
sample. Samples flow through the objects that specs build (see ``heartmind.components``).

A plugin is a module (or package) with functions decorated by ``heartmind.hookimpl`` and
registered under the ``heartmind`` entry-point group::

    [project.entry-points.heartmind]
    polar = "heartmind_polar"
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from .events import Event
from .specs import CommandSpec, ConsumerSpec, ModelSpec, ProcessorSpec, SensorSpec

__all__ = ["PROJECT", "hookimpl", "hookspec"]

#: The pluggy project name, and the entry-point group plugins register under.
PROJECT = "heartmind"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def heartmind_sensors() -> Iterable[SensorSpec]:  # type: ignore[empty-body]
    """Declare the sensors this plugin can build.

    When: once per plugin, when the plugin manager first collects specs (building a
    session, ``heartmind plugins``). Thread: the caller's (normally the main thread).

    Returns
    -------
    Iterable[SensorSpec]
        Zero or more specs (a generator is fine). Names must be unique across all plugins;
        a duplicate is reported as an error naming both plugins. Do not open devices here:
        open them in the spec's ``factory`` or in ``Sensor.start``.
    """


@hookspec
def heartmind_processors() -> Iterable[ProcessorSpec]:  # type: ignore[empty-body]
    """Declare the processors this plugin can build.

    When: once per plugin, at spec collection, on the caller's thread.

    Returns
    -------
    Iterable[ProcessorSpec]
        Zero or more specs with unique names. Heavy imports (torch, mne) belong in the
        factory, so that listing plugins stays fast.
    """


@hookspec
def heartmind_consumers() -> Iterable[ConsumerSpec]:  # type: ignore[empty-body]
    """Declare the consumers (sinks) this plugin can build.

    When: once per plugin, at spec collection, on the caller's thread.

    Returns
    -------
    Iterable[ConsumerSpec]
        Zero or more specs with unique names.
    """


@hookspec
def heartmind_commands() -> Iterable[CommandSpec]:  # type: ignore[empty-body]
    """Declare sub-commands of the ``heartmind`` command line (``record``, ``replay``, …).

    When: once per plugin, when the CLI starts, on the main thread.

    Returns
    -------
    Iterable[CommandSpec]
        Zero or more specs with unique names that do not shadow a built-in command
        (``run``, ``plugins``, ``events``). ``configure`` adds arguments; ``factory`` runs.
    """


@hookspec
def heartmind_models() -> Iterable[ModelSpec]:  # type: ignore[empty-body]
    """Declare the model kinds this plugin offers (trainable, with or without bundled files).

    When: once per plugin, when the plugin manager first collects specs (``heartmind
    models``, ``heartmind train``/``evaluate``, ``heartmind plugins``, or loading a model
    file whose kind is not imported yet). Thread: the caller's (normally the main thread).

    Returns
    -------
    Iterable[ModelSpec]
        Zero or more specs; ``name`` is the model kind (``Model.kind``) and must be unique
        across all plugins — a duplicate is reported as an error naming both plugins.
        Building a spec must stay cheap: torch, scikit-learn and the model module load in
        ``factory``, ``train`` and ``evaluate``.
    """


@hookspec
def heartmind_event(event: Event) -> None:
    """React to an event without writing a consumer class.

    When: for every event a running session publishes (low rate: beats, rates, emotion,
    stress — never samples). Thread: the session's hook-delivery thread in real time
    (events may be dropped and counted if an implementation is slow), the scheduler
    thread on a virtual clock. Order: the session's event order.

    Parameters
    ----------
    event
        The event, with ``time`` filled in. It is immutable; do not block for long.

    Returns
    -------
    None
        Return values are ignored. An exception is logged and counted against the plugin;
        it never stops the session.
    """
