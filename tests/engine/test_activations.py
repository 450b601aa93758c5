"""Activation capture, statistics, kernels and predictions against plain torch."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnstudio.core.fileio import load_design
from cnnstudio.core.templates import get_template
from cnnstudio.engine.activations import (
    activation_stats,
    capture_activations,
    evaluation,
    filters_of,
    layer_ids_of,
    output_id_of,
    predict,
    relu_ids_of,
    top_k,
)
from cnnstudio.engine.builder import build_model


def _graph_design() -> dict:
    """A small graph with every kind of layer the capture must handle (no module, wrapped)."""
    return {
        "format": "cnnstudio-design",
        "version": 1,
        "name": "graph",
        "layers": [
            {"id": "input", "type": "Input", "params": {"shape": [2, 8, 8]}},
            {"id": "a", "type": "Conv", "inputs": ["input"],
             "params": {"out_channels": 4, "kernel_size": 3, "padding": 1}},
            {"id": "bn", "type": "BatchNorm", "inputs": ["a"]},
            {"id": "r", "type": "ReLU", "inputs": ["bn"]},
            {"id": "b", "type": "Conv", "inputs": ["r"],
             "params": {"out_channels": 4, "kernel_size": 3, "padding": 1}},
            {"id": "add", "type": "Add", "inputs": ["b", "a"]},
            {"id": "cat", "type": "Concat", "inputs": ["add", "r"]},
            {"id": "minp", "type": "MinPool", "inputs": ["cat"]},
            {"id": "drop", "type": "Dropout", "inputs": ["minp"], "params": {"p": 0.5}},
            {"id": "gap", "type": "GlobalAvgPool", "inputs": ["drop"]},
            {"id": "fc", "type": "Dense", "inputs": ["gap"], "params": {"out_features": 3}},
            {"id": "soft", "type": "Softmax", "inputs": ["fc"]},
        ],
    }  # fmt: skip


@pytest.fixture(scope="module")
def graph_model() -> nn.Module:
    return build_model(load_design(_graph_design()), seed=0)


def test_capture_matches_forward_hooks(graph_model: nn.Module) -> None:
    model = graph_model
    x = torch.randn(3, 2, 8, 8, generator=torch.Generator().manual_seed(1))
    hooked: dict[str, torch.Tensor] = {}
    handles = [
        getattr(model, lid).register_forward_hook(
            lambda _m, _i, out, lid=lid: hooked.__setitem__(lid, out.detach().clone())
        )
        for lid in ("a", "bn", "r", "b", "drop", "fc", "soft")
    ]
    try:
        model.eval()
        with torch.no_grad():
            expected_out = model(x)
    finally:
        for h in handles:
            h.remove()
    model.train()
    acts = capture_activations(model, None, x)
    for lid, value in hooked.items():
        assert torch.equal(acts[lid], value), lid
    # Module-less layers are the merge of their inputs, exactly as the forward computes them.
    assert torch.equal(acts["input"], x)
    assert torch.equal(acts["add"], acts["b"] + acts["a"])
    assert torch.equal(acts["cat"], torch.cat([acts["add"], acts["r"]], dim=1))
    # Wrapped calls give the layer's real output, not the inner module's.
    assert torch.equal(acts["minp"], -nn.functional.max_pool2d(-acts["cat"], 2))
    assert acts["gap"].shape == (3, 8)
    assert torch.equal(acts["soft"], expected_out)
    # The model's modes come back: it was in training mode before the capture.
    assert model.training and model.bn.training and model.drop.training


def test_capture_subset_and_ids(graph_model: nn.Module) -> None:
    ids = layer_ids_of(graph_model)
    assert ids[0] == "input" and ids[-1] == "soft"
    assert output_id_of(graph_model) == "soft"
    assert relu_ids_of(graph_model) == ["r"]
    x = torch.randn(1, 2, 8, 8)
    acts = capture_activations(graph_model, ["r", "add"], x)
    assert set(acts) == {"r", "add"}
    assert torch.equal(acts["add"], capture_activations(graph_model, None, x)["add"])
    with pytest.raises(KeyError, match="nope"):
        capture_activations(graph_model, ["nope"], x)


def test_capture_lenet_every_module_layer() -> None:
    model = build_model(get_template("lenet5"), seed=0)
    x = torch.randn(2, 1, 32, 32)
    acts = capture_activations(model, None, x)
    for name, module in model.named_children():
        seen: list[torch.Tensor] = []
        handle = module.register_forward_hook(lambda _m, _i, out, s=seen: s.append(out))
        with evaluation(model):
            model(x)
        handle.remove()
        assert torch.equal(acts[name], seen[0]), name


def test_capture_without_source_uses_hooks() -> None:
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())
    x = torch.randn(1, 1, 5, 5)
    acts = capture_activations(model, ["0", "1"], x)
    assert torch.equal(acts["1"], torch.relu(acts["0"]))


def test_activation_stats_dead_units() -> None:
    act = torch.zeros(4, 3, 2, 2)
    act[:, 0] = 1.0  # alive everywhere
    act[2, 1, 0, 0] = 0.5  # alive for one sample at one position: not dead
    stats = activation_stats({"r": act, "c": act}, relu_ids=["r"])
    assert stats["r"].dead_fraction == pytest.approx(1 / 3)
    assert stats["c"].dead_fraction is None
    assert stats["r"].mean == pytest.approx(float(act.mean()))
    assert stats["r"].std == pytest.approx(float(act.std(unbiased=False)))
    assert stats["r"].shape == (3, 2, 2) and stats["r"].samples == 4
    vec = torch.tensor([[1.0, -1.0, 0.0], [2.0, -3.0, 0.0]])
    assert activation_stats({"v": vec}, ["v"])["v"].dead_fraction == pytest.approx(2 / 3)


def test_filters_of(graph_model: nn.Module) -> None:
    w = filters_of(graph_model, "a")
    assert w.shape == (4, 2, 3, 3)
    w.zero_()  # a copy: the model's weights stay
    assert graph_model.a.weight.abs().sum() > 0
    with pytest.raises(ValueError, match="not a Conv"):
        filters_of(graph_model, "fc")


def test_predict_top_k(graph_model: nn.Module) -> None:
    names = ["cat", "dog", "bird"]
    preds = predict(graph_model, torch.randn(2, 8, 8), names, k=5)
    assert len(preds) == 3
    probs = [p.probability for p in preds]
    assert probs == sorted(probs, reverse=True)
    # The design ends in Softmax: its output is already probabilities, not softmaxed again.
    with evaluation(graph_model):
        out = graph_model(torch.zeros(1, 2, 8, 8))[0]
    direct = predict(graph_model, torch.zeros(2, 8, 8), names)
    assert direct[0].probability == pytest.approx(float(out.max()))
    assert sum(p.probability for p in direct) == pytest.approx(1.0)
    logits = top_k(torch.tensor([0.0, 2.0, 1.0]), names, k=2)
    assert [p.name for p in logits] == ["dog", "bird"]
    assert logits[0].probability == pytest.approx(
        float(torch.softmax(torch.tensor([0.0, 2, 1]), 0)[1])
    )
