"""The analytic memory estimate against what torch really holds for a training step."""

from __future__ import annotations

import pytest
import torch
from torch.autograd.graph import saved_tensors_hooks

from cnnstudio.core.analysis import analyze
from cnnstudio.core.catalog import SPECS
from cnnstudio.core.commands import SetFrozen
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.memory import SAVED, MemoryEstimateError, estimate_memory
from cnnstudio.core.templates import adapt, get_template
from cnnstudio.engine.builder import build_model


def _saved_bytes(design: Design, batch: int) -> int:
    """Bytes of the distinct tensors autograd saves in one forward pass (weights excluded)."""
    model = build_model(design, seed=0)
    model.train()
    weights = {p.untyped_storage().data_ptr() for p in model.parameters()}
    held: dict[int, int] = {}

    def pack(t: torch.Tensor) -> torch.Tensor:
        ptr = t.untyped_storage().data_ptr()
        if ptr not in weights:
            held[ptr] = t.untyped_storage().nbytes()
        return t

    shape = analyze(design).layers["input"].output_shape
    x = torch.randn(batch, *shape)
    with saved_tensors_hooks(pack, lambda t: t):
        model(x)
    return sum(held.values())


def _block_net() -> Design:
    return Design(
        [
            Layer("input", "Input", params={"shape": [3, 16, 16]}),
            Layer("conv1", "Conv", ["input"], {"out_channels": 8, "kernel_size": 3, "padding": 1}),
            Layer("bn1", "BatchNorm", ["conv1"]),
            Layer("relu1", "ReLU", ["bn1"]),
            Layer("conv2", "Conv", ["relu1"], {"out_channels": 8, "kernel_size": 3, "padding": 1}),
            Layer("add", "Add", ["conv2", "relu1"]),
            Layer("gelu", "GELU", ["add"]),
            Layer("pool", "MaxPool", ["gelu"]),
            Layer("minpool", "MinPool", ["pool"]),
            Layer("avg", "AvgPool", ["minpool"]),
            Layer("flat", "Flatten", ["avg"]),
            Layer("drop", "Dropout", ["flat"]),
            Layer("fc", "Dense", ["drop"], {"out_features": 10}),
            Layer("soft", "Softmax", ["fc"]),
        ]
    )


CASES = {
    "lenet5": lambda: get_template("lenet5"),
    "block": _block_net,
    "resnet18-small": lambda: adapt(get_template("resnet18"), (3, 32, 32), 10),
    "vgg-like": lambda: adapt(get_template("simple-cnn"), (3, 32, 32), 10),
}


@pytest.mark.parametrize("name", list(CASES))
def test_activations_within_20_percent_of_what_autograd_saves(name: str) -> None:
    design = CASES[name]()
    batch = 4
    estimate = estimate_memory(design, analyze(design), batch_size=batch)
    real = _saved_bytes(design, batch)
    assert estimate.activations == pytest.approx(real, rel=0.2), (estimate.activations, real)


def test_a_frozen_body_saves_nothing_before_the_first_trained_layer() -> None:
    design = get_template("lenet5")
    for lid in ("conv1", "conv2", "fc1"):
        SetFrozen(lid, True).do(design)
    estimate = estimate_memory(design, analyze(design), batch_size=8)
    real = _saved_bytes(design, 8)
    assert estimate.activations == pytest.approx(real, rel=0.2)
    full = estimate_memory(get_template("lenet5"), analyze(get_template("lenet5")), batch_size=8)
    assert estimate.activations < full.activations / 3
    assert estimate.gradients < full.gradients


def test_weights_gradients_and_optimizer_state() -> None:
    design = get_template("lenet5")
    analysis = analyze(design)
    params = analysis.total_params
    sgd = estimate_memory(design, analysis, batch_size=1, optimizer="sgd", momentum=0.9)
    plain = estimate_memory(design, analysis, batch_size=1, optimizer="sgd", momentum=0.0)
    adam = estimate_memory(design, analysis, batch_size=1, optimizer="adam")
    assert sgd.weights == params * 4 and sgd.gradients == params * 4
    assert plain.optimizer == 0 and sgd.optimizer == params * 4 and adam.optimizer == params * 8
    amp = estimate_memory(design, analysis, batch_size=1, amp=True)
    assert amp.weights == params * 6  # the float32 master copy and a float16 one
    assert amp.activations < sgd.activations
    assert sgd.total == sgd.weights + sgd.gradients + sgd.optimizer + sgd.activations


def test_largest_batch_and_fit() -> None:
    design = get_template("lenet5")
    one = estimate_memory(design, analyze(design), batch_size=1)
    budget = one.total + 99 * one.per_sample
    assert one.largest_batch(budget) == 100
    assert estimate_memory(design, analyze(design), batch_size=100).fits(budget)
    assert not estimate_memory(design, analyze(design), batch_size=101).fits(budget)
    assert one.largest_batch(0) == 0


def test_bad_settings_and_every_type_has_a_rule() -> None:
    design = get_template("lenet5")
    with pytest.raises(MemoryEstimateError, match="at least 1"):
        estimate_memory(design, analyze(design), batch_size=0)
    with pytest.raises(MemoryEstimateError, match="unknown optimizer 'lion'"):
        estimate_memory(design, analyze(design), batch_size=1, optimizer="lion")
    assert set(SPECS) <= set(SAVED), "a new layer type needs its rule in core/memory.py SAVED"


def test_summary_reports_the_memory_of_a_training_step(tmp_path, capsys) -> None:
    import json

    from cnnstudio.cli import main
    from cnnstudio.core.fileio import save_design

    path = tmp_path / "lenet.cnn.json"
    design = get_template("lenet5")
    save_design(design, path)
    assert main(["summary", str(path), "--json", "--batch-size", "8", "--optimizer", "adam"]) == 0
    memory = json.loads(capsys.readouterr().out)["memory"]
    expected = estimate_memory(design, analyze(design), batch_size=8, optimizer="adam")
    assert {k: memory[k] for k in expected.to_dict()} == expected.to_dict()
    assert memory["fits"] is True and memory["largest_batch"] > 8
    assert main(["summary", str(path)]) == 0
    text = capsys.readouterr().out
    assert "training step (batch 64):" in text and "the largest batch that fits" in text
