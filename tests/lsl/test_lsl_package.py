"""The lsl plugin's specs build the public classes of its api, with validated options."""

from __future__ import annotations

import pytest

from heartmind.errors import ConfigError
from heartmind.plugin_manager import PluginManager
from heartmind.plugins.lsl import api
from heartmind.specs import validate_options

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(60)]


@pytest.mark.parametrize(
    ("kind", "spec", "cls", "options"),
    [
        ("sensors", "lsl-inlet", api.LSLInlet, {"lsl_name": "x", "timeout": 0.5}),
        ("sensors", "lsl-streams", api.LSLStreams, {"lsl_types": ["EEG"], "queue_mb": 1.0}),
        ("consumers", "lsl-outlet", api.LSLOutlet, {"prefix": "t-", "event_topics": []}),
    ],
)
def test_each_spec_builds_its_api_class(
    kind: str, spec: str, cls: type, options: dict[str, object]
) -> None:
    found = PluginManager(only=["lsl"]).get(kind, spec)  # type: ignore[arg-type]
    built = found.factory(**validate_options(found.options, options, spec))
    assert type(built) is cls
    assert getattr(api, f"open_{spec.removeprefix('lsl-')}") is cls  # the older factory names


def test_streams_sensor_needs_exactly_one_selection() -> None:
    spec = PluginManager(only=["lsl"]).get("sensors", "lsl-streams")
    with pytest.raises(ConfigError, match="not both and not neither"):
        spec.factory(**validate_options(spec.options, {}, "lsl-streams"))
