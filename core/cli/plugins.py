"""``heartmind plugins [NAME] [--json]``: the plugins, what they provide, and one spec in full.

Without NAME: every plugin with its version, status, specs and failures (exit status 1 if
one failed). With NAME (a spec such as ``heart-rate``, or a plugin such as ``cardiac``):
its inputs, outputs and every option with type, unit, default, range, choices and help.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from ..errors import PluginError
from ..plugin_manager import PluginManager, PluginRecord
from ..suggest import did_you_mean

__all__ = ["plugins"]

_STATUS = {"loaded": "[green]loaded", "failed": "[red]failed", "disabled": "[yellow]disabled"}


def plugins(args: argparse.Namespace, manager: PluginManager) -> int:
    """Run ``heartmind plugins``; returns the exit status."""
    records = manager.report()
    name = getattr(args, "name", None)
    if name:
        return _one(name, records, manager, args.json)
    if args.json:
        print(_json([_record_dict(r, manager) for r in records]))
        return 0
    table = Table(title="heartmind plugins")
    for column in ("plugin", "version", "status", "provides", "problems"):
        table.add_column(column, overflow="fold")
    for r in records:
        provides = "; ".join(f"{k}: {', '.join(v)}" for k, v in r.provides.items() if v)
        if r.event_hook:
            provides = f"{provides}; event hook" if provides else "event hook"
        problems = "\n".join(r.errors) or "-"
        table.add_row(r.name, r.version or "-", _STATUS[r.status], provides or "-", problems)
    Console().print(table)
    print(
        "Details of one spec or plugin: heartmind plugins NAME (e.g. heartmind plugins heart-rate)"
    )
    return 1 if any(r.status == "failed" for r in records) else 0


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)


def _record_dict(record: PluginRecord, manager: PluginManager) -> dict[str, Any]:
    """A plugin's record with the full description of each spec it provides."""
    specs = {
        kind: {name: _spec_dict(kind, _get(manager, kind, name)) for name in names}
        for kind, names in record.provides.items()
    }
    return {**record.to_dict(), "specs": specs}


def _spec_dict(kind: str, spec: Any) -> dict[str, Any]:
    return {"kind": kind[:-1], "plugin": spec.plugin, **spec.describe()}


def _one(name: str, records: list[PluginRecord], manager: PluginManager, as_json: bool) -> int:
    """Describe the spec(s) called ``name``, or else the plugin called ``name``."""
    by_name = {r.name: r for r in records}
    found: list[tuple[str, Any]] = list(manager.find(name).items())
    if not found and name not in by_name:
        known = manager.spec_names() + sorted(by_name)
        raise PluginError(
            f"no spec or plugin named {name!r}; specs: {', '.join(manager.spec_names())}."
            f"{did_you_mean(name, known)} (see 'heartmind plugins')"
        )
    record = None if found else by_name[name]
    if record is not None:  # a plugin: its record and every spec it provides
        if as_json:
            print(_json(_record_dict(record, manager)))
            return 0
        _print_record(record)
        found = [(k, _get(manager, k, n)) for k, names in record.provides.items() for n in names]
    if as_json:
        specs = [_spec_dict(kind, spec) for kind, spec in found]
        print(_json(specs[0] if len(specs) == 1 else specs))
        return 0
    console = Console()
    for kind, spec in found:
        _print_spec(console, kind, spec)
    return 0


def _get(manager: PluginManager, kind: str, name: str) -> Any:
    return manager.get(kind, name)  # type: ignore[arg-type]


def _print_record(record: PluginRecord) -> None:
    where = f" from {record.distribution} {record.version}" if record.distribution else ""
    print(f"plugin {record.name} ({record.module}{where}): {record.status}")
    for error in record.errors:
        print(f"  problem: {error}")
    print()


def _print_spec(console: Console, kind: str, spec: Any) -> None:
    described = spec.describe()
    console.print(
        f"[bold]{spec.name}[/bold] — {kind[:-1]} of plugin {spec.plugin}", highlight=False
    )
    if spec.description:
        console.print(f"  {spec.description}", highlight=False)
    for key, label in (
        ("produces", "produces"),
        ("inputs", "inputs"),
        ("events", "events"),
        ("outputs", "outputs"),
        ("streams", "streams"),
    ):
        if key in described:
            console.print(f"  {label}: {', '.join(described[key]) or '-'}", highlight=False)
    options = described["options"]
    if not options:
        console.print("  options: none\n", highlight=False)
        return
    table = Table(title=f"options of {spec.name}", title_justify="left")
    table.add_column("option", no_wrap=True)
    for column in ("type", "unit", "default", "range / choices", "help"):
        table.add_column(column, overflow="fold")
    for name, o in options.items():
        allowed = ", ".join(map(str, o["choices"])) if o["choices"] else _range(o["min"], o["max"])
        table.add_row(
            name,
            f"{o['type']}[{o['item']}]" if o["item"] else o["type"],
            o["unit"] or "-",
            "required" if o["required"] else repr(o["default"]),
            allowed,
            o["help"] or "-",
        )
    console.print(table)
    console.print()


def _range(lo: float | None, hi: float | None) -> str:
    if lo is None and hi is None:
        return "-"
    if hi is None:
        return f">= {lo:g}"
    if lo is None:
        return f"<= {hi:g}"
    return f"{lo:g} … {hi:g}"
