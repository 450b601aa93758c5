"""Export: every format round-trips, outside cnnstudio, to the very model the app builds.

The exported files are loaded by a fresh ``python -I`` process that imports only torch and
onnxruntime (never cnnstudio); it runs them on inputs saved by this process and saves the
outputs, which are compared here with `build_model`'s: exactly for the torch formats, within
1e-4 for ONNX Runtime. One subprocess checks a whole batch of exports, since starting one
(importing torch) costs more than running the small models.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnstudio.cli import main
from cnnstudio.core.design import Design
from cnnstudio.core.errors import DesignInvalidError
from cnnstudio.core.fileio import design_to_dict, save_design
from cnnstudio.core.templates import TEMPLATES, get_template
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.checkpoint import save_checkpoint
from cnnstudio.engine.codegen import class_name_for
from cnnstudio.engine.export import (
    EXPORT_FORMATS,
    ONNX_MISSING,
    ExportError,
    export_design,
    load_weights,
)

from .small_templates import small_template
from .strategies import examples, valid_designs

# The model formats; "train-script" writes a training program, tested in test_train_script.py.
FORMATS = [name for name in EXPORT_FORMATS if name != "train-script"]

# Loads every export listed in a manifest and saves its outputs; imports only torch/onnxruntime.
RUNNER = r"""
import importlib.util
import json
import sys

import torch

manifest = json.load(open(sys.argv[1]))
results = {}
for case in manifest:
    inputs = torch.load(case["inputs"], weights_only=True)
    fmt, path = case["format"], case["path"]
    state = None
    if fmt == "python":
        spec = importlib.util.spec_from_file_location(case["module"], path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        torch.manual_seed(0)  # the seed build_model uses, for the export without weights
        model = getattr(module, case["class"])()
        if case["weights"]:
            model.load_state_dict(torch.load(case["weights"], weights_only=True))
        state = {k: list(v.shape) for k, v in model.state_dict().items()}
        run = model.eval()
    elif fmt == "torchscript":
        run = torch.jit.load(path)
    elif fmt == "exported-program":
        run = torch.export.load(path).module()
    else:
        import onnxruntime

        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name

        def run(x, session=session, name=name):
            return torch.from_numpy(session.run(None, {name: x.numpy()})[0])

    with torch.no_grad():
        results[case["key"]] = {"outputs": [run(x) for x in inputs], "state": state}
leaked = sorted(m for m in sys.modules if m == "cnnstudio" or m.startswith("cnnstudio."))
assert not leaked, leaked
torch.save(results, sys.argv[2])
"""


def input_shape(design: Design) -> tuple[int, ...]:
    return tuple(next(lay for lay in design if lay.type == "Input").params["shape"])


def export_all(
    designs: dict[str, Design], folder: Path, formats: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """Export each design in its formats (all by default; ``python+weights`` writes a .pt too)."""
    manifest, expected = [], {}
    for name, design in designs.items():
        model = build_model(design, seed=0).eval()
        torch.manual_seed(1)
        inputs = [torch.randn(batch, *input_shape(design)) for batch in (1, 3)]
        inputs_path = folder / f"{name}_inputs.pt"
        torch.save(inputs, inputs_path)
        with torch.no_grad():
            outputs = [model(x) for x in inputs]
        state = {k: list(v.shape) for k, v in model.state_dict().items()}
        for fmt in (formats or {}).get(name, [*FORMATS, "python+weights"]):
            key = f"{name}:{fmt}"
            real = fmt.split("+")[0]
            path = folder / f"{name}_{fmt.replace('+', '_')}{EXPORT_FORMATS[real].suffix}"
            weights = model.state_dict() if fmt == "python+weights" else None
            written = export_design(design, real, path, weights=weights)
            assert written == ([path, path.with_suffix(".pt")] if weights is not None else [path])
            manifest.append(
                {
                    "key": key,
                    "format": real,
                    "path": str(path),
                    "inputs": str(inputs_path),
                    "module": f"exported_{name}_{real}",
                    "class": class_name_for(design.name),
                    "weights": str(path.with_suffix(".pt")) if weights is not None else None,
                }
            )
            expected[key] = {"outputs": outputs, "state": state, "format": real}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            "-W",
            "ignore",
            "-c",
            RUNNER,
            str(folder / "manifest.json"),
            str(folder / "results.pt"),
        ],
        capture_output=True,
        text=True,
        cwd=folder,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {"expected": expected, "got": torch.load(folder / "results.pt", weights_only=True)}


def assert_same_model(run: dict[str, Any]) -> None:
    for key, want in run["expected"].items():
        got = run["got"][key]
        assert len(got["outputs"]) == len(want["outputs"])
        for a, b in zip(got["outputs"], want["outputs"], strict=True):
            assert a.shape == b.shape, key
            if want["format"] == "onnx":
                torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4, msg=key)
            else:
                assert torch.equal(a, b), f"{key}: max diff {(a - b).abs().max()}"
        if want["format"] == "python":
            assert got["state"] == want["state"], key


# The graph exporters need seconds per model; the two largest templates (built from the same
# layer types as the others) go through them only in the slow run, CNNSTUDIO_SLOW=1.
# Graph exports (torch.export, ONNX) of these run only in the slow suite.
BIG = (
    "vgg16",
    "resnet50",
    "vgg19",
    "googlenet",
    "mobilenet-v2",
    "mobilenet-v3-small",
    "mobilenet-v3-large",
    "efficientnet-b0",
)
GRAPH_FORMATS = ["exported-program", "onnx"]
SLOW = os.environ.get("CNNSTUDIO_SLOW") == "1"


@pytest.fixture(scope="module")
def template_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("exports")
    designs = {name: small_template(name) for name in TEMPLATES}
    quick = ["python", "python+weights", "torchscript"]
    formats = {name: quick if name in BIG else [*quick, *GRAPH_FORMATS] for name in TEMPLATES}
    return export_all(designs, folder, formats)


def test_every_template_round_trips(template_exports: dict[str, Any]) -> None:
    assert len(template_exports["expected"]) == len(TEMPLATES) * 3 + (len(TEMPLATES) - len(BIG)) * 2
    assert_same_model(template_exports)


@pytest.mark.slow
@pytest.mark.skipif(not SLOW, reason="slow: set CNNSTUDIO_SLOW=1")
def test_big_templates_round_trip_as_graphs(tmp_path: Path) -> None:
    designs = {name: small_template(name) for name in BIG}
    assert_same_model(export_all(designs, tmp_path, dict.fromkeys(BIG, GRAPH_FORMATS)))


@settings(max_examples=examples(1), deadline=None)
@given(st.lists(valid_designs(max_steps=5), min_size=2, max_size=2))
def test_random_designs_round_trip_in_every_format(designs: list[Design]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assert_same_model(export_all({f"d{i}": d for i, d in enumerate(designs)}, Path(tmp)))


@pytest.mark.parametrize("name", ["alexnet", "vgg16", "resnet50"])
def test_full_size_templates_export_as_python(name: str, tmp_path: Path) -> None:
    (path,) = export_design(get_template(name), "python", tmp_path / "net.py")
    source = path.read_text(encoding="utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(source, str(path), "exec"), namespace)
    with torch.device("meta"):
        model = namespace[class_name_for(get_template(name).name)]()
    with torch.device("meta"):
        reference = build_model(get_template(name))
    assert {k: v.shape for k, v in model.state_dict().items()} == {
        k: v.shape for k, v in reference.state_dict().items()
    }


# -- writing (the export command itself: tests/cli/test_export.py) ------------------------------
def files_in(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def test_failed_write_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "net.pt"
    target.write_bytes(b"previous export")

    def broken_save(obj: Any, f: Any, **kw: Any) -> None:
        f.write(b"half a model")
        raise RuntimeError("PytorchStreamWriter failed writing file data/0: file write failed")

    monkeypatch.setattr(torch.jit, "save", broken_save)
    with pytest.raises(ExportError, match=r"net\.pt: cannot be written \(PytorchStreamWriter"):
        export_design(get_template("lenet5"), "torchscript", target)
    assert files_in(tmp_path) == {"net.pt"}
    assert target.read_bytes() == b"previous export"


def test_missing_onnx_extra_is_one_line(
    lenet_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    with pytest.raises(ExportError) as info:
        export_design(get_template("lenet5"), "onnx", lenet_file.with_suffix(".onnx"))
    assert str(info.value) == ONNX_MISSING
    assert main(["export", str(lenet_file), "-f", "onnx"]) == 1
    assert capsys.readouterr().err == f"cnnstudio: error: {ONNX_MISSING}\n"
    assert files_in(lenet_file.parent) == {"lenet.cnn.json"}


# -- weights ------------------------------------------------------------------------------------
def test_python_export_with_weights_writes_the_state_dict(tmp_path: Path) -> None:
    design = get_template("lenet5")
    trained = build_model(design, seed=5).state_dict()
    weights = tmp_path / "trained.pt"
    torch.save(trained, weights)
    written = export_design(design, "python", tmp_path / "lenet.py", weights=weights)
    assert written == [tmp_path / "lenet.py", tmp_path / "lenet.pt"]
    saved = torch.load(tmp_path / "lenet.pt", weights_only=True)
    assert list(saved) == list(trained)
    assert all(torch.equal(saved[k], trained[k]) for k in trained)
    assert 'torch.load("lenet.pt", weights_only=True)' in written[0].read_text(encoding="utf-8")


def test_trainer_checkpoint_gives_the_weights(tmp_path: Path) -> None:
    design = small_template("resnet18")
    trained = build_model(design, seed=9).state_dict()
    ckpt = tmp_path / "best.pt"
    save_checkpoint(
        ckpt,
        design=design_to_dict(design),
        model_state=trained,
        optimizer_state=None,
        history=[],
        settings={},
        epoch=1,
    )
    assert list(load_weights(ckpt)) == list(trained)
    (path,) = export_design(design, "torchscript", tmp_path / "net.pt", weights=ckpt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load is deprecated upstream
        loaded = torch.jit.load(path)
    state = loaded.state_dict()
    assert all(torch.equal(state[k], trained[k]) for k in trained)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("other-design", "conv1.weight has shape 6x1x5x5 but the design needs 32x1x5x5"),
        ("missing", "conv1.bias is missing"),
        ("extra", "it has extra.weight, the design has not"),
    ],
)
def test_weights_that_do_not_fit_name_the_key(
    tmp_path: Path, change: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    design = get_template("simple-cnn")
    state = build_model(design).state_dict()
    if change == "other-design":
        state = build_model(get_template("lenet5")).state_dict()
    elif change == "missing":
        del state["conv1.bias"]
    else:
        state["extra.weight"] = torch.zeros(1)
    weights = tmp_path / "w.pt"
    torch.save(state, weights)
    with pytest.raises(ExportError, match=message.replace(".", r"\.")):
        export_design(design, "python", tmp_path / "net.py", weights=weights)
    design_path = tmp_path / "net.cnn.json"
    save_design(design, design_path, backup=False)
    argv = ["export", str(design_path), "--weights", str(weights)]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err
    assert files_in(tmp_path) == {"w.pt", "net.cnn.json"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "does not exist"),
        (b"garbage", "is not a checkpoint or a state_dict"),
        ("torchscript", "is a TorchScript model, not a checkpoint or a state_dict"),
    ],
)
def test_unreadable_weights(tmp_path: Path, content: bytes | str | None, message: str) -> None:
    weights = tmp_path / "w.pt"
    if content == "torchscript":
        export_design(get_template("lenet5"), "torchscript", weights)
    elif isinstance(content, bytes):
        weights.write_bytes(content)
    with pytest.raises(ExportError, match=message):
        export_design(get_template("lenet5"), "python", tmp_path / "n.py", weights=weights)


def test_weights_file_holding_other_data_is_refused(tmp_path: Path) -> None:
    weights = tmp_path / "w.pt"
    torch.save([1, 2, 3], weights)
    with pytest.raises(ExportError, match="neither a cnnstudio checkpoint nor a state_dict"):
        load_weights(weights)


def test_python_export_with_weights_needs_another_suffix(tmp_path: Path) -> None:
    state = build_model(get_template("lenet5")).state_dict()
    with pytest.raises(ExportError, match="another suffix"):
        export_design(get_template("lenet5"), "python", tmp_path / "net.pt", weights=state)


def test_api_refuses_invalid_designs_and_unknown_formats(tmp_path: Path) -> None:
    design = get_template("lenet5")
    with pytest.raises(ExportError, match="unknown export format 'keras'"):
        export_design(design, "keras", tmp_path / "x")
    design["fc1"].inputs = ["ghost"]
    with pytest.raises(DesignInvalidError):
        export_design(design, "python", tmp_path / "x.py")
    assert files_in(tmp_path) == set()


def test_formats_describe_themselves() -> None:
    assert FORMATS == ["python", "torchscript", "exported-program", "onnx"]
    assert list(EXPORT_FORMATS)[-1] == "train-script"
    assert [f.suffix for f in EXPORT_FORMATS.values()] == [".py", ".pt", ".pt2", ".onnx", ".py"]
    assert all(f.title and f.description for f in EXPORT_FORMATS.values())
