"""Built-in consumers that print or store events: ``console`` and ``jsonl``.

``console`` prints events readably (or as JSON lines) on standard output; ``jsonl`` appends
them to a file, one JSON object per line, created with user-only permissions (0600).

Files: this module declares the specs only; ``api`` holds ``format_event`` (re-exported
here lazily), ``_consumers`` the consumer classes, imported when a consumer is built.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import heartmind
from heartmind import ConsumerSpec, Option

__all__ = ["heartmind_consumers"]


@heartmind.hookimpl
def heartmind_consumers() -> Iterator[ConsumerSpec]:
    yield ConsumerSpec(
        name="console",
        factory=_console,
        description="Print events on standard output, readably or as JSON lines.",
        options={
            "format": Option(
                str,
                "pretty",
                "pretty (aligned text) or jsonl (one object per line)",
                choices=("pretty", "jsonl"),
            ),
        },
    )
    yield ConsumerSpec(
        name="jsonl",
        factory=_jsonl,
        description="Write events to a JSON-lines file (mode 0600), one object per line.",
        options={
            "path": Option(str, help="output file; its folder is created if missing"),
            "append": Option(bool, False, "append instead of replacing an existing file"),
        },
    )


def _console(**options: Any) -> heartmind.Consumer:
    from ._consumers import ConsoleConsumer

    return ConsoleConsumer(**options)


def _jsonl(**options: Any) -> heartmind.Consumer:
    from ._consumers import JsonlConsumer

    return JsonlConsumer(**options)


def __getattr__(name: str) -> Any:
    """Lazily re-export the names of :mod:`.api` (loaded on first use), e.g.
    ``from heartmind.plugins.console import format_event``."""
    if not name.startswith("_"):
        api = importlib.import_module(".api", __name__)
        if name in api.__all__:
            return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
