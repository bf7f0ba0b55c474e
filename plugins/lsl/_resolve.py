"""Finding LSL streams by name, type, source id or an XPath predicate."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from types import ModuleType
from typing import Any

from heartmind.errors import ConfigError, SessionError

__all__ = [
    "StreamNotFoundError",
    "build_predicate",
    "describe",
    "resolve_one",
    "selection_predicate",
]

log = logging.getLogger(__name__)


class StreamNotFoundError(SessionError):
    """No LSL stream matched within the timeout; the message lists the streams seen."""


def _literal(value: str) -> str:
    """An XPath 1.0 string literal for ``value``."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    raise ConfigError(
        f"{value!r} contains both quote characters; match it with a predicate instead."
    )


def build_predicate(
    *, name: str = "", type: str = "", source_id: str = "", predicate: str = ""
) -> str:
    """The XPath predicate (as for ``pylsl.resolve_bypred``) that matches all criteria.

    Raises
    ------
    ConfigError
        If no criterion is given.
    """
    parts = [
        f"{key}={_literal(val)}"
        for key, val in (("name", name), ("type", type), ("source_id", source_id))
        if val
    ]
    if predicate:
        parts.append(f"({predicate})")
    if not parts:
        raise ConfigError(
            "lsl-inlet: give at least one of name, type, source_id or predicate to select "
            'the stream (e.g. name = "MyECG").'
        )
    return " and ".join(parts)


def selection_predicate(
    names: Sequence[str] = (),
    types: Sequence[str] = (),
    source_ids: Sequence[str] = (),
    predicates: Sequence[str] = (),
) -> str:
    """One XPath predicate matching any of the criteria (``""``: no criterion given)."""
    parts = [build_predicate(name=n) for n in names]
    parts += [build_predicate(type=t) for t in types]
    parts += [build_predicate(source_id=s) for s in source_ids]
    parts += [f"({p})" for p in predicates]
    return " or ".join(f"({p})" for p in parts)


def describe(info: Any) -> str:
    """One line naming an LSL stream: name, type, source id, rate, channels and host."""
    return (
        f"{info.name()!r} (type {info.type()!r}, source_id {info.source_id()!r}, "
        f"{info.nominal_srate():g} Hz, {info.channel_count()} ch, host {info.hostname()!r})"
    )


def resolve_one(pylsl: ModuleType, predicate: str, timeout: float) -> Any:
    """Resolve the first stream matching ``predicate`` within ``timeout`` s.

    Raises
    ------
    StreamNotFoundError
        If nothing matched; lists the streams that were visible instead.
    """
    found = pylsl.resolve_bypred(predicate, 1, timeout)
    if found:
        if len(found) > 1:
            log.warning(
                "%d LSL streams match %s; using %s. Others: %s",
                len(found),
                predicate,
                describe(found[0]),
                "; ".join(describe(f) for f in found[1:]),
            )
        return found[0]
    visible = pylsl.resolve_streams(min(1.0, max(timeout, 0.2)))
    listing = "\n  ".join(describe(s) for s in visible) or "none"
    raise StreamNotFoundError(
        f"no LSL stream matched [{predicate}] within {timeout:g} s. Streams found:\n  "
        f"{listing}\nCheck the name/type/source_id options, that the outlet is running, "
        "and that both sides use the same LSL scope (machine-only by default)."
    )
