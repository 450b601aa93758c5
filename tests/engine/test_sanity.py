"""The checks before training: a healthy network passes, broken ones fail and say why."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from torch import nn

from cnnstudio.core.design import Design, Layer
from cnnstudio.core.fileio import save_design
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.datasets import load_dataset
from cnnstudio.engine.losses import output_kind
from cnnstudio.engine.lr_finder import LRFinderError, _suggestions, find_lr
from cnnstudio.engine.sanity import SanityError, _dead_relus, check_design, gradient_flow


def _net(*middle: Layer, frozen: bool = False, last: str = "") -> Design:
    layers = [
        Layer("input", "Input", params={"shape": [1, 8, 8]}),
        Layer("conv1", "Conv", ["input"], {"out_channels": 4, "kernel_size": 3}, frozen=frozen),
        Layer("relu1", "ReLU", ["conv1"]),
        Layer("flat", "Flatten", ["relu1"]),
    ]
    previous = "flat"
    for layer in middle:
        layer.inputs = [previous]
        layers.append(layer)
        previous = layer.id
    layers.append(Layer("fc", "Dense", [previous], {"out_features": 10}, frozen=frozen))
    if last:
        layers.append(Layer("out", last, ["fc"]))
    return Design(layers, name="tiny")


@pytest.fixture(scope="module")
def digits():
    return load_dataset("digits", (1, 8, 8))


def test_a_healthy_network_passes_every_check(digits) -> None:
    report = check_design(_net(), digits, steps=150)
    assert report.expected_init_loss == pytest.approx(math.log(10))
    assert report.init_ok and abs(report.init_loss - math.log(10)) < 0.5
    assert report.overfit.passed and report.overfit.loss < 0.05 and report.overfit.samples == 8
    assert report.zero_input.passed and report.zero_input.zero_loss > report.zero_input.data_loss
    assert set(report.gradient_flow) == {"conv1", "fc"}
    assert report.passed
    data = report.to_dict()
    assert data["overfit"]["passed"] is True and data["passed"] is True
    assert json.loads(json.dumps(data)) == data


def test_a_softmax_output_is_not_softmaxed_twice(digits) -> None:
    report = check_design(_net(last="Softmax"), digits, steps=150)
    assert report.init_ok  # NLL on log(probabilities): the expected ln(10) again
    assert report.overfit.passed


def test_everything_frozen_cannot_learn(digits) -> None:
    report = check_design(_net(frozen=True), digits, steps=20)
    assert not report.overfit.passed and not report.passed
    assert "every layer is frozen" in report.overfit.reason
    assert report.gradient_flow == {}


def test_a_sigmoid_chain_is_caught(digits) -> None:
    chain = []
    for i in range(10):
        chain += [Layer(f"d{i}", "Dense", [], {"out_features": 16}), Layer(f"s{i}", "Sigmoid", [])]
    report = check_design(_net(*chain), digits, steps=30)
    assert not report.passed
    assert "vanishes" in report.gradient_hint
    assert not report.overfit.passed and "Sigmoid" in report.overfit.reason


def test_dead_relus_are_named() -> None:
    class Dead(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc1 = nn.Linear(4, 4)
            self.relu1 = nn.ReLU()
            nn.init.zeros_(self.fc1.weight)
            nn.init.constant_(self.fc1.bias, -1.0)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.relu1(self.fc1(x))

    assert _dead_relus(Dead(), torch.randn(5, 4)) == ["relu1"]


def test_gradient_flow_leaves_no_gradients_behind(digits) -> None:
    model = build_model(_net(), seed=0)
    flow = gradient_flow(model, digits.train_x[:16], digits.train_y[:16], output_kind(model))
    assert all(v > 0 for v in flow.values())
    assert all(p.grad is None for p in model.parameters())


def test_bad_settings_are_refused_in_words(digits) -> None:
    with pytest.raises(SanityError, match="2 to 16 samples"):
        check_design(_net(), digits, samples=40)
    with pytest.raises(ValueError, match="fc gives 10 outputs but digits has 3"):
        three = load_dataset("digits", (1, 8, 8))
        three.class_names = three.class_names[:3]
        check_design(_net(), three)


def test_lr_finder_sweeps_and_restores(digits) -> None:
    model = build_model(_net(), seed=0)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = find_lr(model, digits, num_batches=60, optimizer="sgd")
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert len(result.lrs) == len(result.losses) <= 60
    assert all(b > a for a, b in zip(result.lrs, result.lrs[1:], strict=False))
    assert result.lrs[0] == pytest.approx(1e-7)
    assert 1e-6 < result.suggestion < 10 and result.suggestion == result.valley
    assert min(result.losses) < result.losses[0]
    data = result.to_dict()
    assert set(data) >= {"suggestion", "lrs", "losses"}
    with pytest.raises(LRFinderError, match="start_lr < end_lr"):
        find_lr(model, digits, start_lr=1.0, end_lr=0.1)
    with pytest.raises(LRFinderError, match="frozen"):
        find_lr(build_model(_net(frozen=True)), digits)


def test_fastai_suggestions_on_a_known_curve() -> None:
    lrs = [10 ** (-7 + 8 * i / 99) for i in range(100)]
    # Flat, then a long descent between 1e-4 and 1e-1, then divergence.
    losses = [
        2.3
        if lr < 1e-4
        else 2.3 - 0.7 * math.log10(lr / 1e-4)
        if lr < 1e-1
        else 0.2 + 5 * (lr - 0.1)
        for lr in lrs
    ]
    steep, minimum, valley = _suggestions(lrs, losses)
    assert 1e-4 < steep < 1e-1
    assert 1e-4 < valley < 1e-1
    assert 1e-3 < minimum < 1e-1


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cnnstudio", *args], capture_output=True, text=True, timeout=300
    )


def test_check_and_lr_find_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "tiny.cnn.json"
    save_design(_net(), path)
    run = _cli("check", str(path), "--dataset", "digits", "--steps", "150", "--json")
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["passed"] and report["expected_init_loss"] == pytest.approx(math.log(10))
    assert {"init_loss", "overfit", "zero_input", "gradient_flow"} <= set(report)
    run = _cli("lr-find", str(path), "--dataset", "digits", "--batches", "40", "--json")
    assert run.returncode == 0, run.stderr
    sweep = json.loads(run.stdout)
    assert len(sweep["lrs"]) == len(sweep["losses"]) and sweep["suggestion"] > 0
    frozen = tmp_path / "frozen.cnn.json"
    save_design(_net(frozen=True), frozen)
    run = _cli("check", str(frozen), "--dataset", "digits", "--steps", "20")
    assert run.returncode == 1
    assert "every layer is frozen" in run.stdout and "some checks failed" in run.stdout
    run = _cli("check", str(path), "--dataset", "nope")
    assert run.returncode == 1 and run.stderr.startswith("cnnstudio: error: unknown dataset 'nope'")
    assert "Traceback" not in run.stderr


def test_the_sanity_report_judges_by_the_same_rule() -> None:
    from cnnstudio.core import gradient_flow
    from cnnstudio.engine import sanity

    assert sanity.VANISHING_RATIO == gradient_flow.VANISHING_RATIO
    assert sanity.EXPLODING_GRADIENT == gradient_flow.EXPLODING_GRADIENT
