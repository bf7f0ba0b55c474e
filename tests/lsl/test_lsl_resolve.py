"""Resolving streams by name, type, source id and XPath predicate; not-found errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from heartmind import Context, VirtualClock
from heartmind.plugins.lsl.api import StreamNotFoundError, build_predicate, ensure_lsl, open_inlet

pytestmark = [pytest.mark.lsl, pytest.mark.timeout(60)]


@pytest.fixture
def outlet(uid: str) -> Iterator[Any]:
    pylsl = ensure_lsl()
    info = pylsl.StreamInfo(f"res-{uid}", f"T{uid}", 3, 50.0, pylsl.cf_float32, f"sid-{uid}")
    out = pylsl.StreamOutlet(info)
    yield out
    del out


@pytest.mark.parametrize(
    "options",
    [
        {"lsl_name": "res-{uid}"},
        {"lsl_type": "T{uid}"},
        {"source_id": "sid-{uid}"},
        {"predicate": "starts-with(name, 'res-{uid}') and channel_count = 3"},
        {"lsl_name": "res-{uid}", "lsl_type": "T{uid}", "source_id": "sid-{uid}"},
    ],
)
def test_resolve_by_each_criterion(outlet: Any, uid: str, options: dict[str, str]) -> None:
    sensor = open_inlet(timeout=5.0, **{k: v.format(uid=uid) for k, v in options.items()})
    sensor.start(Context(name="in", clock=VirtualClock()))
    try:
        assert sensor.info.name == f"res-{uid}"
        assert sensor.info.source_id == f"sid-{uid}"
        assert sensor.info.n_channels == 3
    finally:
        sensor.stop()


def test_timeout_error_lists_the_streams_found(outlet: Any, uid: str) -> None:
    sensor = open_inlet(lsl_name=f"absent-{uid}", timeout=0.3)
    with pytest.raises(StreamNotFoundError) as err:
        sensor.start(Context(name="in", clock=VirtualClock()))
    text = str(err.value)
    assert f"name='absent-{uid}'" in text
    assert f"'res-{uid}'" in text and f"sid-{uid}" in text  # the stream that was there


def test_predicate_quoting_and_required_criteria() -> None:
    assert build_predicate(name="it's") == 'name="it\'s"'
    assert build_predicate(type="EEG", predicate="x") == "type='EEG' and (x)"
    with pytest.raises(Exception, match="at least one"):
        build_predicate()
