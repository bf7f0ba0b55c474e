"""``heartmind simulate``: a simulated participant published as real LSL outlets.

Argument parsing only at import; the simulator and pylsl load when the command runs.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from typing import TYPE_CHECKING

from heartmind.errors import ConfigError

if TYPE_CHECKING:
    from heartmind.plugin_manager import PluginManager

    from ._lsl_outlets import SimulatedOutlets

__all__ = ["configure", "run"]

_MODALITIES = ("ecg", "ppg", "eeg", "eda", "rsp", "radar", "face", "keys", "mouse")


def configure(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``heartmind simulate``."""
    parser.add_argument(
        "modalities",
        nargs="*",
        metavar="MODALITY",
        help=f"streams to publish, from {', '.join(_MODALITIES)} (default: ecg)",
    )
    parser.add_argument(
        "--duration", type=float, metavar="S", help="seconds to publish (default: until Ctrl-C)"
    )
    parser.add_argument(
        "--name-prefix", default="sim", metavar="P", help="streams are named P-TYPE (default sim)"
    )
    parser.add_argument(
        "--state",
        default="rest-stress-recovery",
        metavar="SCRIPT",
        help="bundled state script name or TOML file (default rest-stress-recovery)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="N", help="random seed")
    parser.add_argument(
        "--source-id",
        metavar="ID",
        help="LSL source ids are ID-TYPE (default: unique per run)",
    )
    parser.add_argument(
        "--chunk-duration", type=float, default=0.05, metavar="S", help="push interval, s"
    )
    parser.add_argument(
        "--snr-db", type=float, metavar="DB", help="add noise at this SNR (default: clean)"
    )
    parser.add_argument(
        "--lsl-scope",
        choices=("machine", "lan"),
        default="machine",
        help="LSL scope: machine (default) or lan (visible on the local network)",
    )


def _modalities(names: list[str]) -> tuple[str, ...]:
    out: list[str] = []
    for name in names or ["ecg"]:
        if name.lower() not in _MODALITIES:
            raise ConfigError(
                f"simulate: unknown modality {name!r}; choose from {', '.join(_MODALITIES)}."
            )
        if name.upper() not in out:
            out.append(name.upper())
    return tuple(out)


def _describe(outlets: SimulatedOutlets, source_id: str) -> None:
    print(f"publishing on LSL (source ids {source_id}-TYPE):", file=sys.stderr)
    for info in outlets.infos:
        rate = f"{info.rate:g} Hz" if info.rate else "irregular"
        print(f"  {info.name}  {info.type}  {rate}  {info.n_channels} ch", file=sys.stderr)
    print("Ctrl-C stops.", file=sys.stderr, flush=True)


def run(args: argparse.Namespace, manager: PluginManager) -> int:
    """Run ``heartmind simulate``; returns the exit status."""
    from heartmind.cli.commands import stop_on_signals
    from heartmind.plugins.lsl.api import ensure_lsl
    from heartmind.sim import Participant

    from ._lsl_outlets import SimulatedOutlets

    if args.duration is not None and args.duration <= 0:
        raise ConfigError("simulate: --duration must be a positive number of s.")
    if args.chunk_duration <= 0:
        raise ConfigError("simulate: --chunk-duration must be a positive number of s.")
    stop_on_signals()
    pylsl = ensure_lsl(args.lsl_scope)
    participant = Participant(
        state=args.state,
        seed=args.seed,
        modalities=_modalities(args.modalities),
        snr_db=args.snr_db,
        name_prefix=args.name_prefix,
    )
    source_id = args.source_id or f"heartmind-sim-{uuid.uuid4().hex[:12]}"
    outlets = SimulatedOutlets(participant, pylsl, source_id, args.chunk_duration)
    _describe(outlets, source_id)
    interrupted = False
    try:
        outlets.run(args.duration)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        outlets.close()
    stats = outlets.stats
    span = max(0.0, stats.last - stats.t0)
    total = sum(stats.samples.values())
    how = "stopped" if interrupted else "done"
    print(
        f"{how}: {total:,} samples over {span:,.3f} s of LSL time; "
        f"latest push {stats.late * 1e3:.1f} ms after due",
        file=sys.stderr,
    )
    return 0
