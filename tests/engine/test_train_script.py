"""Tests for the exported standalone training script (``train.py``).

The script must lint clean, import nothing of cnnstudio, preprocess data exactly like the app,
and run with ``python`` and under ``torchrun`` (``test_torchrun_*``: two gloo processes, about
20 s on two cores; skip with ``-k "not torchrun"``).
"""

from __future__ import annotations

import ast
import csv
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import torch

from cnnstudio.core.analysis import analyze
from cnnstudio.core.errors import DesignInvalidError
from cnnstudio.core.fileio import load_design
from cnnstudio.core.templates import get_template
from cnnstudio.engine import portable
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.datasets import DatasetError, load_dataset
from cnnstudio.engine.train_script import generate_train_script, write_train_script
from cnnstudio.engine.trainer import Trainer, TrainSettings
from tests.engine.torchrun import TINY_DESIGN, free_port, torchrun_env

DIGITS_NPZ = Path(__file__).resolve().parents[2] / "resources" / "digits.npz"
RUFF = Path(sys.executable).with_name("ruff")
# Runs the script with every cnnstudio import refused: proves the file stands alone even though
# the test's interpreter has cnnstudio installed.
BLOCKER = """
import runpy, sys

class _Refuse:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "cnnstudio":
            raise ImportError("train.py must not need cnnstudio")
        return None

sys.meta_path.insert(0, _Refuse())
runpy.run_path("train.py", run_name="__main__")
assert not any(m.split(".")[0] == "cnnstudio" for m in sys.modules)
"""


def tiny(**changes: Any) -> Any:
    doc = {**TINY_DESIGN, **changes}
    return load_design(doc)


def script_namespace(tmp_path: Path, source: str) -> dict[str, Any]:
    path = tmp_path / "train_ns.py"
    path.write_text(source, encoding="utf-8")
    return runpy.run_path(str(path), run_name="train_ns")


# --------------------------------------------------------------------------- the source


def _variants(tmp_path: Path) -> dict[str, str]:
    folder = tmp_path / "pictures"
    for cls in ("cats", "dogs"):
        (folder / cls).mkdir(parents=True, exist_ok=True)
    softmax = dict(TINY_DESIGN)
    softmax["layers"] = [
        *TINY_DESIGN["layers"],
        {"id": "prob", "type": "Softmax", "inputs": ["fc"]},
    ]
    return {
        "digits": generate_train_script(tiny(), {"augment": True, "lr": 1e-5}),
        "softmax": generate_train_script(load_design(softmax), None),
        "mnist": generate_train_script(get_template("lenet5"), {"dataset": "mnist"}),
        "cifar": generate_train_script(
            get_template("resnet18"), {"dataset": "cifar10", "schedule": "onecycle"}
        ),
        "folder": generate_train_script(get_template("simple-cnn"), {"dataset": str(folder)}),
    }


@pytest.mark.skipif(not RUFF.exists(), reason="ruff is not installed next to python")
def test_ruff_check_and_format_clean(tmp_path: Path) -> None:
    out = tmp_path / "scripts"
    out.mkdir()
    for name, source in _variants(tmp_path).items():
        (out / f"train_{name}.py").write_text(source, encoding="utf-8")
    for length in ("100", "88"):
        for cmd in (["check"], ["format", "--check"]):
            proc = subprocess.run(
                [str(RUFF), *cmd, "--isolated", "--line-length", length, str(out)],
                capture_output=True,
                text=True,
            )
            assert proc.returncode == 0, proc.stdout + proc.stderr
    # The project's own, stricter rule set too.
    rules = ["--select", "E,F,W,I,UP,B,SIM,RUF", "--line-length", "100"]
    proc = subprocess.run(
        [str(RUFF), "check", "--isolated", *rules, str(out)], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout


def test_imports_only_torch_torchvision_numpy_and_the_standard_library(tmp_path: Path) -> None:
    allowed = {"torch", "torchvision", "numpy", "PIL"} | set(sys.stdlib_module_names)
    variants = _variants(tmp_path)
    for name, source in variants.items():
        tree = ast.parse(source)
        roots = {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        }
        assert roots <= allowed, (name, roots - allowed)
        assert "cnnstudio" not in roots
    assert "import numpy" not in variants["mnist"]  # only where the npz file is read


def test_settings_are_written_into_the_script() -> None:
    design = tiny(training={"epochs": 7, "optimizer": "sgd", "momentum": 0.5})
    source = generate_train_script(design, None)  # the design's own settings
    assert "EPOCHS = 7" in source and 'OPTIMIZER = "sgd"' in source
    assert "MOMENTUM = 0.5" in source
    assert 'BEST = "val_loss"' in source  # the default criterion
    assert 'BEST = "val_acc"' in generate_train_script(design, {"best": "val_acc"})
    settings = TrainSettings(epochs=3, batch_size=16, schedule="plateau", seed=9)
    source = generate_train_script(design, settings)
    for text in ("EPOCHS = 3", "BATCH_SIZE = 16", 'SCHEDULE = "plateau"', "SEED = 9"):
        assert text in source
    assert "copy resources/digits.npz" in source.replace("Copy", "copy")
    assert "torchrun --nproc_per_node" in source


def test_model_matches_the_design_and_the_data_matches_the_app(tmp_path: Path) -> None:
    design = tiny()
    ns = script_namespace(tmp_path, generate_train_script(design, {"seed": 3}))
    model = ns["MODEL"]()
    assert sum(p.numel() for p in model.parameters()) == analyze(design).total_params
    assert ns["OUTPUT_KIND"] == "logits"

    # Same split, resizing, channels and normalization as cnnstudio's own loader.
    rgb = dict(TINY_DESIGN)
    rgb["layers"] = [
        {"id": "input", "type": "Input", "params": {"shape": [3, 12, 12]}},
        *TINY_DESIGN["layers"][1:],
    ]
    ns = script_namespace(tmp_path, generate_train_script(load_design(rgb), {"seed": 3}))
    train_x, train_y, val_x, val_y = ns["prepare_data"](str(DIGITS_NPZ), False, 3)
    bundle = load_dataset("digits", (3, 12, 12), seed=3)
    assert torch.equal(train_y, bundle.train_y) and torch.equal(val_y, bundle.val_y)
    torch.testing.assert_close(train_x, bundle.train_x, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(val_x, bundle.val_x, atol=1e-5, rtol=1e-5)


def test_softmax_output_trains_on_log_probabilities(tmp_path: Path) -> None:
    ns = script_namespace(tmp_path, _variants(tmp_path)["softmax"])
    assert ns["OUTPUT_KIND"] == "probs"
    probs = torch.softmax(torch.randn(4, 10), dim=1)
    y = torch.tensor([0, 1, 2, 3])
    expected = torch.nn.functional.nll_loss(torch.log(probs), y)
    torch.testing.assert_close(ns["compute_loss"](probs, y, ns["OUTPUT_KIND"]), expected)


def test_shard_is_distributed_sampler(tmp_path: Path) -> None:
    from cnnstudio.engine.distributed import shard_indices

    ns = script_namespace(tmp_path, generate_train_script(tiny(), None))
    perm = torch.randperm(11)
    for rank in range(3):
        assert torch.equal(ns["shard_indices"](perm, rank, 3), shard_indices(perm, rank, 3))


def test_the_training_code_is_embedded_verbatim_from_the_portable_modules(tmp_path: Path) -> None:
    """One implementation: each portable module's code is in train.py as it is in cnnstudio."""
    source = generate_train_script(tiny(), None)
    script_lines = set(source.splitlines())
    for name in portable.MODULES:
        module_source = (Path(portable.__file__).parent / f"{name}.py").read_text("utf-8")
        tree = ast.parse(module_source)
        for node in tree.body:
            segment = ast.get_source_segment(module_source, node) or ""
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                if isinstance(node, ast.ImportFrom) and node.level:  # one another's names
                    continue
                if getattr(node, "module", "") == "__future__":
                    continue
                # Imported by the script too, so the embedded code finds its names.
                assert all(line in script_lines for line in segment.splitlines()), segment
            elif not (isinstance(node, ast.Expr) and node is tree.body[0]):  # the docstring
                assert segment in source, (name, segment[:80])


def test_a_design_named_like_a_portable_function_keeps_both(tmp_path: Path) -> None:
    ns = script_namespace(tmp_path, generate_train_script(tiny(name="Augmenter"), None))
    assert ns["MODEL"].__name__ == "AugmenterModel" and ns["Augmenter"].__doc__


def test_a_design_named_like_a_setting_keeps_both(tmp_path: Path) -> None:
    source = generate_train_script(tiny(name="SEED"), None)
    ns = script_namespace(tmp_path, source)
    assert ns["SEED"] == 0 and ns["MODEL"].__name__ == "SEEDModel"


def test_refusals() -> None:
    broken = dict(TINY_DESIGN)
    broken["layers"] = [*TINY_DESIGN["layers"][:-1], {"id": "fc", "type": "Dense", "inputs": []}]
    with pytest.raises(DesignInvalidError):
        generate_train_script(load_design(broken), None)
    vector = {
        "format": "cnnstudio-design",
        "version": 1,
        "layers": [
            {"id": "input", "type": "Input", "params": {"shape": [64]}},
            {"id": "fc", "type": "Dense", "inputs": ["input"], "params": {"out_features": 10}},
        ],
    }
    with pytest.raises(DatasetError, match="C x H x W"):
        generate_train_script(load_design(vector), None)
    with pytest.raises(DatasetError, match="unknown dataset 'mnsit'"):
        generate_train_script(tiny(), {"dataset": "mnsit"})
    with pytest.raises(ValueError, match="epochs"):
        generate_train_script(tiny(), {"epochs": 0})


def test_write_is_atomic_and_complete(tmp_path: Path) -> None:
    target = tmp_path / "train.py"
    target.write_text("old", encoding="utf-8")
    assert write_train_script(tiny(), None, target) == target
    assert target.read_text(encoding="utf-8") == generate_train_script(tiny(), None)
    assert [p.name for p in tmp_path.iterdir()] == ["train.py"]  # no temp file left


# --------------------------------------------------------------------------- running it


def _prepare_run(tmp_path: Path) -> Path:
    run = tmp_path / "run"
    run.mkdir()
    write_train_script(tiny(), {"batch_size": 32, "lr": 0.01}, run / "train.py")
    shutil.copy(DIGITS_NPZ, run / "digits.npz")
    return run


def _check_outputs(run: Path) -> None:
    assert [p.relative_to(run) for p in run.rglob("metrics.csv")] == [Path("out/metrics.csv")]
    with open(run / "out" / "metrics.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["epoch"] for r in rows] == ["1"] and float(rows[0]["val_acc"]) > 0.3
    ns = runpy.run_path(str(run / "train.py"), run_name="check")
    model = ns["MODEL"]()
    model.load_state_dict(torch.load(run / "out" / "best.pt", weights_only=True))
    assert sum(p.numel() for p in model.parameters()) == analyze(tiny()).total_params


def test_script_runs_alone_without_cnnstudio(tmp_path: Path) -> None:
    run = _prepare_run(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-I", "-c", BLOCKER, "--epochs", "1", "--out", "out"],
        cwd=run,
        env=torchrun_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "1 process(es)" in proc.stdout and "epoch 1/1" in proc.stdout
    _check_outputs(run)


def test_torchrun_runs_the_script_with_two_processes(tmp_path: Path) -> None:
    run = _prepare_run(tmp_path)
    cmd = [
        sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2",
        "--master_port", str(free_port()), "--no-python",
        sys.executable, "-I", "-c", BLOCKER, "--epochs", "1", "--out", "out",
    ]  # fmt: skip
    proc = subprocess.run(
        cmd, cwd=run, env=torchrun_env(), capture_output=True, text=True, timeout=240
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.count("2 process(es)") == 1 and proc.stdout.count("epoch 1/1") == 1
    _check_outputs(run)


# --------------------------------------------------------------------------- same run both ways


@pytest.mark.parametrize(
    "choices",
    [
        {"optimizer": "sgd", "schedule": "step", "step_size": 1, "augment": True},
        {"optimizer": "adam", "schedule": "onecycle", "lr": 0.005},
        # Kept and stopped by accuracy: the epochs trained and best.pt follow the criterion.
        {
            "optimizer": "adam",
            "lr": 0.05,
            "epochs": 8,
            "best": "val_acc",
            "early_stopping_patience": 2,
        },
    ],
    ids=["sgd-step-augment", "adam-onecycle", "best-by-accuracy"],
)
def test_the_script_and_the_trainer_give_identical_metrics(
    tmp_path: Path, choices: dict[str, Any]
) -> None:
    """Same design, seed and data: cnnstudio's trainer and train.py give the same numbers."""
    design = tiny()
    settings = TrainSettings.from_dict(
        {"epochs": 2, "batch_size": 64, "seed": 5, "num_threads": 1, **choices}
    )
    data = load_dataset("digits", (1, 8, 8), seed=settings.seed, val_fraction=0.2)
    trainer = Trainer(build_model(design, seed=settings.seed), data, settings)
    events = list(trainer.run())
    assert type(events[-1]).__name__ == "RunFinished", events[-1]

    run = tmp_path / "run"
    run.mkdir()
    write_train_script(design, settings, run / "train.py")
    shutil.copy(DIGITS_NPZ, run / "digits.npz")
    proc = subprocess.run(
        [sys.executable, "-I", "train.py", "--out", "out", "--device", "cpu"],
        cwd=run,
        env=torchrun_env(),
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    script_history = torch.load(run / "out" / "last.pt", weights_only=True)["history"]
    keys = ("epoch", "train_loss", "train_acc", "val_loss", "val_acc", "lr")
    assert [{k: h[k] for k in keys} for h in script_history] == [
        {k: h[k] for k in keys} for h in trainer.history
    ]
    if choices.get("best") == "val_acc":
        # Here accuracy stops improving while the loss still falls: both stop by accuracy,
        # and best.pt holds the most accurate epoch, not the lowest-loss one.
        accs = [h["val_acc"] for h in trainer.history]
        assert len(trainer.history) < settings.epochs
        assert trainer.best_epoch == accs.index(max(accs)) + 1
        losses = [h["val_loss"] for h in trainer.history]
        assert trainer.best_epoch != losses.index(min(losses)) + 1
    best = torch.load(run / "out" / "best.pt", weights_only=True)
    assert trainer.best_state is not None
    assert best.keys() == trainer.best_state.keys()
    assert all(torch.equal(best[k], trainer.best_state[k]) for k in best)
