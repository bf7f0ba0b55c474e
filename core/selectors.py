"""Selectors: which events, streams and upstream components a subscriber or processor takes.

Every selector string of heartmind is parsed here, once, into a :class:`Selector`:

===================  ================================================  ==========================
written              selects                                           where
===================  ================================================  ==========================
``heart_rate``       events of one topic                               ``subscribe``, ``events()``,
``*``                every event                                       consumer ``topics``,
``stress@fusion``    events of one topic from one component only       processor ``events``
``stream:sim-ECG``   chunks of the stream with that name               ``subscribe``, ``events()``,
``stream:*``         chunks of every stream                            consumer ``streams`` (where
``type:ECG``         chunks of every stream of one type                a bare name is a stream)
``hr``               the streams of the component named ``hr``         processor ``inputs``
``hr:ECG``           its streams of type ``ECG`` only                  processor ``inputs``
``*`` / ``*:ECG``    the streams of any component (of one type)        processor ``inputs``
===================  ================================================  ==========================

Parsing checks the form only; whether a topic, stream or component exists is checked when
the session is built (see :mod:`heartmind.builder`), where the error can list the
candidates.

    >>> parse_selector("stress@fusion")
    Selector(kind='topic', name='stress', type='', source='fusion')
    >>> str(parse_input("sim:ECG"))
    'sim:ECG'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .errors import ConfigError
from .streams import Chunk

if TYPE_CHECKING:
    from .events import Event
    from .streams import StreamInfo

__all__ = [
    "ANY",
    "Selector",
    "parse_input",
    "parse_many",
    "parse_selector",
    "parse_stream",
    "parse_topic",
]

#: The wildcard: any topic, stream or component.
ANY = "*"

SelectorKind = Literal["topic", "stream", "input"]

_ITEM_FORMS = "'topic', 'topic@source', '*', 'stream:NAME', 'stream:*' or 'type:TYPE'"
_INPUT_FORMS = "'component', 'component:TYPE', '*' or '*:TYPE'"


@dataclass(frozen=True, slots=True)
class Selector:
    """One parsed selector.

    Attributes
    ----------
    kind
        ``"topic"`` (events), ``"stream"`` (chunks, by stream name or type) or ``"input"``
        (a processor input: the streams of an upstream component).
    name
        The topic, stream name or component name; ``"*"`` for any.
    type
        Stream type (``"ECG"``); ``""`` for any. Not used by topic selectors.
    source
        Topic selectors only: the component whose events are taken (``""`` for any).
    """

    kind: SelectorKind
    name: str = ANY
    type: str = ""
    source: str = ""

    def __str__(self) -> str:
        if self.kind == "topic":
            return f"{self.name}@{self.source}" if self.source else self.name
        if self.kind == "stream":
            return f"type:{self.type}" if self.type else f"stream:{self.name}"
        return f"{self.name}:{self.type}" if self.type else self.name

    @property
    def any_name(self) -> bool:
        """True if the selector takes any topic, stream or component (``*``)."""
        return self.name == ANY

    def matches_event(self, event: Event) -> bool:
        """True for a topic selector that takes ``event`` (topic, and source if given)."""
        if self.kind != "topic":
            return False
        if self.name != ANY and self.name != event.topic:
            return False
        return not self.source or self.source == event.source

    def matches_stream(self, info: StreamInfo) -> bool:
        """True for a stream selector that takes chunks of the stream ``info``."""
        if self.kind != "stream":
            return False
        if self.type:
            return self.type == info.type
        return self.name in (ANY, info.name)

    def matches(self, item: Chunk | Event) -> bool:
        """True if this topic or stream selector takes ``item`` (an event or a chunk)."""
        if isinstance(item, Chunk):
            return self.matches_stream(item.info)
        return self.matches_event(item)

    def takes(self, producer: str, stream_type: str) -> bool:
        """True for an input selector that takes streams of ``stream_type`` from the
        component named ``producer``."""
        if self.kind != "input":
            return False
        if self.name != ANY and self.name != producer:
            return False
        return not self.type or self.type == stream_type


def _fail(text: str, why: str, forms: str, where: str) -> ConfigError:
    prefix = f"{where}: " if where else ""
    return ConfigError(f"{prefix}selector {text!r} {why}; use {forms}.")


def _word(value: str, text: str, what: str, forms: str, where: str) -> str:
    if not value or value != value.strip() or any(c.isspace() for c in value):
        raise _fail(text, f"has an empty or blank {what}", forms, where)
    return value


def _check_text(text: object, forms: str, where: str) -> str:
    if not isinstance(text, str):
        raise _fail(repr(text), f"is a {type(text).__name__}, not a string", forms, where)
    if not text:
        raise _fail(text, "is empty", forms, where)
    return text


def parse_topic(text: str, *, where: str = "") -> Selector:
    """Parse an event selector: ``topic``, ``topic@source`` or ``*``.

    Raises
    ------
    ConfigError
        The text has another form (e.g. ``stream:NAME``); ``where`` prefixes the message.
    """
    forms = "'topic', 'topic@source' or '*'"
    text = _check_text(text, forms, where)
    if text.startswith(("stream:", "type:")):
        raise _fail(text, "selects chunks, not events", forms, where)
    topic, at, source = text.partition("@")
    topic = _word(topic, text, "topic", forms, where)
    if ":" in topic:
        raise _fail(text, "is not an event topic", forms, where)
    if at:
        _word(source, text, "source component", forms, where)
        if topic == ANY:
            raise _fail(text, "gives a source for every topic ('*@…')", forms, where)
    return Selector("topic", topic, source=source)


def parse_stream(text: str, *, where: str = "") -> Selector:
    """Parse a stream selector: ``stream:NAME``, ``stream:*``, ``type:TYPE``, or a bare
    stream name (as in a consumer's ``streams`` list)."""
    forms = "'stream:NAME', 'stream:*', 'type:TYPE' or a stream name"
    text = _check_text(text, forms, where)
    if text.startswith("type:"):
        return Selector("stream", ANY, type=_word(text[5:], text, "type", forms, where))
    name = text[7:] if text.startswith("stream:") else text
    return Selector("stream", _word(name, text, "stream name", forms, where))


def parse_selector(text: str | Selector, *, where: str = "") -> Selector:
    """Parse what ``Session.subscribe``/``events()`` and consumers' ``topics`` take: an
    event selector (``topic``, ``topic@source``, ``*``) or a stream selector
    (``stream:NAME``, ``stream:*``, ``type:TYPE``). A :class:`Selector` passes through."""
    if isinstance(text, Selector):
        if text.kind == "input":
            raise _fail(str(text), "is a processor input", _ITEM_FORMS, where)
        return text
    text = _check_text(text, _ITEM_FORMS, where)
    if text.startswith(("stream:", "type:")):
        return parse_stream(text, where=where)
    if ":" in text:
        raise _fail(text, "has an unknown prefix", _ITEM_FORMS, where)
    return parse_topic(text, where=where)


def parse_input(text: str | Selector, *, where: str = "") -> Selector:
    """Parse a processor input: ``component``, ``component:TYPE``, ``*`` or ``*:TYPE``."""
    if isinstance(text, Selector):
        if text.kind != "input":
            raise _fail(str(text), "is not a processor input", _INPUT_FORMS, where)
        return text
    text = _check_text(text, _INPUT_FORMS, where)
    if text.startswith(("stream:", "type:")):
        raise _fail(text, "selects a stream, not a component", _INPUT_FORMS, where)
    name, colon, stream_type = text.partition(":")
    name = _word(name, text, "component name", _INPUT_FORMS, where)
    if "@" in name:
        raise _fail(text, "is an event selector", _INPUT_FORMS, where)
    if colon:
        _word(stream_type, text, "stream type", _INPUT_FORMS, where)
    return Selector("input", name, type=stream_type)


def parse_many(
    texts: str | Selector | Iterable[str | Selector],
    parse: Callable[..., Selector] = parse_selector,
    *,
    where: str = "",
) -> tuple[Selector, ...]:
    """Parse one selector or a list of them with ``parse`` (default :func:`parse_selector`);
    duplicates are dropped, the order is kept."""
    items = [texts] if isinstance(texts, str | Selector) else list(texts)
    out: list[Selector] = []
    for item in items:
        selector = parse(item, where=where)
        if selector not in out:
            out.append(selector)
    return tuple(out)
