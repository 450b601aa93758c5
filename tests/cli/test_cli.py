"""The command line: summary, templates, new; exit codes and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cnnstudio.cli import main
from cnnstudio.core.fileio import load_design, save_design
from cnnstudio.core.templates import TEMPLATES, get_template


def test_summary_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "lenet.cnn.json"
    save_design(get_template("lenet5"), path)
    assert main(["summary", str(path)]) == 0
    out = capsys.readouterr().out
    assert "conv1     Conv      6x28x28     156  117,600" in out
    assert "total params: 61,706 (trainable 61,706, frozen 0)" in out
    assert out.rstrip().endswith("valid")


def test_summary_json_contract(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "r.cnn.json"
    save_design(get_template("resnet18"), path)
    assert main(["summary", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total_params"] == 11_689_512
    assert doc["trainable_params"] == 11_689_512
    assert doc["total_macs"] > 1_000_000_000
    first = doc["layers"][0]
    assert first == {
        "id": "input",
        "type": "Input",
        "group": None,
        "output_shape": [3, 224, 224],
        "params": 0,
        "trainable_params": 0,
        "macs": 0,
        "errors": [],
    }
    assert [layer["id"] for layer in doc["layers"]][-2:] == ["avgpool", "fc"]
    assert len(doc["layers"]) == len(get_template("resnet18"))
    groups = {layer["id"]: layer["group"] for layer in doc["layers"]}
    assert groups["layer2_0_downsample_conv"] == "layer2.0"
    assert groups["fc"] is None


def test_summary_of_a_broken_design_exits_1_with_nulls(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design = get_template("lenet5")
    design["conv1"].params["kernel_size"] = 40
    path = tmp_path / "broken.cnn.json"
    save_design(design, path)
    assert main(["summary", str(path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    conv1 = next(layer for layer in doc["layers"] if layer["id"] == "conv1")
    assert conv1["output_shape"] is None and conv1["params"] is None
    assert conv1["errors"] == ["conv1: kernel 40 is larger than the padded input 32x32"]
    relu1 = next(layer for layer in doc["layers"] if layer["id"] == "relu1")
    assert relu1["errors"] == [] and relu1["output_shape"] is None
    assert main(["summary", str(path)]) == 1
    assert "error: conv1: kernel 40" in capsys.readouterr().out


def test_not_a_design_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.cnn.json"
    bad.write_text("{oops", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "cnnstudio", "summary", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert proc.stderr.startswith(f"cnnstudio: error: {bad}: not valid JSON")
    assert "Traceback" not in proc.stderr


def test_templates_lists_every_template(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    for name in TEMPLATES:
        assert name in out


def test_new_adapts_and_writes(tmp_path: Path) -> None:
    out = tmp_path / "mine.cnn.json"
    assert (
        main(
            [
                "new",
                "--template",
                "resnet18",
                "--input",
                "1,64,64",
                "--classes",
                "5",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    design = load_design(out)
    assert design["input"].params["shape"] == [1, 64, 64]
    assert design["fc"].params["out_features"] == 5


def test_new_to_stdout_round_trips(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "-t", "mini-inception"]) == 0
    assert load_design(json.loads(capsys.readouterr().out)).name == "Mini Inception"


def test_bad_arguments_are_one_line_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["new", "--input", "0,x"])
    assert info.value.code == 2
    assert "sizes like 1,28,28" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["new", "--template", "lenet6"])


def test_unwritable_output_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "-o", str(tmp_path / "no" / "dir" / "x.cnn.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cnnstudio: error: ") and "cannot be written" in err


def test_export_train_script_brings_its_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design_path = tmp_path / "net.cnn.json"
    save_design(get_template("lenet5"), design_path)
    out = tmp_path / "job" / "train.py"
    out.parent.mkdir()
    assert main(["export", str(design_path), "--format", "train-script", "-o", str(out)]) == 0
    assert sorted(p.name for p in out.parent.iterdir()) == ["digits.npz", "train.py"]
    compile(out.read_text(encoding="utf-8"), str(out), "exec")
    assert "wrote" in capsys.readouterr().err


def test_train_keeps_the_best_epoch_by_the_chosen_criterion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import csv

    from cnnstudio.engine.checkpoint import load_checkpoint
    from tests.engine.torchrun import TINY_DESIGN

    design = tmp_path / "tiny.cnn.json"
    design.write_text(json.dumps(TINY_DESIGN), encoding="utf-8")
    common = [
        "train", str(design), "--dataset", "digits", "--epochs", "8", "--batch-size", "64",
        "--optimizer", "adam", "--lr", "0.05", "--seed", "5", "--num-threads", "1",
        "--patience", "2", "--quiet",
    ]  # fmt: skip
    results = {}
    for best in ("val_loss", "val_acc"):
        out = tmp_path / best
        assert main([*common, "--best", best, "--out", str(out)]) == 0
        last_line = capsys.readouterr().out.strip().splitlines()[-1]
        with open(out / "metrics.csv", newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        kept = load_checkpoint(out / "best.pt")
        results[best] = (last_line, rows, len(kept.history), kept.settings["best"])
    # By accuracy: best.pt is the most accurate epoch, and the line says so.
    line, rows, kept_epoch, setting = results["val_acc"]
    accs = [float(r["val_acc"]) for r in rows]
    assert setting == "val_acc"
    assert kept_epoch == accs.index(max(accs)) + 1
    assert f"best val acc {max(accs):.1%} (epoch {kept_epoch}, kept by accuracy)" in line
    # By loss (the default): the lowest-loss epoch. Here they differ, and patience followed
    # each criterion: accuracy stopped improving earlier, so that run stopped sooner.
    line, loss_rows, loss_epoch, setting = results["val_loss"]
    losses = [float(r["val_loss"]) for r in loss_rows]
    assert setting == "val_loss"
    assert loss_epoch == losses.index(min(losses)) + 1
    assert "kept by loss" in line
    assert loss_epoch != kept_epoch
    assert len(rows) < len(loss_rows)

    with pytest.raises(SystemExit) as exit_info:
        main([*common, "--best", "accuracy"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'accuracy'" in capsys.readouterr().err
