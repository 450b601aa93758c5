"""Tests for multi-process training: environment, sharding, helpers and a real 2-process run.

``test_torchrun_*`` start ``torch.distributed.run`` with two CPU (gloo) processes; they run in
``make test`` and take about 20 s on two cores. Skip them with ``-k "not torchrun"``.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn
from torch.utils.data import DistributedSampler

from cnnstudio.cli import main as cli_main
from cnnstudio.engine import distributed as ddp
from cnnstudio.engine.checkpoint import load_checkpoint, save_checkpoint, unwrap_state_dict
from cnnstudio.engine.distributed import DistEnv, DistributedError

from .torchrun import TINY_DESIGN, TORCHRUN_ENV, free_port, torchrun_env

# --------------------------------------------------------------------------- environment


def test_env_defaults_to_one_process() -> None:
    env = DistEnv.from_env({})
    assert (env.rank, env.world_size, env.local_rank, env.distributed, env.is_main) == (
        0,
        1,
        0,
        False,
        True,
    )


def test_env_from_torchrun_variables() -> None:
    env = DistEnv.from_env(
        {"RANK": "5", "WORLD_SIZE": "8", "LOCAL_RANK": "1", "LOCAL_WORLD_SIZE": "4"}
    )
    assert (env.rank, env.world_size, env.local_rank, env.local_world_size) == (5, 8, 1, 4)
    assert env.distributed and not env.is_main


@pytest.mark.parametrize(
    ("variables", "match"),
    [
        ({"WORLD_SIZE": "two"}, "WORLD_SIZE must be a whole number"),
        ({"RANK": "2", "WORLD_SIZE": "2"}, "RANK 2 is outside 0..1"),
        ({"WORLD_SIZE": "0"}, "WORLD_SIZE must be at least 1"),
    ],
)
def test_bad_env_is_one_line_error(variables: dict[str, str], match: str) -> None:
    with pytest.raises(DistributedError, match=match) as info:
        DistEnv.from_env(variables)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("n", [1, 5, 10, 11, 64])
@pytest.mark.parametrize("world", [1, 2, 3, 4])
def test_shards_match_distributed_sampler(n: int, world: int) -> None:
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(n * world))
    shards = [ddp.shard_indices(perm, rank, world) for rank in range(world)]
    for rank, shard in enumerate(shards):
        sampler = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=False)
        assert shard.tolist() == [int(perm[i]) for i in sampler]
        assert len(shard) == ddp.shard_size(n, world) == len(sampler)
    assert set(torch.cat(shards).tolist()) == set(range(n))


def test_device_choice_per_process() -> None:
    two = DistEnv(rank=1, world_size=2, local_rank=1, local_world_size=2)
    assert ddp.device_for(two, "cpu") == torch.device("cpu")
    with pytest.raises(DistributedError, match="cuda:LOCAL_RANK"):
        ddp.device_for(two, "cuda:0")
    with pytest.raises(DistributedError, match="cannot be used under torchrun"):
        ddp.device_for(two, "mps")
    if not torch.cuda.is_available():
        assert ddp.device_for(two, "auto") == torch.device("cpu")
        with pytest.raises(DistributedError, match="not available"):
            ddp.device_for(two, "cuda")
    assert ddp.device_for(DistEnv(), "cpu") == torch.device("cpu")


def test_helpers_without_a_process_group() -> None:
    assert not ddp.is_initialized() and ddp.is_main()
    t = torch.tensor([1.5, 2.0])
    assert ddp.all_reduce_sum(t) is t and t.tolist() == [1.5, 2.0]
    assert ddp.all_gather_cat(t) is t
    bn = nn.BatchNorm1d(3)
    before = {k: v.clone() for k, v in bn.state_dict().items()}
    ddp.average_buffers(bn)
    assert all(torch.equal(before[k], v) for k, v in bn.state_dict().items())
    ddp.barrier()
    with ddp.local_main_first(DistEnv()):
        pass
    ddp.teardown()  # nothing to leave: no error
    assert ddp.setup(DistEnv(), "cpu") == torch.device("cpu") and not ddp.is_initialized()


def test_checkpoints_never_store_the_ddp_prefix(tmp_path: Path) -> None:
    plain = nn.Linear(2, 3).state_dict()
    wrapped = {f"module.{k}": v for k, v in plain.items()}
    assert list(unwrap_state_dict(wrapped)) == list(plain)
    assert unwrap_state_dict({"module.a": 1, "b": 2}) == {"module.a": 1, "b": 2}
    save_checkpoint(
        tmp_path / "c.pt", design={}, model_state=wrapped, optimizer_state=None, history=[],
        settings={}, epoch=0, best_state=wrapped,
    )  # fmt: skip
    ckpt = load_checkpoint(tmp_path / "c.pt")
    assert list(ckpt.model_state) == list(plain)
    assert ckpt.best_state is not None and list(ckpt.best_state) == list(plain)


# --------------------------------------------------------------------------- a real run


def _train_args(design: Path, out: Path, epochs: int, *extra: str) -> list[str]:
    return [
        "train", str(design), "--dataset", "digits", "--epochs", str(epochs),
        "--batch-size", "32", "--num-threads", "1", "--quiet", "--out", str(out), *extra,
    ]  # fmt: skip


def test_torchrun_two_processes_agree_and_resume_across_machine_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in TORCHRUN_ENV:
        monkeypatch.delenv(name, raising=False)
    design = tmp_path / "tiny.cnn.json"
    design.write_text(json.dumps(TINY_DESIGN), encoding="utf-8")

    # 1 epoch on one process ...
    assert cli_main(_train_args(design, tmp_path / "single", 1)) == 0, capsys.readouterr().err

    # ... resumed for epoch 2 by two processes (gloo) ...
    dump = tmp_path / "dump"
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
        "--master_port", str(free_port()), "-m", "cnnstudio",
        *_train_args(design, tmp_path / "multi", 2, "--resume", str(tmp_path / "single/last.pt")),
    ]  # fmt: skip
    proc = subprocess.run(
        cmd,
        env=torchrun_env(CNNSTUDIO_DEBUG_DUMP_WEIGHTS=str(dump)),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("training on 2 processes") == 1  # only rank 0 prints
    assert proc.stdout.count("epoch 2/2") == 1
    # exactly one metrics.csv for the two processes (the other one is the single run's)
    assert sorted(p.parent.name for p in tmp_path.rglob("metrics.csv")) == ["multi", "single"]
    with open(tmp_path / "multi/metrics.csv", newline="") as fh:
        assert [row["epoch"] for row in csv.DictReader(fh)] == ["1", "2"]

    # every rank ends with the same weights (BatchNorm statistics included) and metrics
    rank0 = torch.load(dump / "rank0.pt", weights_only=True)
    rank1 = torch.load(dump / "rank1.pt", weights_only=True)
    assert list(rank0) == list(rank1) and "bn1.running_mean" in rank0
    for key, value in rank0.items():
        assert torch.equal(value, rank1[key]), key
    histories = [json.loads((dump / f"rank{r}.json").read_text()) for r in (0, 1)]
    for h0, h1 in zip(*histories, strict=True):
        assert {k: v for k, v in h0.items() if k != "seconds"} == {
            k: v for k, v in h1.items() if k != "seconds"
        }

    # the checkpoint is the plain module's, and rank 0 wrote it
    ckpt = load_checkpoint(tmp_path / "multi/last.pt")
    assert ckpt.epoch == 2 and not any(k.startswith("module.") for k in ckpt.model_state)
    for key, value in rank0.items():
        assert torch.equal(ckpt.model_state[key], value), key

    # ... and resumed again on one process for epoch 3
    args = _train_args(design, tmp_path / "multi", 3, "--resume", str(tmp_path / "multi/last.pt"))
    assert cli_main(args) == 0, capsys.readouterr().err
    with open(tmp_path / "multi/metrics.csv", newline="") as fh:
        assert [row["epoch"] for row in csv.DictReader(fh)] == ["1", "2", "3"]
    assert load_checkpoint(tmp_path / "multi/last.pt").history[:2] == ckpt.history
