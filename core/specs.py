"""Specs: what a plugin declares it can build, and the schema of each one's options.

A spec is returned by a hook at build time; the session calls its ``factory`` with the
options from the pipeline, validated against ``options`` first.
"""

from __future__ import annotations

import argparse
import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .components import Consumer, Processor, Sensor
from .errors import ConfigError

if TYPE_CHECKING:
    from .models import EvaluationReport, Model

__all__ = [
    "CommandSpec",
    "ConsumerSpec",
    "ModelSpec",
    "Option",
    "ProcessorSpec",
    "SensorSpec",
    "validate_options",
]

_REQUIRED: Any = object()

#: Keyword arguments of ``Session.add_sensor/add_processor/add_consumer``; no option may
#: use these names, or it could not be passed from Python.
RESERVED_OPTION_NAMES = frozenset({"name", "inputs", "input_types", "events", "topics", "streams"})


@dataclass(frozen=True)
class Option:
    """Schema of one option.

    Parameters
    ----------
    type
        Expected Python type: ``str``, ``int``, ``float``, ``bool``, ``list`` or ``dict``.
        An ``int`` is accepted where a ``float`` is expected.
    default
        Value used when the option is not given; leave unset for a required option.
    help
        One line for ``heartmind plugins`` and the docs.
    choices
        If given, the allowed values.
    min, max
        Inclusive numeric bounds.
    item
        Element type of a ``list`` option.
    unit
        Unit of a quantity (``"s"``, ``"Hz"``, ``"bpm"``, ``"mV"``, ``"µS"``, ``"dB"``);
        ``""`` for counts, names and flags. Shown by ``heartmind plugins SPEC``.
    """

    type: type
    default: Any = _REQUIRED
    help: str = ""
    choices: tuple[Any, ...] | None = None
    min: float | None = None
    max: float | None = None
    item: builtins.type | None = None
    unit: str = ""

    @property
    def required(self) -> bool:
        """True if the pipeline must give this option."""
        return self.default is _REQUIRED

    def check(self, value: Any, where: str) -> Any:
        """Return ``value`` coerced to this option's type, or raise :class:`ConfigError`."""
        value = _coerce(value, self.type, where)
        if self.item is not None and isinstance(value, list):
            value = [_coerce(v, self.item, f"{where}[{i}]") for i, v in enumerate(value)]
        if self.choices is not None and value not in self.choices:
            raise ConfigError(f"{where} = {value!r} is not one of {list(self.choices)}.")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.min is not None and value < self.min:
                raise ConfigError(f"{where} = {value} is below its minimum {self.min}.")
            if self.max is not None and value > self.max:
                raise ConfigError(f"{where} = {value} is above its maximum {self.max}.")
        return value

    def describe(self) -> dict[str, Any]:
        """JSON-compatible description, for ``heartmind plugins [NAME] --json``: ``type``,
        ``item`` (element type of a list, else ``None``), ``unit``, ``required``,
        ``default``, ``min``, ``max``, ``choices`` and ``help``."""
        return {
            "type": self.type.__name__,
            "item": self.item.__name__ if self.item is not None else None,
            "unit": self.unit,
            "required": self.required,
            "default": None if self.required else self.default,
            "min": self.min,
            "max": self.max,
            "choices": list(self.choices) if self.choices else None,
            "help": self.help,
        }


def _coerce(value: Any, expected: type, where: str) -> Any:
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if expected is not bool and isinstance(value, bool):
        raise ConfigError(f"{where} must be a {expected.__name__}, got a boolean.")
    if not isinstance(value, expected):
        raise ConfigError(
            f"{where} must be a {expected.__name__}, got {type(value).__name__} {value!r}."
        )
    return value


OptionsSchema = Mapping[str, "Option | type"]


def _as_option(entry: Option | type) -> Option:
    return entry if isinstance(entry, Option) else Option(type=entry)


def validate_options(schema: OptionsSchema, given: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Check ``given`` against ``schema`` and fill in defaults.

    ``where`` names the place for error messages, e.g. ``"pipeline.toml [sensors.ecg.options]"``.
    """
    unknown = sorted(set(given) - set(schema))
    if unknown:
        valid = ", ".join(sorted(schema)) or "none"
        raise ConfigError(f"{where}: unknown option {unknown[0]!r}; valid options: {valid}.")
    out: dict[str, Any] = {}
    for key, entry in schema.items():
        option = _as_option(entry)
        if key in given:
            out[key] = option.check(given[key], f"{where} {key}")
        elif option.required:
            what = option.help or option.type.__name__
            raise ConfigError(f"{where}: option {key!r} is required ({what}).")
        else:
            out[key] = option.default
    return out


@dataclass(frozen=True, kw_only=True)
class _Spec:
    name: str
    factory: Callable[..., Any]
    options: OptionsSchema = field(default_factory=dict)
    description: str = ""
    #: Set by the plugin manager: the plugin that declared the spec.
    plugin: str = ""

    def __post_init__(self) -> None:
        if not self.name or not self.name.replace("-", "").replace("_", "").isalnum():
            raise ConfigError(
                f"spec name {self.name!r} must be non-empty letters, digits, '-' or '_'."
            )
        if not callable(self.factory):
            raise ConfigError(f"spec {self.name!r}: factory must be callable.")
        clash = sorted(RESERVED_OPTION_NAMES & set(self.options))
        if clash:
            raise ConfigError(
                f"spec {self.name!r}: option name {clash[0]!r} is reserved by Session.add_* "
                f"({', '.join(sorted(RESERVED_OPTION_NAMES))}); rename the option."
            )

    def option_schema(self) -> dict[str, Option]:
        """Options as :class:`Option` objects."""
        return {k: _as_option(v) for k, v in self.options.items()}

    def describe(self) -> dict[str, Any]:
        """JSON-compatible description for ``heartmind plugins --json``."""
        return {
            "name": self.name,
            "description": self.description,
            "options": {k: o.describe() for k, o in self.option_schema().items()},
        }


@dataclass(frozen=True, kw_only=True)
class SensorSpec(_Spec):
    """A sensor a plugin can build.

    Attributes
    ----------
    produces
        Stream types the sensor produces, e.g. ``("ECG",)``.
    factory
        Called with the validated options as keyword arguments; returns a :class:`Sensor`.
    """

    produces: tuple[str, ...] = ()
    factory: Callable[..., Sensor]

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "produces": list(self.produces)}


@dataclass(frozen=True, kw_only=True)
class ProcessorSpec(_Spec):
    """A processor a plugin can build.

    Attributes
    ----------
    inputs
        Stream types it accepts (``"*"`` for any).
    events
        Event topics it consumes through ``Processor.on_event``.
    outputs
        What it produces: event topics (snake_case, e.g. ``"heart_rate"``; each must be a
        registered event type once the plugin is loaded) and derived stream types
        (upper-case, e.g. ``"KEYS_FEATURES"``). Shown by ``heartmind plugins`` and used by
        the session's checks.
    factory
        Called with the validated options; returns a :class:`Processor`.
    """

    inputs: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    factory: Callable[..., Processor]

    @property
    def output_topics(self) -> tuple[str, ...]:
        """The event topics among ``outputs`` (the lower-case names)."""
        return tuple(o for o in self.outputs if o == o.lower())

    @property
    def output_streams(self) -> tuple[str, ...]:
        """The stream types among ``outputs`` (the names with upper-case letters)."""
        return tuple(o for o in self.outputs if o != o.lower())

    def describe(self) -> dict[str, Any]:
        return {
            **super().describe(),
            "inputs": list(self.inputs),
            "events": list(self.events),
            "outputs": list(self.outputs),
        }


@dataclass(frozen=True, kw_only=True)
class ConsumerSpec(_Spec):
    """A consumer (sink) a plugin can build.

    Attributes
    ----------
    factory
        Called with the validated options; returns a :class:`Consumer`.
    streams
        Stream selectors the consumer gets when the pipeline (or ``Session.add_consumer``)
        gives none, e.g. ``("stream:*",)`` for a recorder of every stream. Default: none.
    """

    factory: Callable[..., Consumer]
    streams: tuple[str, ...] = ()

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "streams": list(self.streams)}


@dataclass(frozen=True, kw_only=True)
class CommandSpec(_Spec):
    """A ``heartmind`` sub-command a plugin adds to the command line.

    Attributes
    ----------
    factory
        ``run(args: argparse.Namespace, plugins: PluginManager) -> int``: runs the command
        and returns its exit status. Raise a ``HeartmindError`` for a clear error message.
    configure
        ``configure(parser: argparse.ArgumentParser) -> None``: adds the command's
        arguments. Keep it cheap: heavy imports belong in ``factory``.
    description
        One line shown by ``heartmind --help``.
    """

    factory: Callable[..., int]
    configure: Callable[[Any], None] = field(default=lambda parser: None)


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    """A ``configure`` that adds nothing."""


@dataclass(frozen=True, kw_only=True)
class ModelSpec(_Spec):
    """A model kind a plugin offers: what it estimates, from what, and how to train it.

    ``heartmind models`` lists every registered kind; ``heartmind train --model KIND`` and
    ``heartmind evaluate --model KIND`` parse the kind's own arguments (``configure``) and
    call its ``train`` / ``evaluate``. Keep the spec cheap to build: heavy imports belong
    in the callables.

    Attributes
    ----------
    name
        The model kind, as in ``Model.kind`` and the ``.hmm`` manifest (``"hr-gru"``).
    task
        What it estimates, in words (``"emotion: valence, arousal, dominance"``).
    inputs
        Stream types or event topics it reads (``("heart_beat",)``, ``("KEYS", "MOUSE")``).
    outputs
        Its output labels (``("valence", "arousal", …)``, ``("stress",)``).
    datasets
        Data it can train on: ``heartmind.datasets`` names (``"synthetic"``, ``"wesad"``,
        ``"dreamer"``, ``"lab"``) or ``"simulator"``.
    factory
        ``factory() -> type[Model]``: the model class (importing it registers the kind,
        so ``heartmind.models.load_model`` can read its files).
    train
        ``train(args) -> Model``: trains a model from the parsed command-line arguments
        and returns it with ``ModelInfo.trained_on`` set; the command line saves it to
        ``--out``. Raise a ``HeartmindError`` for a clear message.
    evaluate
        ``evaluate(args) -> EvaluationReport``, or None if the kind has no evaluation.
        ``args.out`` is the output folder (it exists); write figures there.
    configure
        ``configure(parser)`` adds the kind's arguments (``--dataset``, ``--epochs``, …)
        to the parser of ``train`` and ``evaluate`` (``--out`` is added by the core).
    bundled
        Model files of this kind shipped with the plugin (their manifests say what each
        was trained on); empty if no weights ship.
    smoke
        Arguments of a tiny training run on synthetic data that takes seconds, e.g.
        ``("--dataset", "synthetic", "--subjects", "2")``; the registry's meta-test runs
        it for every spec. Empty only with a reason in ``description``.
    used_by
        Processors that run models of this kind (``("heart-emotion",)``).
    """

    task: str
    inputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    datasets: tuple[str, ...] = ()
    factory: Callable[[], type[Model]]
    train: Callable[[argparse.Namespace], Model]
    evaluate: Callable[[argparse.Namespace], EvaluationReport] | None = None
    configure: Callable[[argparse.ArgumentParser], None] = field(default=_no_arguments)
    bundled: tuple[Path, ...] = ()
    smoke: tuple[str, ...] = ()
    used_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        super().__post_init__()
        for name in ("train", "configure"):
            if not callable(getattr(self, name)):
                raise ConfigError(f"model spec {self.name!r}: {name} must be callable.")
        if self.evaluate is not None and not callable(self.evaluate):
            raise ConfigError(f"model spec {self.name!r}: evaluate must be callable or None.")

    def describe(self) -> dict[str, Any]:
        """JSON-compatible description (``heartmind models --json`` adds the files' data)."""
        return {
            **super().describe(),
            "task": self.task,
            "inputs": list(self.inputs),
            "outputs": list(self.outputs),
            "datasets": list(self.datasets),
            "evaluate": self.evaluate is not None,
            "bundled": [str(p) for p in self.bundled],
            "used_by": list(self.used_by),
        }
