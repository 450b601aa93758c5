"""Fixed weights in torch: the built module, every export and training use exactly them."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from cnnstudio import lab
from cnnstudio.core.analysis import analyze
from cnnstudio.core.design import Design, Layer
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.codegen import generate_code
from cnnstudio.engine.export import export_design


def _lab_design(mode: str = "reflect", channels: int = 1) -> tuple[Design, str]:
    design = Design([Layer("input", "Input", params={"shape": [channels, 9, 7]})], name="lab")
    command, new_id = lab.frozen_conv(
        design,
        analyze(design),
        lab.kernel_preset("sobel_x").array(),
        "input",
        padding=1,
        padding_mode=mode,
        bias=0.25,
        name="sobel_x",
    )
    command.do(design)
    return design, new_id


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
def test_the_frozen_conv_computes_what_the_lab_shows(mode: str) -> None:
    design, _ = _lab_design(mode)
    image = np.random.default_rng(0).integers(0, 255, (9, 7)).astype(np.float64)
    expected = lab.convolve(
        image, lab.kernel_preset("sobel_x").array(), padding=1, padding_mode=mode, bias=0.25
    ).output
    model = build_model(design).eval()
    with torch.no_grad():
        got = model(torch.tensor(image, dtype=torch.float32)[None, None])
    np.testing.assert_allclose(got[0, 0].numpy(), expected, rtol=1e-5, atol=1e-3)


def test_on_colour_input_the_filter_reads_the_channel_mean() -> None:
    design, _ = _lab_design("zeros", channels=3)
    rgb = torch.rand(1, 3, 9, 7)
    expected = lab.convolve(
        rgb[0].mean(0).double().numpy(), lab.kernel_preset("sobel_x").array(), padding=1, bias=0.25
    ).output
    with torch.no_grad():
        got = build_model(design).eval()(rgb)
    np.testing.assert_allclose(got[0, 0].numpy(), expected, rtol=1e-5, atol=1e-5)


def test_fixed_weights_stay_fixed_and_survive_the_exports(tmp_path: Path) -> None:
    design, new_id = _lab_design()
    model = build_model(design, seed=123)
    conv = getattr(model, new_id)
    before = conv.weight.detach().clone()
    assert not conv.weight.requires_grad and not conv.bias.requires_grad
    # A differently seeded build holds the same numbers: they come from the design, not the RNG.
    assert torch.equal(getattr(build_model(design, seed=7), new_id).weight, before)
    x = torch.rand(2, 1, 9, 7)
    for fmt in ("torchscript", "onnx"):
        (path,) = export_design(design, fmt, tmp_path / f"lab.{fmt}")
        if fmt == "torchscript":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # torch.jit.load is deprecated
                got = torch.jit.load(str(path))(x)
        else:
            import onnxruntime

            run = onnxruntime.InferenceSession(str(path)).run
            got = torch.from_numpy(run(None, {"input": x.numpy()})[0])
        torch.testing.assert_close(got, model.eval()(x))
    torch.testing.assert_close(
        before[0, 0], torch.tensor(lab.kernel_preset("sobel_x").values).float()
    )


def test_the_exported_source_carries_the_numbers_as_matrices() -> None:
    design, new_id = _lab_design()
    source = generate_code(design).source
    assert "# fmt: off" in source and "# fmt: on" in source
    assert f"self.{new_id}.weight.copy_(torch.tensor(" in source
    assert "[[[[-1.0, 0.0, 1.0],\n" in source or "[[[[1.0, 0.0, -1.0],\n" in source
    namespace: dict[str, object] = {}
    exec(compile(source.replace('if __name__ == "__main__":', "if False:"), "x", "exec"), namespace)
