"""The plugin manager over real entry points (fake distributions written to a tmp dir)."""

from __future__ import annotations

import sys
from importlib import metadata

import pytest
from core_testkit import FakeDist, GeneratedSensor, RateProcessor

from heartmind import PluginError, PluginManager, Session
from heartmind.events import HeartRate

BUILTINS = ("simulator", "cardiac", "console")

GOOD = """
import heartmind
from heartmind import ConsumerSpec, Option, ProcessorSpec, SensorSpec
from core_testkit import GeneratedSensor, RateProcessor, RecordingConsumer


def _sensor(*, n_chunks, seed):
    return GeneratedSensor("good", n_chunks=n_chunks, seed=seed)


@heartmind.hookimpl
def heartmind_sensors():
    yield SensorSpec(name="good-sensor", produces=("ECG",), factory=_sensor,
                     options={"n_chunks": Option(int, 5, min=1), "seed": Option(int, 0)})


@heartmind.hookimpl
def heartmind_processors():
    return [ProcessorSpec(name="good-rate", inputs=("ECG",), outputs=("heart_rate",),
                          factory=RateProcessor)]


@heartmind.hookimpl
def heartmind_consumers():
    return [ConsumerSpec(name="good-rec", factory=RecordingConsumer)]
"""

BAD_IMPORT = """
raise ImportError("libcore_test_foo.so: cannot open shared object file")
"""

HOOK_RAISES = """
import heartmind
from heartmind import ProcessorSpec
from core_testkit import RateProcessor


@heartmind.hookimpl
def heartmind_sensors():
    raise RuntimeError("device registry unreachable")


@heartmind.hookimpl
def heartmind_processors():
    return [ProcessorSpec(name="still-here", factory=RateProcessor)]
"""

WRONG_TYPE = """
import heartmind


@heartmind.hookimpl
def heartmind_sensors():
    return ["not a spec"]
"""


def dup_source(tag: str) -> str:
    return f"""
import heartmind
from heartmind import SensorSpec
from core_testkit import GeneratedSensor


@heartmind.hookimpl
def heartmind_sensors():
    return [SensorSpec(name="dup-sensor", factory=lambda: GeneratedSensor("{tag}"))]
"""


EVENT_HOOKS = """
import heartmind

SEEN = []


@heartmind.hookimpl
def heartmind_event(event):
    SEEN.append(event)
"""

EVENT_HOOK_RAISES = """
import heartmind


@heartmind.hookimpl
def heartmind_event(event):
    raise ValueError("cannot handle " + event.topic)
"""


def _mod(name: str) -> str:
    return f"core_test_plug_{name}"


def make_good_and_bad(fake_dist: FakeDist) -> None:
    fake_dist(
        "core-test-plugins",
        {"good": _mod("good"), "bad": _mod("bad")},
        {_mod("good"): GOOD, _mod("bad"): BAD_IMPORT},
    )


# ---------------------------------------------------------------- discovery


def test_builtin_plugins_are_discovered_through_entry_points() -> None:
    eps = {ep.name: ep for ep in metadata.entry_points(group="heartmind")}
    for name in BUILTINS:
        assert eps[name].value == f"heartmind.plugins.{name}"
    pm = PluginManager()
    records = {r.name: r for r in pm.report()}
    for name in BUILTINS:
        rec = records[name]
        assert rec.status == "loaded", rec.errors
        assert rec.errors == []
        assert rec.module == f"heartmind.plugins.{name}"
        assert rec.distribution == "heartmind"
        assert rec.version


def test_console_consumers_come_from_the_console_plugin() -> None:
    consumers = PluginManager().consumers()
    assert "console" in consumers, f"no 'console' consumer; consumers: {sorted(consumers)}"
    assert consumers["console"].plugin == "console"
    assert consumers["jsonl"].plugin == "console"


def test_no_entry_points_when_disabled() -> None:
    pm = PluginManager(load_entry_points=False)
    assert pm.report() == []
    assert pm.sensors() == {}


def test_fake_distribution_plugin_is_loaded(fake_dist: FakeDist) -> None:
    make_good_and_bad(fake_dist)
    pm = PluginManager()
    rec = pm.records["good"]
    assert rec.status == "loaded"
    assert rec.distribution == "core-test-plugins"
    assert rec.version == "0.1"
    assert pm.sensors()["good-sensor"].plugin == "good"
    assert rec.provides == {
        "sensors": ["good-sensor"],
        "processors": ["good-rate"],
        "consumers": ["good-rec"],
        "commands": [],
        "models": [],
    }
    assert rec.to_dict()["provides"]["processors"] == ["good-rate"]


# ---------------------------------------------------------------- isolation of failures


def test_import_failure_is_recorded_and_others_work(fake_dist: FakeDist) -> None:
    make_good_and_bad(fake_dist)
    pm = PluginManager()
    bad = pm.records["bad"]
    assert bad.status == "failed"
    assert len(bad.errors) == 1
    assert bad.errors[0].startswith("import failed: ImportError: libcore_test_foo.so")
    assert "good-sensor" in pm.sensors()
    for name in BUILTINS:
        assert pm.records[name].status == "loaded"
    with pytest.raises(PluginError, match=r"no sensor named 'nope'.*failed to load: bad"):
        pm.get("sensors", "nope")


def test_session_runs_despite_a_broken_plugin(fake_dist: FakeDist) -> None:
    make_good_and_bad(fake_dist)
    pm = PluginManager()
    session = Session(clock="virtual", plugins=pm, seed=3)
    session.add_sensor("good-sensor", name="ecg", n_chunks=4)
    session.add_processor("good-rate", name="hr")
    rates: list[HeartRate] = []
    session.subscribe("heart_rate", rates.append)
    stats = session.run()
    assert len(rates) == 4
    assert stats["sensors"]["ecg"]["chunks"] == 4


def test_raising_hook_is_recorded_and_others_work(fake_dist: FakeDist) -> None:
    fake_dist(
        "core-test-hooks",
        {"good": _mod("good"), "raiser": _mod("raiser")},
        {_mod("good"): GOOD, _mod("raiser"): HOOK_RAISES},
    )
    pm = PluginManager()
    assert "good-sensor" in pm.sensors()
    assert "still-here" in pm.processors()  # its other hook still counts
    rec = pm.records["raiser"]
    assert rec.status == "failed"
    assert len(rec.errors) == 1
    assert rec.errors[0].startswith(
        "heartmind_sensors raised: RuntimeError: device registry unreachable"
    )
    assert _mod("raiser") in rec.errors[0]  # where it was raised


def test_wrong_spec_type_is_a_plugin_failure(fake_dist: FakeDist) -> None:
    fake_dist("core-test-wrong", {"wrong": _mod("wrong")}, {_mod("wrong"): WRONG_TYPE})
    pm = PluginManager(only=["wrong"])
    assert pm.sensors() == {}
    rec = pm.records["wrong"]
    assert rec.status == "failed"
    assert "returned str, expected SensorSpec" in rec.errors[0]


def test_strict_mode_reraises_import_failure(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_good_and_bad(fake_dist)
    monkeypatch.setenv("HEARTMIND_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match=r"plugin 'bad': import failed: ImportError") as info:
        PluginManager()
    assert isinstance(info.value.__cause__, ImportError)


def test_strict_mode_reraises_hook_failure(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dist("core-test-hooks", {"raiser": _mod("raiser")}, {_mod("raiser"): HOOK_RAISES})
    monkeypatch.setenv("HEARTMIND_STRICT_PLUGINS", "yes")
    pm = PluginManager()
    assert pm.strict
    with pytest.raises(PluginError, match=r"plugin 'raiser': heartmind_sensors raised"):
        pm.sensors()


def test_strict_argument_overrides_environment(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_good_and_bad(fake_dist)
    monkeypatch.setenv("HEARTMIND_STRICT_PLUGINS", "1")
    assert PluginManager(strict=False).records["bad"].status == "failed"


# ---------------------------------------------------------------- selection


def test_env_selects_only_some_plugins(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_good_and_bad(fake_dist)
    monkeypatch.setenv("HEARTMIND_PLUGINS", "good, console")
    pm = PluginManager()
    status = {r.name: r.status for r in pm.report()}
    assert status["good"] == "loaded"
    assert status["console"] == "loaded"
    assert status["bad"] == "disabled"  # never imported, so it cannot fail
    assert status["simulator"] == "disabled"
    assert status["cardiac"] == "disabled"
    assert _mod("bad") not in sys.modules


def test_env_disables_plugins(fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch) -> None:
    make_good_and_bad(fake_dist)
    monkeypatch.setenv("HEARTMIND_DISABLE_PLUGINS", "bad,good")
    pm = PluginManager()
    assert pm.records["bad"].status == "disabled"
    assert pm.records["good"].status == "disabled"
    assert "good-sensor" not in pm.sensors()
    assert pm.records["console"].status == "loaded"


def test_only_and_disable_arguments(fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch) -> None:
    make_good_and_bad(fake_dist)
    monkeypatch.setenv("HEARTMIND_PLUGINS", "bad")  # overridden by only=
    pm = PluginManager(only=["good", "bad"], disable=["bad"])
    status = {r.name: r.status for r in pm.report()}
    assert status["good"] == "loaded"
    assert {name for name, st in status.items() if st != "disabled"} == {"good"}
    assert {"bad", *BUILTINS} <= set(status)
    assert set(pm.sensors()) == {"good-sensor"}


def test_register_directly_respects_selection() -> None:
    import types

    plugin = types.ModuleType("core_test_inline")
    pm = PluginManager(load_entry_points=False, disable=["core_test_inline"])
    assert pm.register(plugin).status == "disabled"
    with pytest.raises(PluginError, match=r"already registered"):
        pm.register(plugin)


# ---------------------------------------------------------------- duplicates


def make_duplicates(fake_dist: FakeDist) -> None:
    fake_dist(
        "core-test-dups",
        {"alpha": _mod("alpha"), "beta": _mod("beta"), "good": _mod("good")},
        {_mod("alpha"): dup_source("a"), _mod("beta"): dup_source("b"), _mod("good"): GOOD},
    )


def test_duplicate_spec_names_both_plugins(fake_dist: FakeDist) -> None:
    make_duplicates(fake_dist)
    pm = PluginManager()
    assert "dup-sensor" not in pm.sensors()
    assert "good-sensor" in pm.sensors()
    with pytest.raises(PluginError) as info:
        pm.get("sensors", "dup-sensor")
    msg = str(info.value)
    assert "'alpha'" in msg and "'beta'" in msg
    assert "disable one of them" in msg
    for name in ("alpha", "beta"):
        rec = pm.records[name]
        assert any("'alpha'" in e and "'beta'" in e for e in rec.errors), rec.errors
        assert rec.provides["sensors"] == []


def test_duplicate_disappears_when_one_plugin_is_disabled(fake_dist: FakeDist) -> None:
    make_duplicates(fake_dist)
    pm = PluginManager(disable=["alpha"])
    assert pm.get("sensors", "dup-sensor").plugin == "beta"


def test_duplicate_in_strict_mode_raises_at_collection(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_duplicates(fake_dist)
    monkeypatch.setenv("HEARTMIND_STRICT_PLUGINS", "1")
    pm = PluginManager()  # importing is fine; the clash shows when specs are collected
    with pytest.raises(PluginError, match=r"'dup-sensor' is declared by both plugin 'alpha' and"):
        pm.sensors()


# ---------------------------------------------------------------- heartmind_event


def test_event_hook_sees_session_events_and_failures_are_counted(fake_dist: FakeDist) -> None:
    fake_dist(
        "core-test-events",
        {"listener": _mod("listener"), "broken": _mod("broken")},
        {_mod("listener"): EVENT_HOOKS, _mod("broken"): EVENT_HOOK_RAISES},
    )
    pm = PluginManager()
    assert pm.records["listener"].event_hook
    assert pm.records["broken"].event_hook
    assert not pm.records["console"].event_hook
    assert pm.has_event_hooks()
    session = Session(clock="virtual", plugins=pm, seed=1)
    session.add_sensor(GeneratedSensor("ecg", n_chunks=12))
    session.add_processor(RateProcessor(), name="hr")
    received: list[HeartRate] = []
    session.subscribe("heart_rate", received.append)
    session.run()
    seen = sys.modules[_mod("listener")].SEEN
    assert len(received) == 12
    assert seen == received  # same events, same order, with time filled in
    assert all(ev.time for ev in seen)
    assert pm.event_hook_errors == {"broken": 12}
    assert session.stats()["subscribers"]["plugin-hooks"]["errors"] == 0


def test_register_in_code_is_not_hidden_by_only_but_obeys_disable() -> None:
    import types

    plugin = types.ModuleType("in_code_plugin")
    pm = PluginManager(load_entry_points=False, only=["something-else"], disable=["off"])
    assert pm.register(plugin, name="mine").status == "loaded"
    assert pm.register(types.ModuleType("other"), name="off").status == "disabled"


# ---------------------------------------------------------------- pluggy's safety nets

MISSPELLED = """
import heartmind
from heartmind import SensorSpec
from core_testkit import GeneratedSensor


@heartmind.hookimpl
def heartmind_sensor():
    return [SensorSpec(name="never-seen", factory=GeneratedSensor)]
"""


def test_a_misspelled_hook_makes_the_plugin_fail(fake_dist: FakeDist) -> None:
    fake_dist(
        "core-test-typo",
        {"typo": _mod("typo"), "good": _mod("good")},
        {_mod("typo"): MISSPELLED, _mod("good"): GOOD},
    )
    pm = PluginManager()
    rec = pm.records["typo"]
    assert rec.status == "failed"
    assert rec.errors == [
        "implements unknown hook 'heartmind_sensor' (did you mean 'heartmind_sensors'?); "
        "heartmind's hooks are heartmind_commands, heartmind_consumers, heartmind_event, "
        "heartmind_models, heartmind_processors, heartmind_sensors. The plugin is not loaded."
    ]
    assert "never-seen" not in pm.sensors()
    assert "good-sensor" in pm.sensors()  # the others are unaffected
    assert pm.records["good"].status == "loaded"


def test_a_misspelled_hook_raises_in_strict_mode(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dist("core-test-typo", {"typo": _mod("typo")}, {_mod("typo"): MISSPELLED})
    monkeypatch.setenv("HEARTMIND_STRICT_PLUGINS", "1")
    with pytest.raises(PluginError, match=r"plugin 'typo': implements unknown hook 'heartmind_se"):
        PluginManager()


def test_a_misspelled_hook_registered_in_code_fails_too() -> None:
    import types

    plugin = types.ModuleType("core_test_inline_typo")
    exec(MISSPELLED.replace("from core_testkit import GeneratedSensor", ""), plugin.__dict__)
    pm = PluginManager(load_entry_points=False)
    assert pm.register(plugin, name="inline").status == "failed"
    assert pm.sensors() == {}


def test_only_naming_an_uninstalled_plugin_is_an_error(fake_dist: FakeDist) -> None:
    make_good_and_bad(fake_dist)
    with pytest.raises(PluginError) as info:
        PluginManager(only=["god", "console"])
    msg = str(info.value)
    assert "no installed plugin is named 'god'" in msg
    assert "installed plugins: analysis, " in msg and ", bad, " in msg
    assert msg.endswith("Did you mean 'good'?")


def test_disabling_an_uninstalled_plugin_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="heartmind.plugin_manager"):
        pm = PluginManager(disable=["cardaic"])
    assert pm.records["cardiac"].status == "loaded"
    assert "no installed plugin is named 'cardaic'" in caplog.text
    assert "Did you mean 'cardiac'?" in caplog.text


def test_tracing_logs_every_hook_call_through_pluggy(
    fake_dist: FakeDist, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    fake_dist("core-test-events", {"listener": _mod("listener")}, {_mod("listener"): EVENT_HOOKS})
    monkeypatch.setenv("HEARTMIND_TRACE_PLUGINS", "1")
    with caplog.at_level("DEBUG", logger="heartmind.plugin_manager.trace"):
        pm = PluginManager(only=["listener", "cardiac"])
        pm.processors()
        pm.call_event(HeartRate(timestamp=2.5, bpm=61.0, source="hr"))
    lines = [r.getMessage() for r in caplog.records if r.name.endswith(".trace")]
    assert "call heartmind_processors() -> cardiac" in lines
    assert "plugin cardiac declares processors: heart-rate, hrv" in lines
    assert "call heartmind_event(event=<heart_rate event at 2.500 s from hr>) -> listener" in lines
    assert "  heartmind_event returned []" in lines
    assert not any("61" in line for line in lines)  # event contents never reach the log


def test_hooks_are_called_through_pluggy_one_plugin_at_a_time(fake_dist: FakeDist) -> None:
    """A monitoring hook added to pluggy sees every spec hook call, once per plugin."""
    fake_dist(
        "core-test-hooks",
        {"good": _mod("good"), "raiser": _mod("raiser")},
        {_mod("good"): GOOD, _mod("raiser"): HOOK_RAISES},
    )
    pm = PluginManager(only=["good", "raiser"])
    seen: list[tuple[str, tuple[str, ...]]] = []
    pm._pm.add_hookcall_monitoring(
        lambda hook, impls, kwargs: seen.append((hook, tuple(i.plugin_name for i in impls))),
        lambda outcome, hook, impls, kwargs: None,
    )
    pm.report()
    assert ("heartmind_sensors", ("good",)) in seen
    assert ("heartmind_sensors", ("raiser",)) in seen  # raised, alone
    assert ("heartmind_processors", ("raiser",)) in seen  # and its other hook still ran
    assert "still-here" in pm.processors()
