"""Tests for checkpoints (atomic save, validated load, exact resume); the train command that
writes them is tested in tests/cli/test_train.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

from cnnstudio.engine.checkpoint import CheckpointError, load_checkpoint, save_checkpoint
from cnnstudio.engine.datasets import DatasetBundle, load_dataset
from cnnstudio.engine.trainer import (
    EpochEnded,
    RunFinished,
    StopToken,
    Trainer,
    TrainSettings,
)


@pytest.fixture(scope="module")
def digits() -> DatasetBundle:
    return load_dataset("digits", (1, 8, 8))


def tiny_model() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(64, 10),
    )


def _save(path: Path, trainer: Trainer, settings: TrainSettings) -> None:
    save_checkpoint(
        path,
        design={"name": "tiny", "layers": [{"id": "fc", "shape": (1, 2)}]},
        model_state=trainer.model.state_dict(),
        optimizer_state=trainer.optimizer.state_dict(),
        history=trainer.history,
        settings=settings.to_dict(),
        epoch=len(trainer.history),
        dataset=trainer.data.stats(),
    )


def test_round_trip_is_plain_and_weights_only(tmp_path: Path, digits: DatasetBundle) -> None:
    settings = TrainSettings(epochs=1, num_threads=1)
    trainer = Trainer(tiny_model(), digits, settings)
    list(trainer.run())
    path = tmp_path / "run" / "last.pt"
    _save(path, trainer, settings)
    raw = torch.load(path, weights_only=True)  # must not need pickled classes
    assert raw["format"] == "cnnstudio-checkpoint"
    ckpt = load_checkpoint(path)
    assert ckpt.epoch == 1
    assert ckpt.design["layers"][0]["shape"] == [1, 2]  # JSON-plain: tuples became lists
    json.dumps([ckpt.design, ckpt.settings, ckpt.history, ckpt.dataset])
    assert TrainSettings.from_dict(ckpt.settings) == settings
    for key, value in trainer.model.state_dict().items():
        assert torch.equal(ckpt.model_state[key], value)
    assert ckpt.optimizer_state is not None and ckpt.optimizer_state["state"]
    assert [p.name for p in tmp_path.joinpath("run").iterdir()] == ["last.pt"]


def test_numpy_values_are_converted(tmp_path: Path) -> None:
    save_checkpoint(
        tmp_path / "c.pt",
        design={},
        model_state={"w": torch.ones(2)},
        optimizer_state=None,
        history=[{"epoch": np.int64(1), "val_loss": np.float32(0.5)}],
        settings={"shape": np.array([1, 2])},
        epoch=1,
    )
    ckpt = load_checkpoint(tmp_path / "c.pt")
    assert ckpt.history == [{"epoch": 1, "val_loss": 0.5}]
    assert ckpt.settings == {"shape": [1, 2]}


def test_unplain_data_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "c.pt"
    target.write_bytes(b"old")
    with pytest.raises(CheckpointError, match=re.escape(str(target))):
        save_checkpoint(
            target,
            design={"bad": object()},
            model_state={},
            optimizer_state=None,
            history=[],
            settings={},
            epoch=0,
        )
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.pt"]


def test_failed_write_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_save(obj: object, f: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(CheckpointError, match="disk full"):
        save_checkpoint(
            tmp_path / "c.pt",
            design={},
            model_state={},
            optimizer_state=None,
            history=[],
            settings={},
            epoch=0,
        )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("content", [b"", b"not a checkpoint at all", b"PK\x03\x04broken"])
def test_corrupt_files_raise_checkpoint_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match=r"bad\.pt") as info:
        load_checkpoint(path)
    assert "\n" not in str(info.value)


def test_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "nope.pt")
    torch.save({"weights": torch.ones(1)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a cnnstudio checkpoint"):
        load_checkpoint(tmp_path / "other.pt")


@pytest.mark.parametrize(
    ("schedule", "augment"),
    [("none", False), ("cosine", True), ("onecycle", False), ("plateau", False)],
)
def test_stop_and_resume_equals_unbroken_run(
    tmp_path: Path, digits: DatasetBundle, schedule: str, augment: bool
) -> None:
    settings = TrainSettings(
        epochs=4, batch_size=32, num_threads=1, schedule=schedule, augment=augment, seed=5
    )
    full = tiny_model()
    list(Trainer(full, digits, settings).run())

    # Stopped after epoch 2 (the GUI's stop button), saved, loaded into a fresh model.
    token = StopToken()
    first = Trainer(tiny_model(), digits, settings, stop=token)
    for event in first.run():
        if isinstance(event, EpochEnded) and event.epoch == 2:
            _save(tmp_path / "last.pt", first, settings)
            token.stop()
    ckpt = load_checkpoint(tmp_path / "last.pt")
    resumed_model = tiny_model()
    resumed_model.load_state_dict(ckpt.model_state)
    torch.manual_seed(123)  # unrelated RNG use in between must not matter
    resumed = Trainer(
        resumed_model,
        digits,
        TrainSettings.from_dict(ckpt.settings),
        history=ckpt.history,
        optimizer_state=ckpt.optimizer_state,
    )
    events = list(resumed.run())
    assert isinstance(events[-1], RunFinished) and events[-1].reason == "completed"
    assert [h["epoch"] for h in resumed.history] == [1, 2, 3, 4]
    for key, value in full.state_dict().items():
        assert torch.equal(resumed_model.state_dict()[key], value), key


def test_two_plus_two_epochs_equals_four(digits: DatasetBundle) -> None:
    four = tiny_model()
    list(Trainer(four, digits, TrainSettings(epochs=4, num_threads=1)).run())
    model = tiny_model()
    first = Trainer(model, digits, TrainSettings(epochs=2, num_threads=1))
    list(first.run())
    second = Trainer(
        model,
        digits,
        TrainSettings(epochs=4, num_threads=1),
        history=first.history,
        optimizer_state=first.optimizer.state_dict(),
    )
    list(second.run())
    for key, value in four.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key
