"""Suite-wide fixtures: LSL safety guard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _interfaces() -> list[str]:
    # /proc/self/net/dev shows this process's network namespace; /sys/class/net shows the
    # namespace sysfs was mounted in (the host's, even inside `unshare -rn`).
    lines = Path("/proc/self/net/dev").read_text().splitlines()[2:]
    return sorted(line.split(":", 1)[0].strip() for line in lines if ":" in line)


@pytest.fixture(autouse=True)
def _lsl_only_on_loopback(request: pytest.FixtureRequest) -> None:
    """Tests marked ``lsl`` run only inside the loopback-only namespace with machine scope.

    They fail (never skip) otherwise: LSL discovery must not reach a real network.
    """
    if request.node.get_closest_marker("lsl") is None:
        return
    if _interfaces() != ["lo"]:
        pytest.fail(
            f"LSL test outside a loopback-only network namespace (interfaces: "
            f"{_interfaces()}); run it through scripts/loopback-only."
        )
    if not os.environ.get("LSLAPICFG"):
        pytest.fail("LSLAPICFG is not set; run LSL tests through scripts/loopback-only.")
