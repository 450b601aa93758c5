"""The ``train`` command: its arguments, the files a run writes (and resumes from), one-line
errors, and the run of a design file end to end."""

from __future__ import annotations

import argparse
import csv
import io
from pathlib import Path

import pytest
import torch
from torch import nn

from cnnstudio.cli.train import add_arguments, default_out_dir, run, train_model
from cnnstudio.engine.checkpoint import load_checkpoint
from cnnstudio.engine.trainer import TrainSettings


def tiny_model() -> nn.Sequential:
    """A model for the digits at 8x8 that trains in a blink."""
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


def test_train_model_writes_metrics_and_checkpoints(tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    settings = TrainSettings(epochs=2, num_threads=1)
    code = train_model(
        tiny_model(), (1, 8, 8), "fc", settings, tmp_path / "run", num_outputs=10,
        stdout=out, stderr=err,
    )  # fmt: skip
    assert code == 0, err.getvalue()
    with open(tmp_path / "run" / "metrics.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr", "seconds"]
    assert [r[0] for r in rows[1:]] == ["1", "2"]
    assert load_checkpoint(tmp_path / "run" / "last.pt").epoch == 2
    assert load_checkpoint(tmp_path / "run" / "best.pt").dataset["name"] == "digits"
    assert "epoch 1/2" in out.getvalue() and "completed" in out.getvalue()

    # resume to 3 epochs in the same folder: metrics.csv continues
    code = train_model(
        tiny_model(), (1, 8, 8), "fc", TrainSettings(epochs=3, num_threads=1), tmp_path / "run",
        resume=tmp_path / "run" / "last.pt", stdout=out, stderr=err,
    )  # fmt: skip
    assert code == 0
    with open(tmp_path / "run" / "metrics.csv", newline="") as fh:
        assert [r[0] for r in csv.reader(fh)][1:] == ["1", "2", "3"]


def test_train_model_errors_are_one_line(tmp_path: Path) -> None:
    err = io.StringIO()
    code = train_model(
        tiny_model(), (1, 8, 8), "fc3", TrainSettings(epochs=1), tmp_path, num_outputs=12,
        stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert code == 1
    assert err.getvalue() == (
        "cnnstudio: error: fc3 gives 12 outputs but digits has 10 classes: "
        "set fc3's out_features to 10\n"
    )
    err = io.StringIO()
    code = train_model(
        tiny_model(), (1, 8, 8), "fc", TrainSettings(epochs=1), tmp_path,
        resume=tmp_path / "missing.pt", stdout=io.StringIO(), stderr=err,
    )  # fmt: skip
    assert code == 1 and err.getvalue().count("\n") == 1 and "missing.pt" in err.getvalue()


def test_arguments_parse() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(
        [
            "net.json",
            "--dataset",
            "mnist",
            "--epochs",
            "3",
            "--lr",
            "0.1",
            "--augment",
            "--out",
            "o",
        ]
    )
    assert (args.file, args.dataset, args.epochs, args.lr, args.augment, args.out) == (
        "net.json",
        "mnist",
        3,
        0.1,
        True,
        "o",
    )
    assert parser.parse_args(["x.json"]).augment is None


def test_run_train_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("cnnstudio.engine.builder")
    from cnnstudio.core.fileio import design_from_dict, design_to_dict, save_design

    templates = pytest.importorskip("cnnstudio.core.templates")
    design = templates.get_template("lenet5")
    doc = design_to_dict(design)
    doc["training"] = {"epochs": 5, "num_threads": 1}
    path = tmp_path / "lenet.json"
    save_design(design_from_dict(doc), path)
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([str(path), "--epochs", "1", "--out", str(tmp_path / "out")])
    assert run(args) == 0, capsys.readouterr().err
    assert (tmp_path / "out" / "metrics.csv").read_text().count("\n") == 2  # 1 epoch (flag wins)
    assert load_checkpoint(tmp_path / "out" / "last.pt").design["layers"]


def test_train_default_folder_is_the_file_name_without_the_suffix() -> None:
    assert default_out_dir("designs/mine.cnn.json") == Path("runs/mine")  # was runs/mine.cnn
    assert default_out_dir("net.json") == Path("runs/net")
    assert default_out_dir(".cnn.json") == Path("runs/.cnn")
