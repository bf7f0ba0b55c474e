"""Discovering plugins, isolating their failures and collecting their specs.

Plugins are found through the ``heartmind`` entry-point group — the built-in ones too,
through heartmind's own ``pyproject.toml``. A plugin that fails to import, or whose hook
raises, is recorded with its reason (``heartmind plugins`` shows it) and the others keep
working. ``HEARTMIND_STRICT_PLUGINS=1`` re-raises instead, for plugin authors and tests.

Selection: ``HEARTMIND_PLUGINS=a,b`` loads only those plugins (naming one that is not
installed is an error); ``HEARTMIND_DISABLE_PLUGINS=c`` skips some. The CLI options
``--plugins`` and ``--disable-plugin`` do the same.

Hooks are called through pluggy (``pm.hook``), one plugin at a time (a subset hook caller
per plugin), so one plugin's failing hook never hides the others' specs, and pluggy's call
monitoring sees every call: ``HEARTMIND_TRACE_PLUGINS=1`` logs each hook call, its plugin and
a summary of its result on the ``heartmind.plugin_manager.trace`` logger (event contents are
never logged, only topics). After each registration ``check_pending()`` runs: a plugin that
implements a hook heartmind does not define (a misspelled ``heartmind_sensor``) is a failed
plugin, with the reason and the closest hook name.
"""

from __future__ import annotations

import logging
import os
import traceback
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from types import ModuleType
from typing import Any, Literal, TypeVar

import pluggy

from . import hookspecs
from .errors import PluginError
from .events import Event
from .specs import CommandSpec, ConsumerSpec, ModelSpec, ProcessorSpec, SensorSpec
from .suggest import closest, did_you_mean

__all__ = ["PluginManager", "PluginRecord", "strict_mode", "trace_mode"]

log = logging.getLogger(__name__)
trace_log = log.getChild("trace")

Kind = Literal["sensors", "processors", "consumers", "commands", "models"]
#: One entry per kind of spec: kind -> spec type; its hook is ``heartmind_<kind>``.
_SPEC_TYPES: dict[str, type] = {
    "sensors": SensorSpec,
    "processors": ProcessorSpec,
    "consumers": ConsumerSpec,
    "commands": CommandSpec,
    "models": ModelSpec,
}
S = TypeVar("S", SensorSpec, ProcessorSpec, ConsumerSpec)


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")


def strict_mode() -> bool:
    """True if ``HEARTMIND_STRICT_PLUGINS`` is set to 1/true/yes."""
    return _env_flag("HEARTMIND_STRICT_PLUGINS")


def trace_mode() -> bool:
    """True if ``HEARTMIND_TRACE_PLUGINS`` is set to 1/true/yes."""
    return _env_flag("HEARTMIND_TRACE_PLUGINS")


def _env_list(name: str) -> set[str]:
    return {p.strip() for p in os.environ.get(name, "").split(",") if p.strip()}


@dataclass
class PluginRecord:
    """What is known about one plugin: where it came from and how loading went."""

    name: str
    module: str = ""
    distribution: str = ""
    version: str = ""
    status: Literal["loaded", "failed", "disabled"] = "loaded"
    errors: list[str] = field(default_factory=list)
    provides: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in _SPEC_TYPES})
    event_hook: bool = False

    def to_dict(self) -> dict[str, Any]:
        """JSON-compatible summary (``heartmind plugins --json``)."""
        return {
            "name": self.name,
            "module": self.module,
            "distribution": self.distribution,
            "version": self.version,
            "status": self.status,
            "errors": list(self.errors),
            "provides": {k: list(v) for k, v in self.provides.items()},
            "event_hook": self.event_hook,
        }


class PluginManager:
    """Loads plugins and hands out their specs.

    Parameters
    ----------
    load_entry_points
        Discover plugins in the ``heartmind`` entry-point group (default True).
    only
        If given, load only plugins with these names (default: ``HEARTMIND_PLUGINS``).
    disable
        Plugin names to skip (added to ``HEARTMIND_DISABLE_PLUGINS``).
    strict
        Re-raise plugin failures (default: ``HEARTMIND_STRICT_PLUGINS``).
    trace
        Log every hook call (default: ``HEARTMIND_TRACE_PLUGINS``).

    Raises
    ------
    PluginError
        ``only`` names a plugin that is not installed (the message lists the installed
        ones); in strict mode, any plugin failure.
    """

    def __init__(
        self,
        *,
        load_entry_points: bool = True,
        only: Iterable[str] | None = None,
        disable: Iterable[str] = (),
        strict: bool | None = None,
        trace: bool | None = None,
    ) -> None:
        self.strict = strict_mode() if strict is None else strict
        self._only = set(only) if only is not None else (_env_list("HEARTMIND_PLUGINS") or None)
        self._disable = set(disable) | _env_list("HEARTMIND_DISABLE_PLUGINS")
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self.records: dict[str, PluginRecord] = {}
        self._specs: dict[str, dict[str, Any]] | None = None
        self._duplicates: dict[str, dict[str, list[str]]] = {k: {} for k in _SPEC_TYPES}
        self._callers: dict[str, list[tuple[str, pluggy.HookCaller]]] = {}
        self.event_hook_errors: dict[str, int] = {}
        if trace_mode() if trace is None else trace:
            self._trace_hook_calls()
        if load_entry_points:
            self._load_entry_points()

    # ------------------------------------------------------------------ loading

    def _selected(self, name: str) -> bool:
        if name in self._disable:
            return False
        return self._only is None or name in self._only

    def _load_entry_points(self) -> None:
        for ep in sorted(metadata.entry_points(group=hookspecs.PROJECT), key=lambda e: e.name):
            dist = getattr(ep, "dist", None)
            record = PluginRecord(
                name=ep.name,
                module=ep.value,
                distribution=dist.name if dist is not None else "",
                version=dist.version if dist is not None else "",
            )
            if ep.name in self.records:
                self._fail(
                    record,
                    f"another plugin is already registered as {ep.name!r} "
                    f"(from {self.records[ep.name].distribution or 'code'})",
                )
                continue
            self.records[ep.name] = record
            if not self._selected(ep.name):
                record.status = "disabled"
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                self._fail(record, f"import failed: {_describe(exc)}", exc)
                continue
            self._register(plugin, record)
        self._check_selection()

    def _check_selection(self) -> None:
        """``only`` must name installed plugins; an unknown ``disable`` name is a warning."""
        installed = sorted(self.records)
        unknown = sorted((self._only or set()) - set(installed))
        if unknown:
            raise PluginError(
                f"no installed plugin is named {unknown[0]!r} (HEARTMIND_PLUGINS or --plugins); "
                f"installed plugins: {', '.join(installed) or 'none'}."
                f"{did_you_mean(unknown[0], installed)}"
            )
        for name in sorted(self._disable - set(installed)):
            log.warning(
                "no installed plugin is named %r, so it cannot be disabled.%s",
                name,
                did_you_mean(name, installed),
            )

    def register(self, plugin: ModuleType | object, name: str | None = None) -> PluginRecord:
        """Register a plugin object or module directly (applications, tests).

        Registering in code is an explicit choice, so the ``only`` selection does not apply;
        a plugin named in the disable list is recorded as disabled.
        """
        name = name or str(getattr(plugin, "__name__", type(plugin).__name__))
        if name in self.records:
            raise PluginError(f"a plugin named {name!r} is already registered; pick another name.")
        record = PluginRecord(name=name, module=getattr(plugin, "__name__", repr(plugin)))
        self.records[name] = record
        if name in self._disable:
            record.status = "disabled"
            return record
        self._register(plugin, record)
        return record

    def _register(self, plugin: object, record: PluginRecord) -> None:
        try:
            self._pm.register(plugin, name=record.name)
        except Exception as exc:  # pluggy validation errors (bad hook signature, …)
            self._fail(record, f"registration failed: {_describe(exc)}", exc)
            return
        self._specs = None
        self._callers = {}
        try:
            self._pm.check_pending()
        except pluggy.PluginValidationError as exc:
            message = self._unknown_hook_message(plugin)
            self._pm.unregister(name=record.name)  # the others' hooks must stay valid
            self._fail(record, message, exc)
            return
        record.event_hook = any(
            impl.plugin_name == record.name
            for impl in self._pm.hook.heartmind_event.get_hookimpls()
        )

    def _unknown_hook_message(self, plugin: object) -> str:
        """Why ``check_pending`` failed for ``plugin``: the hooks it implements that
        heartmind does not define, each with the closest defined hook."""
        callers = vars(self._pm.hook)
        specs = sorted(name for name, caller in callers.items() if caller.has_spec())
        parts = []
        for name, caller in sorted(callers.items()):
            if caller.has_spec() or not any(i.plugin is plugin for i in caller.get_hookimpls()):
                continue
            near = closest(name, specs, n=1)
            parts.append(f"{name!r} (did you mean {near[0]!r}?)" if near else repr(name))
        return (
            f"implements unknown hook {', '.join(parts)}; heartmind's hooks are "
            f"{', '.join(specs)}. The plugin is not loaded."
        )

    def _fail(self, record: PluginRecord, message: str, exc: BaseException | None = None) -> None:
        record.status = "failed"
        if message not in record.errors:
            record.errors.append(message)
        log.warning("plugin %s: %s", record.name, message)
        if self.strict:
            raise PluginError(f"plugin {record.name!r}: {message}") from exc

    # ------------------------------------------------------------------ specs

    def _per_plugin(self, hook: str) -> list[tuple[str, pluggy.HookCaller]]:
        """``(plugin name, caller)`` for every implementation of ``hook``, in registration
        order; each caller is pluggy's subset hook caller of that one plugin, so calls go
        through ``pm.hook`` (monitoring and tracing included) and fail one at a time."""
        callers = self._callers.get(hook)
        if callers is None:
            impls = getattr(self._pm.hook, hook).get_hookimpls()
            callers = [
                (
                    impl.plugin_name,
                    self._pm.subset_hook_caller(
                        hook, [other.plugin for other in impls if other is not impl]
                    ),
                )
                for impl in impls
            ]
            self._callers[hook] = callers
        return callers

    def _declared(self, kind: str, caller: pluggy.HookCaller) -> list[Any]:
        """The specs one plugin's ``heartmind_<kind>`` returns (checked for their type)."""
        spec_type = _SPEC_TYPES[kind]
        declared = [spec for result in caller() for spec in (result or ())]
        for spec in declared:
            if not isinstance(spec, spec_type):
                raise PluginError(
                    f"heartmind_{kind} returned {type(spec).__name__}, "
                    f"expected {spec_type.__name__}"
                )
        return declared

    def _collect(self) -> dict[str, dict[str, Any]]:
        if self._specs is not None:
            return self._specs
        specs: dict[str, dict[str, Any]] = {k: {} for k in _SPEC_TYPES}
        self._duplicates = {k: {} for k in _SPEC_TYPES}
        for record in self.records.values():
            record.provides = {k: [] for k in _SPEC_TYPES}
        for kind in _SPEC_TYPES:
            for plugin_name, caller in self._per_plugin(f"heartmind_{kind}"):
                record = self.records[plugin_name]
                try:
                    declared = self._declared(kind, caller)
                except Exception as exc:
                    self._fail(record, f"heartmind_{kind} raised: {_describe(exc)}", exc)
                    continue
                trace_log.debug(
                    "plugin %s declares %s: %s",
                    plugin_name,
                    kind,
                    ", ".join(getattr(s, "name", "?") for s in declared) or "none",
                )
                for spec in declared:
                    self._add_spec(kind, specs[kind], replace(spec, plugin=record.name), record)
        self._specs = specs
        return specs

    def _add_spec(self, kind: str, table: dict[str, Any], spec: Any, record: PluginRecord) -> None:
        dups = self._duplicates[kind]
        if spec.name in dups:
            dups[spec.name].append(record.name)
            return
        if spec.name in table:
            first = table.pop(spec.name).plugin
            dups[spec.name] = [first, record.name]
            message = (
                f"{kind[:-1]} name {spec.name!r} is declared by both plugin {first!r} "
                f"and plugin {record.name!r}; neither is usable until one is renamed "
                "or disabled"
            )
            for name in (first, record.name):
                rec = self.records[name]
                if message not in rec.errors:
                    rec.errors.append(message)
                if spec.name in rec.provides[kind]:
                    rec.provides[kind].remove(spec.name)
            log.error(message)
            if self.strict:
                raise PluginError(message)
            return
        table[spec.name] = spec
        record.provides[kind].append(spec.name)

    def specs(self, kind: Kind) -> dict[str, Any]:
        """All usable specs of one kind, by name."""
        return dict(self._collect()[kind])

    def sensors(self) -> dict[str, SensorSpec]:
        """Sensor specs by name."""
        return self.specs("sensors")

    def processors(self) -> dict[str, ProcessorSpec]:
        """Processor specs by name."""
        return self.specs("processors")

    def consumers(self) -> dict[str, ConsumerSpec]:
        """Consumer specs by name."""
        return self.specs("consumers")

    def commands(self) -> dict[str, CommandSpec]:
        """CLI command specs by name."""
        return self.specs("commands")

    def models(self) -> dict[str, ModelSpec]:
        """Model specs by kind (``heartmind_models`` hook)."""
        return self.specs("models")

    def get(self, kind: Kind, name: str) -> Any:
        """One spec by name; :class:`PluginError` says why it is missing."""
        table = self._collect()[kind]
        if name in table:
            return table[name]
        dup = self._duplicates[kind].get(name)
        if dup:
            raise PluginError(
                f"{kind[:-1]} {name!r} is declared by plugins {' and '.join(map(repr, dup))}; "
                "disable one of them (HEARTMIND_DISABLE_PLUGINS or --disable-plugin)."
            )
        failed = [r.name for r in self.records.values() if r.status == "failed"]
        hint = (
            f" Plugins that failed to load: {', '.join(failed)} (see 'heartmind plugins')."
            if failed
            else ""
        )
        disabled = [r.name for r in self.records.values() if r.status == "disabled"]
        if disabled:
            hint += f" Disabled plugins: {', '.join(disabled)}."
        raise PluginError(
            f"no {kind[:-1]} named {name!r}; available: {', '.join(sorted(table)) or 'none'}.{hint}"
        )

    def find(self, name: str) -> dict[str, Any]:
        """Every usable spec called ``name``, by kind (a name may be, e.g., both a sensor
        and a command); empty if there is none."""
        return {kind: table[name] for kind, table in self._collect().items() if name in table}

    def spec_names(self) -> list[str]:
        """The names of every usable spec, of every kind, sorted."""
        return sorted({name for table in self._collect().values() for name in table})

    def report(self) -> list[PluginRecord]:
        """Records of every plugin, after collecting specs (so hook failures show)."""
        self._collect()
        return sorted(self.records.values(), key=lambda r: r.name)

    # ------------------------------------------------------------------ event hook

    def has_event_hooks(self) -> bool:
        """True if any loaded plugin implements ``heartmind_event``."""
        return bool(self._pm.hook.heartmind_event.get_hookimpls())

    def call_event(self, event: Event) -> None:
        """Call every ``heartmind_event`` implementation, one plugin at a time; a failure
        is counted and logged (never raised, except in strict mode)."""
        for plugin_name, caller in self._per_plugin("heartmind_event"):
            try:
                caller(event=event)
            except Exception as exc:
                count = self.event_hook_errors.get(plugin_name, 0) + 1
                self.event_hook_errors[plugin_name] = count
                if count == 1 or count % 1000 == 0:
                    log.warning(
                        "plugin %s: heartmind_event raised (%d so far): %s",
                        plugin_name,
                        count,
                        _describe(exc),
                    )
                if self.strict:
                    raise

    # ------------------------------------------------------------------ tracing

    def _trace_hook_calls(self) -> None:
        """Log every hook call through pluggy's call monitoring (``HEARTMIND_TRACE_PLUGINS``).

        Arguments and results are summarised (an event by its topic and time, specs by
        name), so that no health data reaches the log.
        """
        if trace_log.level == logging.NOTSET:
            trace_log.setLevel(logging.DEBUG)

        def before(
            hook: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, object]
        ) -> None:
            plugins = ", ".join(i.plugin_name for i in impls) or "no plugin"
            args = ", ".join(f"{k}={_summary(v)}" for k, v in kwargs.items())
            trace_log.debug("call %s(%s) -> %s", hook, args, plugins)

        def after(
            outcome: pluggy.Result[Any],
            hook: str,
            impls: Sequence[pluggy.HookImpl],
            kwargs: Mapping[str, object],
        ) -> None:
            if outcome.exception is not None:
                exc = outcome.exception
                trace_log.debug("  %s raised %s: %s", hook, type(exc).__name__, exc)
            else:
                trace_log.debug("  %s returned %s", hook, _summary(outcome.get_result()))

        self._pm.add_hookcall_monitoring(before, after)


def _summary(value: object) -> str:
    """A short description of a hook argument or result, without event contents."""
    if isinstance(value, Event):
        return f"<{value.topic} event at {value.timestamp:.3f} s from {value.source or '?'}>"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_summary(v) for v in value) + "]"
    name = getattr(value, "name", None)
    if isinstance(name, str) and hasattr(value, "factory"):
        return f"{type(value).__name__}({name!r})"
    if isinstance(value, Iterator):
        return f"<{type(value).__name__}>"
    return type(value).__name__ if value is not None else "None"


def _describe(exc: BaseException) -> str:
    """One line: exception type and message, plus where it was raised."""
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" (at {tb[-1].filename}:{tb[-1].lineno})" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"
