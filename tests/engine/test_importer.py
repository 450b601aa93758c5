"""The importer: torchvision models and the user's own modules become verified designs.

A representative subset of torchvision runs here at a small input size; every classification
builder runs under the slow marker. The user-file sources, the opaque blocks (rebuilt from their
recorded constructor), pretrained weights from a cache the test fills, and the one-line errors
are tested through `import_model` and the ``cnnstudio import`` command.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from cnnstudio.cli import main
from cnnstudio.core.analysis import analyze
from cnnstudio.core.fileio import load_design
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.codegen import generate_code
from cnnstudio.engine.importer import (
    ImportModelError,
    ImportSourceError,
    classification_models,
    import_model,
    weights_path,
)

SMALL = (3, 32, 32)
SUBSET = ["resnet18", "mobilenet_v3_small", "squeezenet1_0", "shufflenet_v2_x0_5"]


@pytest.mark.parametrize("name", SUBSET)
def test_torchvision_subset_imports_natively_and_verified(name: str) -> None:
    result = import_model(f"torchvision:{name}", input_shape=SMALL)
    assert result.verification.ok, result.verification.message
    assert result.native_share == 1.0, [n.cls for n in result.opaque]
    assert result.design_params == result.original_params
    assert analyze(result.design).valid
    # The module hierarchy stays on every layer, for the canvas's groups.
    groups = {lay.group for lay in result.design}
    assert len(groups) > 3


def test_resnet_layers_keep_their_module_path() -> None:
    result = import_model("torchvision:resnet18", input_shape=SMALL)
    conv = result.design["layer1_0_conv1"]
    assert conv.type == "Conv" and conv.group == "layer1.0"
    assert conv.params["groups"] == 1 and conv.params["bias"] is False
    assert result.design["fc"].type == "Dense" and result.design["fc"].group is None
    adds = [lay for lay in result.design if lay.type == "Add"]
    assert len(adds) == 8 and {lay.group for lay in adds} >= {"layer1.0", "layer4.1"}


USER_FILE = '''
import torch
from torch import nn


class Roll(nn.Module):
    """Something the catalog has no block for: kept whole as an opaque block."""

    def __init__(self, shift: int, channels: int) -> None:
        super().__init__()
        self.shift = shift
        self.scale = nn.Parameter(torch.ones(channels, 1, 1))

    def forward(self, x):
        return torch.roll(x, self.shift, dims=-1) * self.scale


class Net(nn.Module):
    input_shape = (3, 12, 12)

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.roll = Roll(2, channels=4)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 5))

    def forward(self, x):
        return self.head(torch.relu(self.roll(self.conv(x))))


def small():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(2 * 6 * 6, 3))


class NeedsArgs(nn.Module):
    def __init__(self, width):
        super().__init__()


class Broken(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(7, 2)

    def forward(self, x):
        return self.fc(x)


def not_a_model():
    return 42
'''


@pytest.fixture
def user_file(tmp_path: Path) -> Path:
    path = tmp_path / "mymodels.py"
    path.write_text(USER_FILE)
    yield path
    sys.modules.pop("mymodels", None)


def test_user_module_with_an_opaque_block(user_file: Path) -> None:
    result = import_model(f"{user_file}:Net")
    assert result.input_shape == (3, 12, 12)  # the class's own input_shape attribute
    assert result.verification.ok, result.verification.message
    roll = result.design["roll"]
    assert roll.type == "Opaque"
    assert roll.params["module"] == "mymodels.Roll"
    assert roll.params["args"] == "shift=2, channels=4"
    assert roll.params["param_count"] == 4
    assert str(user_file) in roll.params["source"]
    [note] = result.opaque
    assert (note.layer == "roll" and "torch.roll" in note.reason) or "roll" in note.reason
    assert any(line.startswith("opaque: roll = mymodels.Roll") for line in result.report())
    assert 0 < result.native_share < 1
    assert result.design_params == result.original_params == 4 * 27 + 4 + 4 + 25


def test_user_function_source(user_file: Path) -> None:
    result = import_model(f"{user_file}:small", input_shape=(1, 8, 8))
    assert result.verification.ok
    assert [lay.type for lay in result.design] == ["Input", "Conv", "ReLU", "Flatten", "Dense"]
    assert result.design["l_0"].group is None  # the Sequential itself is the model


PERMUTE_FILE = """
import torch
from torch import nn
from torchvision.ops import Permute


class Layout(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.last = Permute([0, 2, 3, 1])  # torchvision's module: torch.permute inside
        self.rows = nn.Flatten(2)
        self.fc = nn.Linear(4 * 36, 5)

    def forward(self, x):
        x = self.conv(x)  # 4x6x6
        a = self.last(x).permute(0, 3, 1, 2)  # 6x6x4, back to 4x6x6
        b = torch.transpose(x, 1, 2).transpose(2, 3)  # 6x4x6, 6x6x4
        b = b.reshape(b.shape[0], 6, 24).view(-1, 24, 6)  # two Reshapes
        b = b.reshape(x.size(0), 6, 6, 4).permute(0, 3, 1, 2)  # 4x6x6 again
        c = a.flatten(2).permute([0, 2, 1]).reshape(-1, 4, 6, 6)  # 4x36, 36x4, 4x6x6
        d = torch.reshape(self.rows(x), (x.shape[0], 4, 6, 6))  # nn.Flatten(2): 4x36
        return self.fc(torch.flatten(a + b + c + d, 1))
"""


def test_permute_and_reshape_forms_map_to_blocks(tmp_path: Path) -> None:
    path = tmp_path / "layouts.py"
    path.write_text(PERMUTE_FILE)
    try:
        result = import_model(f"{path}:Layout", input_shape=(3, 6, 6))
    finally:
        sys.modules.pop("layouts", None)
    assert result.verification.ok, result.verification.message
    design = result.design
    permutes = {lay.id: lay.params["dims"] for lay in design if lay.type == "Permute"}
    assert sorted(permutes.values()) == [
        [0, 2, 1],
        [1, 0],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 0, 1],
    ]
    assert result.native_share == 1.0, result.report()
    shapes = analyze(design).layers
    assert shapes["permute"].output_shape == (6, 6, 4)
    assert design["permute"].group == "last"  # inside torchvision's Permute module
    reshapes = [lay.params["shape"] for lay in design if lay.type == "Reshape"]
    assert sorted(reshapes) == [[4, 6, 6], [4, 6, 6], [4, 36], [4, 36], [6, 6, 4], [6, 24], [24, 6]]
    assert design["rows"].type == "Reshape"  # nn.Flatten(2)


@pytest.mark.parametrize(
    ("name", "error", "words"),
    [
        ("Nope", ImportSourceError, "has no 'Nope'"),
        ("NeedsArgs", ImportSourceError, "needs the arguments width"),
        ("not_a_model", ImportSourceError, "returned a int"),
        ("Broken", ImportModelError, "forward fails"),
    ],
)
def test_bad_user_sources_are_one_line_errors(
    user_file: Path, name: str, error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as info:
        import_model(f"{user_file}:{name}", input_shape=(3, 4, 4))
    assert words in str(info.value) and "\n" not in str(info.value)


BRANCHY_FILE = """
import torch
from torch import nn


class Branchy(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 4 * 4, 5)

    def forward(self, x):
        x = torch.relu(self.bn(self.conv(x)))
        if x.shape[-1] > 4:  # a branch on a size: fx refuses, export runs it for the example
            x = self.pool(x)
        return self.fc(torch.flatten(x, 1))


class Cond(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 2)

    def forward(self, x):  # a branch on a value: export keeps it, a design cannot
        return torch.cond(x.sum() > 0, lambda t: self.fc(t), lambda t: self.fc(-t), (x,))
"""


@pytest.fixture
def branchy(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "branchy.py"
    path.write_text(BRANCHY_FILE)
    yield path
    sys.modules.pop("branchy", None)


def test_torch_export_takes_over_where_fx_cannot_trace(
    branchy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from cnnstudio.engine.importer.sources import build

    with pytest.raises(torch.fx.proxy.TraceError):
        torch.fx.symbolic_trace(build(f"{branchy}:Branchy").model)
    result = import_model(f"{branchy}:Branchy", input_shape=(3, 8, 8))
    assert result.tracer.startswith("torch.export, as torch.fx cannot trace it (TraceError")
    assert result.verification.ok, result.verification.message
    assert result.native_share == 1.0
    assert [lay.type for lay in result.design] == [
        "Input", "Conv", "BatchNorm", "ReLU", "MaxPool", "Flatten", "Dense",
    ]  # fmt: skip
    assert result.design["conv"].type == "Conv"  # ids from the module hierarchy, as with fx
    assert result.design_params == result.original_params
    out = str(branchy.with_suffix(".cnn.json"))
    assert main(["import", f"{branchy}:Branchy", "--input", "3,8,8", "-o", out]) == 0
    report = capsys.readouterr().err
    assert "traced with torch.export, as torch.fx cannot trace it" in report
    assert "verified" in report


def test_a_value_dependent_branch_keeps_the_model_whole(branchy: Path) -> None:
    result = import_model(f"{branchy}:Cond", input_shape=(8,))
    assert [lay.type for lay in result.design] == ["Input", "Opaque"]
    assert result.tracer == "neither torch.fx nor torch.export (kept whole)"
    [note] = result.opaque
    assert note.reason.startswith("torch.fx cannot trace it")
    assert "its torch.export graph cannot be mapped" in note.reason
    assert result.verification.ok


def test_whole_model_opaque_when_its_own_forward_cannot_be_mapped(tmp_path: Path) -> None:
    path = tmp_path / "permuted.py"
    path.write_text(
        textwrap.dedent(
            """
            from torch import nn

            class Transposed(nn.Module):
                def __init__(self, width=4):
                    super().__init__()
                    self.fc = nn.Linear(width, 3)

                def forward(self, x):
                    return self.fc(x.flip(1).transpose(1, 2)).flatten(1)
            """
        )
    )
    try:
        result = import_model(f"{path}:Transposed", input_shape=(4, 5))
    finally:
        sys.modules.pop("permuted", None)
    assert [lay.type for lay in result.design] == ["Input", "Opaque"]
    assert result.native_share == 0.0
    assert result.verification.ok
    assert "Tensor.flip" in result.opaque[0].reason


def test_cli_import_writes_design_and_weights_for_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design_file, weights = tmp_path / "r.cnn.json", tmp_path / "r.pt"
    argv = ["import", "torchvision:resnet18", "--input", "3,32,32", "-o", str(design_file)]
    assert main([*argv, "--weights-out", str(weights)]) == 0
    err = capsys.readouterr().err
    assert "100% native" in err and "verified" in err and "NOT" not in err
    design = load_design(design_file)
    assert design["layer2_0_downsample_0"].group == "layer2.0.downsample"
    out = tmp_path / "r.py"
    assert main(["export", str(design_file), "-o", str(out), "--weights", str(weights)]) == 0


def test_export_round_trip_in_a_fresh_process_without_cnnstudio(tmp_path: Path) -> None:
    result = import_model("torchvision:mobilenet_v3_small", input_shape=SMALL)
    code = generate_code(result.design)
    (tmp_path / "net.py").write_text(code.source)
    torch.save(result.state_dict, tmp_path / "net.pt")
    x = torch.randn(2, *SMALL)
    torch.save(x, tmp_path / "x.pt")
    assert result.original is not None
    with torch.no_grad():
        torch.save(result.original.eval()(x), tmp_path / "y.pt")
    script = textwrap.dedent(
        f"""
        import sys, torch
        from net import {code.class_name} as Net
        model = Net().eval()
        model.load_state_dict(torch.load("net.pt", weights_only=True))
        with torch.no_grad():
            y = model(torch.load("x.pt"))
        torch.testing.assert_close(y, torch.load("y.pt"))
        assert not any(name.startswith("cnnstudio") for name in sys.modules)
        print("same", sum(p.numel() for p in model.parameters()))
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["same", str(result.original_params)]


def test_pretrained_weights_come_from_torchvisions_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torchvision

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    url = torchvision.models.get_model_weights("squeezenet1_0").DEFAULT.url
    offline = RuntimeError("no network here")

    def no_download(*args: object, **kwargs: object) -> None:
        raise offline

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_download)
    with pytest.raises(ImportModelError) as info:
        import_model("torchvision:squeezenet1_0", input_shape=SMALL, pretrained=True)
    message = str(info.value)
    assert str(weights_path(url)) in message and "cannot download" in message
    assert weights_path(url).parent == tmp_path / "torch" / "hub" / "checkpoints"

    # The weights file a user would download, made here with known values.
    torch.manual_seed(7)
    state = torchvision.models.squeezenet1_0().state_dict()
    weights_path(url).parent.mkdir(parents=True)
    torch.save(state, weights_path(url))
    result = import_model("torchvision:squeezenet1_0", input_shape=SMALL, pretrained=True)
    assert result.verification.ok
    torch.testing.assert_close(result.state_dict["features_0.weight"], state["features.0.weight"])
    rebuilt = build_model(result.design)
    rebuilt.load_state_dict(result.state_dict)
    torch.testing.assert_close(rebuilt.classifier_1.weight, state["classifier.1.weight"])


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["torchvision:fasterrcnn_resnet50_fpn"], 1, "detection model"),
        (["torchvision:resnet19"], 2, "did you mean resnet18"),
        (["missing.py:Net", "--input", "3,8,8"], 2, "missing.py: no such file"),
        (["model.onnx"], 2, "is not a source"),
    ],
)
def test_cli_bad_sources_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], code: int, words: str
) -> None:
    monkey_cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert main(["import", *argv, "-o", "out.cnn.json"]) == code
    finally:
        os.chdir(monkey_cwd)
    err = capsys.readouterr().err.strip()
    assert err.startswith("cnnstudio: error: ") and words in err and "\n" not in err
    assert not (tmp_path / "out.cnn.json").exists()


def test_classification_models_are_torchvisions_list() -> None:
    import torchvision

    names = classification_models()
    assert names == sorted(torchvision.models.list_models(module=torchvision.models))
    assert {"resnet50", "vgg19", "efficientnet_b0", "googlenet"} <= set(names)


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("CNNSTUDIO_SLOW") != "1", reason="slow: set CNNSTUDIO_SLOW=1")
@pytest.mark.parametrize("name", classification_models())
def test_every_classification_builder_imports_verified(name: str) -> None:
    shape = (3, 224, 224) if name.startswith(("vit", "swin", "maxvit")) else (3, 64, 64)
    if name.startswith("inception"):
        shape = (3, 96, 96)
    result = import_model(f"torchvision:{name}", input_shape=shape)
    assert result.verification.ok, result.verification.message
    print(f"{name}: {result.native_share:.0%} native")
    if name.startswith(
        (
            "resnet",
            "vgg",
            "mobilenet",
            "efficientnet",
            "densenet",
            "regnet",
            "shufflenet",
            "squeezenet",
            "googlenet",
            "mnasnet",
            "resnext",
            "wide_resnet",
            "alexnet",
        )
    ):
        assert result.native_share == 1.0, [n.reason for n in result.opaque]


def _program(tmp_path: Path) -> Path:
    import torchvision

    model = torchvision.models.resnet18().eval()
    path = tmp_path / "r18.pt2"
    torch.export.save(torch.export.export(model, (torch.randn(1, *SMALL),)), path)
    return path


def test_pt2_program_imports_natively_and_verified(tmp_path: Path) -> None:
    result = import_model(str(_program(tmp_path)))
    assert result.verification.ok, result.verification.message
    assert result.native_share == 1.0 and result.input_shape == SMALL
    assert result.design_params == 11_689_512
    assert result.design["layer1_0_conv1"].group == "layer1.0"


def test_pt2_of_another_torch_version_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re
    import zipfile

    good = tmp_path / "small.pt2"
    small = torch.nn.Sequential(torch.nn.Linear(3, 2))
    torch.export.save(torch.export.export(small, (torch.randn(1, 3),)), good)
    old = tmp_path / "old.pt2"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith(".json"):  # as a future torch would write it
                data = re.sub(
                    rb'"schema_version": \{"major": \d+', b'"schema_version": {"major": 99', data
                )
            dst.writestr(item, data)
    assert main(["import", str(old), "-o", str(tmp_path / "o.cnn.json")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("cnnstudio: error: ") and "\n" not in err
    assert "schema version" in err and "another torch version" in err


def test_cli_transfer_learning_flags(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    design_file, weights = tmp_path / "t.cnn.json", tmp_path / "t.pt"
    argv = ["import", "torchvision:squeezenet1_0", "--input", "3,32,32", "-o", str(design_file)]
    # SqueezeNet classifies with a 1x1 Conv: there is no Dense classifier to replace.
    assert main([*argv, "--classes", "4"]) == 1
    assert "no Dense layer ends the design" in capsys.readouterr().err
    assert not design_file.exists()
    argv = ["import", "torchvision:resnet18", "--input", "3,32,32", "-o", str(design_file)]
    assert main([*argv, "--weights-out", str(weights), "--classes", "4"]) == 0
    assert "transfer learning:" in capsys.readouterr().err
    design = load_design(design_file)
    assert design["fc"].params["out_features"] == 4
    assert design["conv1"].frozen and design["layer4_1_bn2"].frozen and not design["fc"].frozen
    model = build_model(design)
    model.load_state_dict(torch.load(weights, weights_only=True))
    assert analyze(design).trainable_params == 512 * 4 + 4
