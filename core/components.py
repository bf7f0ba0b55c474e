"""The three kinds of runtime objects plugins provide: sensors, processors, consumers.

Samples flow through these objects, never through hooks. The session calls them in this
order: ``start(context)`` once, then ``read``/``process``/``on_chunk`` … many times, then
``stop()`` once (also after an error). Each method runs on one thread at a time:

* a sensor's ``read`` runs on the sensor's own thread (real time) or on the scheduler
  thread (virtual clock);
* processors run on the session's processing worker;
* consumers are called from their own delivery thread (real time) or the scheduler thread
  (virtual clock), never concurrently with themselves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

from .clock import Clock
from .events import Event
from .streams import Chunk, StreamInfo

__all__ = ["Consumer", "Context", "Output", "Processor", "Sensor"]

#: What a sensor reads or a processor emits: a chunk of a stream, or an event.
Output: TypeAlias = Chunk | Event


@dataclass(frozen=True)
class Context:
    """What a component knows about the session it runs in.

    Attributes
    ----------
    name
        The component's instance name in the pipeline.
    clock
        The session clock; ``clock.now()`` is the current time in s.
    inputs
        Streams routed to this component that are known at start (sensors: empty).
    seed
        The session's random seed, for components that draw random numbers.
    """

    name: str
    clock: Clock
    inputs: tuple[StreamInfo, ...] = ()
    seed: int = 0
    options: dict[str, object] = field(default_factory=dict)


class Sensor(ABC):
    """A source of chunks (and occasionally events, such as ``Gap``).

    Attributes
    ----------
    live
        True for sensors that deliver data as it happens (LSL inlets, input devices):
        ``read`` blocks up to ``timeout``. False for generated or file sources (the
        simulator, replay): ``read`` returns the next chunk at once, and the session paces
        it in real time or runs it as fast as the CPU allows on a virtual clock.
    """

    live: bool = True

    @property
    @abstractmethod
    def streams(self) -> tuple[StreamInfo, ...]:
        """Streams this sensor produces (known after ``start``)."""

    def start(self, context: Context) -> None:  # noqa: B027 - optional hook
        """Open the device or file. Called once, before the first ``read``."""

    @abstractmethod
    def read(self, timeout: float) -> Output | None:
        """Return the next chunk or event.

        A live sensor waits at most ``timeout`` s and returns ``None`` if nothing came.
        A generated sensor returns its next output at once, in timestamp order across its
        streams, and ``None`` only once it has nothing more (then ``finished`` is True).
        """

    @property
    def finished(self) -> bool:
        """True when a generated or file source has delivered everything."""
        return False

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Release the device or file. Called once, also after errors."""


class Processor(ABC):
    """Turns chunks (and events) into events and derived chunks, keeping its own state."""

    def start(self, context: Context) -> None:  # noqa: B027 - optional hook
        """Prepare state for the input streams in ``context.inputs``."""

    @abstractmethod
    def process(self, chunk: Chunk) -> Iterable[Output]:
        """Consume one chunk of an input stream; return what it produced (may be empty)."""

    def on_event(self, event: Event) -> Iterable[Output]:
        """Consume an event of a subscribed topic (see ``ProcessorSpec.events``)."""
        return ()

    def flush(self) -> Iterable[Output]:
        """At the end of the session: emit what is still pending (e.g. a last window)."""
        return ()

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Release resources."""


class Consumer(ABC):  # noqa: B024 - every method is optional
    """A sink: console, file writer, recorder, LSL outlet, calendar, …"""

    def start(self, context: Context) -> None:  # noqa: B027 - optional hook
        """Open the sink."""

    def on_chunk(self, chunk: Chunk) -> None:  # noqa: B027 - optional hook
        """Receive a chunk of a stream routed to this consumer."""

    def on_event(self, event: Event) -> None:  # noqa: B027 - optional hook
        """Receive an event of a topic routed to this consumer."""

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Flush and close; called once, also after Ctrl-C."""


def as_outputs(items: Iterable[Output] | None) -> Sequence[Output]:
    """Normalise what a processor returned (``None`` counts as nothing)."""
    if items is None:
        return ()
    return items if isinstance(items, list | tuple) else list(items)
