"""Faults and hostile input on the torch side (issue 13, items 5, 7, 8 and 10).

A full disk is simulated with the real kernel error: the file descriptor a writer gets is
pointed at ``/dev/full``, so every write fails with ENOSPC exactly as on a full file system.
(Never ``-o /dev/full``: saving writes a temporary file beside the target, and as root that
would land in /dev.) The export case runs in a subprocess, because the failure it guards
against aborted the interpreter (c10::Error, exit 134) after the error message.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image

from cnnstudio.cli import main
from cnnstudio.core.analysis import analyze
from cnnstudio.core.atomic_file import AtomicFile
from cnnstudio.core.fileio import load_design
from cnnstudio.core.templates import TEMPLATES, get_template
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from cnnstudio.engine.datasets import DatasetError, load_dataset
from cnnstudio.engine.export import ExportError, load_weights
from cnnstudio.engine.trainer import TrainSettings

pytestmark = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")

TINY = {
    "format": "cnnstudio-design",
    "version": 1,
    "name": "Tiny",
    "layers": [
        {"id": "input", "type": "Input", "params": {"shape": [1, 8, 8]}},
        {"id": "conv", "type": "Conv", "inputs": ["input"], "params": {"out_channels": 2}},
        {"id": "flat", "type": "Flatten", "inputs": ["conv"]},
        {"id": "fc", "type": "Dense", "inputs": ["flat"], "params": {"out_features": 10}},
    ],
}


def tiny_file(folder: Path, name: str = "tiny.cnn.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(TINY), encoding="utf-8")
    return path


def _onto_dev_full(fd: int) -> None:
    """Make every later write to ``fd`` fail with ENOSPC."""
    full = os.open("/dev/full", os.O_WRONLY)
    os.dup2(full, fd)
    os.close(full)


def _full_disk_for_checkpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every staged write of a checkpoint lands on /dev/full (ENOSPC), as on a full disk."""
    real_init = AtomicFile.__init__

    def init(self: AtomicFile, path: Any, **kwargs: Any) -> None:
        real_init(self, path, **kwargs)
        if str(path).endswith(".pt"):
            real_open = self.open

            @contextlib.contextmanager
            def full_open() -> Iterator[Any]:
                with real_open() as fh:
                    _onto_dev_full(fh.fileno())
                    yield fh

            self.open = full_open  # type: ignore[method-assign]

    monkeypatch.setattr(AtomicFile, "__init__", init)


# -- item 5: a full disk during export -----------------------------------------------------------

_EXPORT_ON_FULL_DISK = r"""
import builtins, os, sys
import cnnstudio.engine.export as export
from cnnstudio.cli import main

real_open = builtins.open

def full_open(path, mode="r", *args, **kwargs):
    fh = real_open(path, mode, *args, **kwargs)
    if "w" in mode and ".tmp" in os.path.basename(str(path)):
        full = os.open("/dev/full", os.O_WRONLY)
        os.dup2(full, fh.fileno())
        os.close(full)
    return fh

export.open = full_open  # the writers of export.py open their temporaries through this
design, folder = sys.argv[1], sys.argv[2]
codes = [
    main(["export", design, "--format", fmt, "-o", os.path.join(folder, "model" + suffix)])
    for fmt, suffix in (("exported-program", ".pt2"), ("torchscript", ".pt"))
]
sys.exit(max(codes))
"""


def test_full_disk_during_export_is_one_line_and_exit_1(tmp_path: Path) -> None:
    design = tiny_file(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.run(
        [sys.executable, "-c", _EXPORT_ON_FULL_DISK, str(design), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]  # was 134: abort after the message
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 2, proc.stderr[-2000:]
    for line, suffix in zip(lines, (".pt2", ".pt"), strict=True):
        target = out / ("model" + suffix)
        assert line == f"cnnstudio: error: {target}: cannot be written (No space left on device)"
    assert list(out.iterdir()) == []  # no partial file, no temporary left


# -- item 10: a full disk during training ---------------------------------------------------------


def test_full_disk_during_train_leaves_no_metrics_without_a_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:

    _full_disk_for_checkpoints(monkeypatch)
    run = tmp_path / "run"
    args = ["train", str(tiny_file(tmp_path)), "--epochs", "1", "--num-threads", "1"]
    assert main([*args, "--quiet", "--out", str(run)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"cnnstudio: error: cannot save checkpoint {run / 'last.pt'}: No space left on device"
    ]
    assert sorted(p.name for p in run.iterdir()) == []  # no metrics.csv, no temporary


def test_checkpoint_writes_go_through_memory_and_fail_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:

    target = tmp_path / "c.pt"
    save_checkpoint(target, **_checkpoint_fields())
    before = target.read_bytes()
    _full_disk_for_checkpoints(monkeypatch)
    with pytest.raises(CheckpointError, match="No space left on device"):
        save_checkpoint(target, **_checkpoint_fields())
    assert target.read_bytes() == before  # the old checkpoint is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pt"]


def _checkpoint_fields(**changes: Any) -> dict[str, Any]:
    model = torch.nn.Linear(2, 3)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    fields: dict[str, Any] = {
        "design": {},
        "model_state": model.state_dict(),
        "optimizer_state": optimizer.state_dict(),
        "history": [],
        "settings": {},
        "epoch": 0,
    }
    fields.update(changes)
    return fields


# -- item 8: checkpoints, weights and images that are not what they claim -----------------------


@pytest.mark.parametrize(
    ("state", "problem"),
    [
        ({"garbage": 1}, "it has no list of param_groups"),
        ({"param_groups": [{"lr": 1}], "state": {}}, "param group 1 has no list of params"),
        ({"param_groups": [{"params": [0]}]}, "it has no per-parameter state"),
    ],
)
def test_a_garbage_optimizer_state_is_said_in_words(
    tmp_path: Path, state: dict[str, Any], problem: str
) -> None:
    path = tmp_path / "c.pt"
    save_checkpoint(path, **_checkpoint_fields(optimizer_state=state))
    with pytest.raises(CheckpointError) as info:
        load_checkpoint(path)  # was KeyError: 'param_groups' in the middle of training
    assert str(info.value) == (
        f"checkpoint {path} has a damaged optimizer state: {problem} "
        "(a checkpoint written by cnnstudio train has both)"
    )


class NotPlainData:
    """A class a weights_only load refuses (a pickle could run code through one)."""


def test_weights_that_are_not_plain_data_get_one_short_line(tmp_path: Path) -> None:
    path = tmp_path / "evil.pt"
    torch.save({"weight": NotPlainData()}, path)
    with pytest.raises(ExportError) as info:
        load_weights(path)
    message = str(info.value)
    assert message == (
        f"{path} is not a checkpoint or a state_dict: it holds a Python object "
        f"({__name__}.NotPlainData) that is not plain data, refused because loading it could "
        "run code"
    )
    torch.save({"format": "cnnstudio-checkpoint", "version": 1, "x": NotPlainData()}, path)
    with pytest.raises(CheckpointError, match="is unreadable or corrupt: it holds a Python object"):
        load_checkpoint(path)


def test_resume_from_another_design_names_the_first_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = dict(
        TINY, layers=[*TINY["layers"][:3], {**TINY["layers"][3], "params": {"out_features": 5}}]
    )
    path = tmp_path / "other.cnn.json"
    path.write_text(json.dumps(other), encoding="utf-8")
    ckpt = tmp_path / "other.pt"
    model = build_model(load_design(path))
    save_checkpoint(
        ckpt, **_checkpoint_fields(model_state=model.state_dict(), optimizer_state=None)
    )
    design = str(tiny_file(tmp_path))
    resume = ["--resume", str(ckpt), "--out", str(tmp_path / "r")]
    code = main(["train", design, "--epochs", "1", "--quiet", "--num-threads", "1", *resume])
    assert code == 1
    err = capsys.readouterr().err
    assert err == (
        f"cnnstudio: error: the weights in checkpoint {ckpt} do not fit the design: fc.weight "
        "has shape 5x72 but the design needs 10x72\n"
    )


def test_a_decompression_bomb_in_an_image_folder_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for label in ("cat", "dog"):
        (tmp_path / label).mkdir()
        Image.new("L", (32, 32), 128).save(tmp_path / label / "a.png")
    # PIL refuses images over twice this before decoding; the real limit is 89 megapixels,
    # lowered here so a 32x32 image takes the same path as a 225-megapixel one.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)
    with pytest.raises(DatasetError) as info:
        load_dataset(str(tmp_path), (1, 8, 8))
    assert str(info.value) == (
        f"cannot read image {tmp_path / 'cat' / 'a.png'}: it has more than 200 pixels, refused "
        "as a possible decompression bomb: shrink it or remove it"
    )


# -- item 8: argument limits; item 10: the default output folder ----------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "X", "--seed", str(10**30)], "argument --seed: expected 0 to 4294967295, got"),
        (["train", "X", "--num-threads", "1000000"], "argument --num-threads: expected 1 to 1024"),
        (["train", "X", "--epochs", "abc"], "argument --epochs: invalid int value: 'abc'"),
        (["export", "X", "--seed", "-1"], "argument --seed: expected 0 to 4294967295, got -1"),
    ],
)
def test_out_of_range_arguments_are_one_line_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"cnnstudio: error: cnnstudio {argv[0]}: ")
    assert message in err and err.rstrip().endswith(f"(see cnnstudio {argv[0]} --help)")


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"seed": 10**30}, "seed must be between 0 and 4294967295"),
        ({"seed": -1}, "seed must be between 0 and 4294967295, not -1"),
        ({"num_threads": 10**6}, "num_threads must be a whole number from 1 to 1024"),
    ],
)
def test_settings_from_a_design_are_range_checked(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TrainSettings.from_dict(settings)


def test_every_template_stays_within_the_size_limits() -> None:
    for name in TEMPLATES:
        analysis = analyze(get_template(name))
        assert analysis.valid and not [d for d in analysis.errors if d.code == "too-large"], name
