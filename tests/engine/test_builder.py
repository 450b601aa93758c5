"""The torch module of a design: built from the generated code, matching the analysis.

Templates are checked layer by layer against the analysis (small inputs on the CPU, full size
on the meta device, which computes shapes without running anything), and the ImageNet ones
against torchvision's parameter counts and parameter shapes.
"""

from __future__ import annotations

import inspect
import linecache

import pytest
import torch
import torchvision
from hypothesis import given, settings

from cnnstudio.core.analysis import analyze
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.errors import DesignInvalidError
from cnnstudio.core.templates import TEMPLATES, get_template
from cnnstudio.engine.builder import build_model, load_generated
from cnnstudio.engine.codegen import generate_code

from .small_templates import small_template
from .strategies import assert_matches_torch, examples, valid_designs

TORCHVISION = {
    "alexnet": (torchvision.models.alexnet, 61_100_840),
    "vgg16": (torchvision.models.vgg16, 138_357_544),
    "resnet18": (torchvision.models.resnet18, 11_689_512),
    "resnet50": (torchvision.models.resnet50, 25_557_032),
    # The templates written by the importer (tools/make_templates.py); GoogLeNet without the
    # auxiliary heads, which its eval-mode forward (and torchvision's pretrained model) drops.
    "vgg19": (torchvision.models.vgg19, 143_667_240),
    "googlenet": (
        lambda weights: torchvision.models.googlenet(
            weights=weights, aux_logits=False, init_weights=False
        ),
        6_624_904,
    ),
    "mobilenet-v2": (torchvision.models.mobilenet_v2, 3_504_872),
    "mobilenet-v3-small": (torchvision.models.mobilenet_v3_small, 2_542_856),
    "mobilenet-v3-large": (torchvision.models.mobilenet_v3_large, 5_483_032),
    "efficientnet-b0": (torchvision.models.efficientnet_b0, 5_288_548),
}


def tiny() -> Design:
    return Design(
        [
            Layer("input", "Input", params={"shape": [1, 6, 6]}),
            Layer("conv", "Conv", ["input"], {"out_channels": 2}),
            Layer("flat", "Flatten", ["conv"]),
            Layer("fc", "Dense", ["flat"], {"out_features": 3}),
        ],
        name="Tiny",
    )


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_template_matches_torch(name: str) -> None:
    design = small_template(name)
    assert analyze(design).valid, [d.message for d in analyze(design).errors]
    assert_matches_torch(design)


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_template_at_full_size_matches_torch_on_meta(name: str) -> None:
    assert_matches_torch(get_template(name), device="meta", batch=1)


@pytest.mark.parametrize("name", list(TORCHVISION))
def test_imagenet_templates_have_torchvision_parameters(name: str) -> None:
    factory, count = TORCHVISION[name]
    with torch.device("meta"):
        reference = factory(weights=None)
        model = build_model(get_template(name))
    assert sum(p.numel() for p in reference.parameters()) == count
    assert sum(p.numel() for p in model.parameters()) == count
    assert analyze(get_template(name)).total_params == count
    # Same layers in the same order: the parameter shapes line up one to one.
    ours = [tuple(p.shape) for p in model.parameters()]
    theirs = [tuple(p.shape) for p in reference.parameters()]
    assert ours == theirs
    assert [tuple(b.shape) for b in model.buffers()] == [
        tuple(b.shape) for b in reference.buffers()
    ]


def test_submodules_and_state_dict_are_named_by_layer_ids() -> None:
    design = small_template("resnet18")
    model = build_model(design)
    assert [name for name, _ in model.named_children()] == [
        lid for lid in analyze(design).order if lid in dict(model.named_children())
    ]
    assert "layer1_0_conv1.weight" in model.state_dict()
    assert "layer2_0_downsample_bn.running_mean" in model.state_dict()


def test_seed_makes_weights_reproducible() -> None:
    a = build_model(tiny(), seed=3).state_dict()
    b = build_model(tiny(), seed=3).state_dict()
    c = build_model(tiny(), seed=4).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert not torch.equal(a["conv.weight"], c["conv.weight"])


def test_seeded_build_leaves_the_global_rng_alone() -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build_model(tiny(), seed=0)
    assert torch.equal(torch.rand(3), expected)


def test_unseeded_build_draws_from_the_global_rng() -> None:
    torch.manual_seed(7)
    a = build_model(tiny(), seed=None).state_dict()
    torch.manual_seed(7)
    b = build_model(tiny(), seed=None).state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)


def test_invalid_design_is_refused_with_its_errors() -> None:
    design = tiny()
    design["conv"].params["kernel_size"] = 40
    with pytest.raises(DesignInvalidError) as info:
        build_model(design)
    assert any("conv" in m and "kernel" in m for m in info.value.messages)


def test_layers_off_the_output_path_are_not_built() -> None:
    design = tiny()
    design.add_layer(Layer("side", "Conv", ["input"], {"out_channels": 7}))
    design.output = "fc"
    analysis = analyze(design)
    assert analysis.valid
    assert any(d.code == "unused" for d in analysis.warnings)
    model = build_model(design)
    assert "side" not in dict(model.named_children())


def test_frozen_layers_do_not_require_grad() -> None:
    design = tiny()
    design["conv"].frozen = True
    model = build_model(design)
    assert not model.conv.weight.requires_grad and not model.conv.bias.requires_grad
    assert model.fc.weight.requires_grad


def test_generated_source_is_registered_for_inspect_and_tracebacks() -> None:
    code = generate_code(tiny())
    cls = load_generated(code)
    assert inspect.getsource(cls).startswith(f"class {code.class_name}(nn.Module):")
    filename = inspect.getsourcefile(cls)
    assert filename is not None
    assert linecache.getline(filename, 1).startswith("# Tiny")


def test_built_model_is_scriptable() -> None:
    # TorchScript reads the forward's source through inspect, so this checks the registration.
    model = build_model(small_template("mini-inception")).eval()
    with pytest.warns(FutureWarning, match="torch.jit.script"):
        scripted = torch.jit.script(model)
    x = torch.randn(2, 3, 32, 32)
    assert torch.equal(scripted(x), model(x))


def test_output_may_be_the_input() -> None:
    design = Design([Layer("input", "Input", params={"shape": [4]})], name="Identity")
    model = build_model(design)
    x = torch.randn(2, 4)
    assert torch.equal(model(x), x)


@settings(max_examples=examples(20), deadline=None)
@given(valid_designs())
def test_random_designs_build_and_match_the_analysis(design: Design) -> None:
    assert_matches_torch(design)
    model = build_model(design).train()
    shape = analyze(design).layers["input"].output_shape
    assert shape is not None
    # One training step runs: every layer is differentiable in train mode too.
    out = model(torch.randn(3, *shape))
    if any(p.requires_grad for p in model.parameters()):
        out.float().pow(2).mean().backward()


def test_scripting_works_inside_a_pyinstaller_bundle(tmp_path, monkeypatch) -> None:
    """PyInstaller's inspect hook maps relative filenames (ours: ``<cnnstudio:...>``) into the
    bundle folder; the built app found no source there and could not export TorchScript."""
    import os
    import sys

    bundle = os.path.normpath(str(tmp_path))
    original = inspect.getsourcefile

    def bundled_getsourcefile(obj):  # what pyi_rth_inspect does to relative names
        filename = os.path.normpath(inspect.getfile(obj))
        if not os.path.isabs(filename):
            return os.path.join(bundle, filename)
        return original(obj)

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(inspect, "getsourcefile", bundled_getsourcefile)
    import warnings

    from cnnstudio.engine.export import export_design

    (path,) = export_design(get_template("lenet5"), "torchscript", tmp_path / "net.pt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load is deprecated upstream
        scripted = torch.jit.load(str(path))
    x = torch.randn(2, 1, 32, 32)
    assert torch.equal(scripted(x), build_model(get_template("lenet5"))(x))
