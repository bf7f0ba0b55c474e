"""Built-in consumers that print or store events: ``console`` and ``jsonl``.

``console`` prints events readably (or as JSON lines) on standard output; ``jsonl`` appends
them to a file, one JSON object per line, created with user-only permissions (0600).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import heartmind
from heartmind import ConsumerSpec, Option


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
