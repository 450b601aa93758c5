"""A stopped rank ends a distributed run with one line instead of a silent hang (issue 13, 9).

Two gloo processes on the CPU under ``torch.distributed.run``; once training has started, rank 1
gets SIGSTOP. Rank 0's next gradient all-reduce waits only the process-group timeout
(``--dist-timeout``, tiny here), then rank 0 prints one ``rank 0:`` line naming rank 1 and the
launcher ends the run. Skip with ``-k "not torchrun"`` like the other multi-process tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cnnstudio.engine import distributed as ddp
from cnnstudio.engine.distributed import DistEnv, DistributedError

from .torchrun import TINY_DESIGN, free_port, torchrun_env

pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not hasattr(signal, "SIGSTOP"), reason="needs /proc and SIGSTOP"
)


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found += [int(c) for c in text.split()]
    return found


def _rank_of(pid: int) -> int | None:
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return None
    for item in environ:
        if item.startswith(b"RANK="):
            return int(item[5:])
    return None


def test_torchrun_a_stopped_rank_ends_the_run_with_one_line(tmp_path: Path) -> None:
    design = tmp_path / "tiny.cnn.json"
    design.write_text(json.dumps(TINY_DESIGN), encoding="utf-8")
    err_path = tmp_path / "stderr.txt"
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
        "--master_port", str(free_port()), "-m", "cnnstudio", "train", str(design),
        "--dataset", "digits", "--epochs", "50", "--batch-size", "8", "--num-threads", "1",
        "--quiet", "--out", str(tmp_path / "run"), "--dist-timeout", "4",
    ]  # fmt: skip
    with open(err_path, "w", encoding="utf-8") as err_file:
        proc = subprocess.Popen(
            cmd, env=torchrun_env(), stdout=subprocess.PIPE, stderr=err_file, text=True
        )
    stopped: int | None = None
    try:
        assert proc.stdout is not None
        for line in proc.stdout:  # rank 0 prints this once both ranks have joined and started
            if line.startswith("training on 2 processes"):
                break
        else:
            pytest.fail(f"training did not start: {err_path.read_text()[-2000:]}")
        stopped = next(pid for pid in _children(proc.pid) if _rank_of(pid) == 1)
        os.kill(stopped, signal.SIGSTOP)
        started = time.monotonic()
        deadline = started + 120
        while "rank 0:" not in err_path.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        waited = time.monotonic() - started
        os.kill(stopped, signal.SIGCONT)  # let the launcher's SIGTERM reach it at once
        proc.wait(timeout=120)
    finally:
        if proc.stdout is not None:
            proc.stdout.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        if stopped is not None:
            try:
                os.kill(stopped, signal.SIGCONT)
                os.kill(stopped, signal.SIGKILL)
            except ProcessLookupError:
                pass
    assert waited < 120, "rank 0 waited for the stopped rank without a timeout"
    assert proc.returncode != 0
    ours = [ln for ln in err_path.read_text().splitlines() if ln.startswith("cnnstudio: error:")]
    assert ours[0] == (
        "cnnstudio: error: rank 0: rank 1 stopped answering (no reply within the 4 s "
        "process-group timeout; change it with --dist-timeout or CNNSTUDIO_DIST_TIMEOUT): it was "
        "stopped, hung or died"
    ), err_path.read_text()[-3000:]
    # Continued, rank 1 may find rank 0 gone before the launcher's SIGTERM: one line as well.
    assert all(ln.startswith("cnnstudio: error: rank 1: rank 0 stopped") for ln in ours[1:])
    # What the processes print comes before the launcher's own report (which has a traceback).
    assert "Traceback" not in err_path.read_text().split("torch/distributed/elastic")[0]


def test_timeout_comes_from_the_option_then_the_environment() -> None:
    assert ddp.timeout_seconds(None, {}) == ddp.DEFAULT_TIMEOUT_S == 600
    assert ddp.timeout_seconds(None, {"CNNSTUDIO_DIST_TIMEOUT": "2.5"}) == 2.5
    assert ddp.timeout_seconds(7, {"CNNSTUDIO_DIST_TIMEOUT": "2.5"}) == 7
    with pytest.raises(DistributedError, match="CNNSTUDIO_DIST_TIMEOUT must be a number"):
        ddp.timeout_seconds(None, {"CNNSTUDIO_DIST_TIMEOUT": "soon"})
    with pytest.raises(DistributedError, match="--dist-timeout must be between 0 and 604800"):
        ddp.timeout_seconds(0)


def test_peer_failures_are_described_and_others_are_not() -> None:
    two = DistEnv(rank=0, world_size=2, local_rank=0, local_world_size=2)
    four = DistEnv(rank=2, world_size=4, local_rank=2, local_world_size=4)
    gloo = "DistBackendError: [../third_party/gloo/...] Timed out waiting 4000ms for recv"
    assert ddp.describe_failure(gloo, two, 4).startswith("rank 1 stopped answering")
    assert ddp.describe_failure(gloo, four, 4).startswith("one of the other 3 ranks stopped")
    assert ddp.describe_failure("ValueError: bad shape", two, 4) is None
    assert ddp.describe_failure(gloo, DistEnv(), 4) is None
