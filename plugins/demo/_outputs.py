"""Files the demo writes after the run: proposed calendar, its diff, and the figure."""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from heartmind.adapters.calendar.api import parse_calendar
from heartmind.files import write_private
from heartmind.sim.state import StateScript

from ._calendar_replay import CalendarOutcome, final_plan, policy_violations
from ._figure import FigureInputs, render_png
from ._live_view import describe_change
from ._pipeline import EMOTION_MODEL, DemoConfig, DemoPipeline
from ._series import DemoSeries

__all__ = ["Report", "write_outputs"]

log = logging.getLogger(__name__)

#: Stress level from which a scripted phase counts as the stress episode (0-1).
EPISODE_STRESS = 0.7
PROCESSORS = (
    "heart-rate, hrv, ppg-rate, eda, respiration, heart-emotion "
    f"({EMOTION_MODEL}), behaviour-emotion, stress, fusion, calendar"
)


@dataclass(frozen=True)
class Report:
    """What the summary prints: policy violations (empty when all holds) and lines."""

    violations: list[str]
    lines: list[str]


def _samples(pipeline: DemoPipeline, series: DemoSeries) -> list[tuple[datetime, float]]:
    clock = pipeline.session.clock
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return [
        (epoch + timedelta(seconds=clock.to_utc(t)), level)
        for t, level in series.stress.get("fused", [])
    ]


def _events(data: bytes) -> dict[tuple[str, str], list[str]]:
    cal = parse_calendar(data, "calendar")
    out = {}
    for comp in cal.walk("VEVENT"):
        key = (
            str(comp.get("UID", "")),
            str(comp.get("RECURRENCE-ID", "") and comp["RECURRENCE-ID"].to_ical().decode()),
        )
        out[key] = comp.to_ical().decode("utf-8").splitlines()
    return out


def _diff_text(outcome: CalendarOutcome, tz: tzinfo) -> str:
    """The readable plan, then a unified diff of each changed or new VEVENT."""
    when = outcome.now.astimezone(tz).strftime("%a %Y-%m-%d %H:%M %Z")
    parts = [
        f"# heartmind demo: changes the stress-aware calendar proposes at {when}\n"
        "# input: the calendar adapter's bundled data/sample-workday.ics (unchanged)\n"
        "# proposal: calendar-proposed.ics\n",
        outcome.diff,
        "# changed and new events (VEVENT), before -> after",
    ]
    before, after = _events(outcome.original), _events(outcome.result.data)
    for key, lines in after.items():
        old = before.get(key, [])
        if old != lines:
            name = key[0] + (f" RECURRENCE-ID {key[1]}" if key[1] else "")
            diff = difflib.unified_diff(
                old, lines, f"before: {name}", f"after: {name}", lineterm="", n=20
            )
            parts.append("\n".join(diff))
    return "\n".join(parts) + "\n"


def _episodes(config: DemoConfig, t0: float) -> list[tuple[float, float, str]]:
    script = StateScript.load(config.state)
    out = []
    for phase, start in zip(script.phases, script.starts, strict=True):
        if phase.stress >= EPISODE_STRESS and start < config.duration:
            end = min(start + phase.duration, config.duration)
            out.append((t0 + start, t0 + end, phase.name))
    return out


def write_outputs(
    config: DemoConfig, pipeline: DemoPipeline, series: DemoSeries, speed: float, tz: tzinfo
) -> Report:
    """Plan, audit and write ``calendar-proposed.ics``, ``calendar-diff.txt``, ``demo.png``.

    Parameters
    ----------
    config
        The run's configuration (output folder, state script, duration in s).
    pipeline
        The finished session and its calendar processor.
    series
        What the run collected.
    speed
        Measured speed (× real time), printed on the figure.
    tz
        Zone of the times shown (the calendar's).
    """
    cal = pipeline.calendar
    outcome = final_plan(
        cal.ics.read_bytes(),
        _samples(pipeline, series),
        series.changes,
        options=cal.options,
        horizon=cal.horizon,
        source=str(cal.ics),
    )
    write_private(config.out / "calendar-proposed.ics", outcome.result.data)
    write_private(config.out / "calendar-diff.txt", _diff_text(outcome, tz).encode())
    violations = policy_violations(outcome)
    session = pipeline.session
    clock = "real time" if config.realtime else f"virtual clock, {speed:,.0f}× real time"
    inputs = FigureInputs(
        series=series,
        utc_offset=session.clock.utc_offset,
        episodes=_episodes(config, session.start_time),
        outcome=outcome,
        title="heartmind demo — synthetic participant, simulated workday",
        footer=(
            f"Synthetic participant (heartmind.sim, seed {config.seed}); {clock}.\n"
            f"Processors: {PROCESSORS}.\nModels are trained on synthetic data only. "
            "Calendar: the adapter's bundled sample-workday.ics (Europe/Berlin)."
        ),
    )
    write_private(config.out / "demo.png", render_png(inputs, tz))
    lines = [f"calendar: {len(series.changes)} changes proposed live"]
    lines += [f"  {describe_change(c, tz)}" for c in series.changes]
    if not violations:
        lines.append(
            f"calendar policy check: ok ({outcome.moves} moved; no overlaps, working hours, "
            "deadlines kept, fixed events untouched, nothing in the past)"
        )
    return Report(violations, lines)
