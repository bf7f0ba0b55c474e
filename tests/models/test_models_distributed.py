"""The training loop under torchrun: two CPU processes on the gloo backend.

Runs tests/models/ddp_train.py once with ``python -m torch.distributed.run
--nproc_per_node=2 --standalone`` and once as a plain process — the same command a user
runs on a cluster — and compares: both ranks end with the same weights, equal (within
float rounding) to the one-process run with the same effective batch; the loss fell; an
interrupted DDP run resumes exactly; only rank 0 shows progress and writes checkpoints.
Local only (loopback); the suite runs it inside scripts/loopback-only.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).with_name("ddp_train.py")
# Two torch start-ups and a rendezvous: generous on a machine with both cores busy.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", GLOO_SOCKET_IFNAME="lo", MASTER_ADDR="127.0.0.1")
    for name in ("WORLD_SIZE", "RANK", "LOCAL_RANK", "MASTER_PORT"):
        env.pop(name, None)
    return env


def _start(command: list[str], out: Path) -> subprocess.Popen[str]:
    out.mkdir()
    return subprocess.Popen(
        [*command, str(SCRIPT), str(out)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _finish(process: subprocess.Popen[str]) -> str:
    try:
        stdout, stderr = process.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    return stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """Both runs at once (the one-process run overlaps torchrun's start-up)."""
    base = tmp_path_factory.mktemp("ddp")
    torchrun = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2"]
    one = _start([sys.executable], base / "one")
    two = _start([*torchrun, "--standalone"], base / "two")
    stderr = _finish(two)
    _finish(one)
    return base / "two", base / "one", stderr


def _weights(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as npz:
        return {k: npz[k] for k in npz.files}


def _assert_same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> None:
    assert a.keys() == b.keys()
    for key in a:
        np.testing.assert_array_equal(a[key], b[key], err_msg=key)


def _timeless(record: dict[str, float]) -> dict[str, float]:
    return {k: v for k, v in record.items() if k != "seconds"}


def test_both_ranks_end_with_the_same_weights(runs: tuple[Path, Path, str]) -> None:
    two, _, _ = runs
    for phase in ("plain", "straight", "resumed", "cam"):
        _assert_same(_weights(two / f"{phase}-rank0.npz"), _weights(two / f"{phase}-rank1.npz"))


def test_two_processes_match_one_with_the_same_effective_batch(
    runs: tuple[Path, Path, str],
) -> None:
    two, one, _ = runs
    ddp, single = _weights(two / "plain-rank0.npz"), _weights(one / "plain-rank0.npz")
    for key in single:
        np.testing.assert_allclose(ddp[key], single[key], atol=1e-5, err_msg=key)
    history = json.loads((two / "plain-rank0.json").read_text())
    assert history[-1]["train_loss"] < history[0]["train_loss"] / 3
    other = json.loads((two / "plain-rank1.json").read_text())
    assert [_timeless(h) for h in history] == [_timeless(h) for h in other]
    reference = json.loads((one / "plain-rank0.json").read_text())
    for mine, theirs in zip(history, reference, strict=True):
        assert mine["val_loss"] == pytest.approx(theirs["val_loss"], rel=1e-4)


def test_an_interrupted_ddp_run_resumes_exactly(runs: tuple[Path, Path, str]) -> None:
    two, one, _ = runs
    for folder in (two, one):
        _assert_same(
            _weights(folder / "straight-rank0.npz"), _weights(folder / "resumed-rank0.npz")
        )
    straight = json.loads((two / "straight-rank1.json").read_text())
    resumed = json.loads((two / "resumed-rank1.json").read_text())
    assert [_timeless(h) for h in straight] == [_timeless(h) for h in resumed]


def test_only_rank_0_reports_and_writes(runs: tuple[Path, Path, str]) -> None:
    two, _, stderr = runs
    assert stderr.count("epoch 20/20") == 1, stderr[-2000:]
    files = sorted(p.name for p in (two / "plain-ckpt").iterdir())
    assert files == ["best.ckpt", "last.ckpt"]
    for name in files:
        assert stat.S_IMODE((two / "plain-ckpt" / name).stat().st_mode) == 0o600
