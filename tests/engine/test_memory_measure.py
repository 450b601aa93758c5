"""One real training step measured against the analytic estimate (CPU here; CUDA when present)."""

from __future__ import annotations

import pytest
import torch

from cnnstudio.core.commands import SetFrozen
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.templates import adapt, get_template
from cnnstudio.engine.memory_measure import MeasureError, measure_step


def _designs() -> dict[str, Design]:
    frozen = get_template("lenet5")
    for lid in ("conv1", "conv2"):
        SetFrozen(lid, True).do(frozen)
    return {
        "lenet5": get_template("lenet5"),
        "lenet5 frozen body": frozen,
        "resnet18 small": adapt(get_template("resnet18"), (3, 16, 16), 10),
    }


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("name", list(_designs()))
def test_the_estimate_is_within_20_percent_of_what_a_cpu_step_holds(
    name: str, optimizer: str
) -> None:
    result = measure_step(_designs()[name], batch_size=4, optimizer=optimizer)
    assert result.method == "tensors held" and result.device == "cpu"
    assert result.measured > result.estimate.weights  # weights, and more
    assert abs(result.error) < 20, result.to_dict()
    assert set(result.to_dict()) == {"device", "method", "estimate", "measured", "error_percent"}


def test_what_cannot_be_measured_is_said_in_one_line() -> None:
    broken = Design(
        [
            Layer("input", "Input", params={"shape": [1, 8, 8]}),
            Layer("conv", "Conv", ["input"], {"out_channels": 2, "kernel_size": 30}),
        ]
    )
    with pytest.raises(MeasureError, match="fix the design first: conv: kernel 30 is larger"):
        measure_step(broken, batch_size=2)
    if not torch.cuda.is_available():
        with pytest.raises(MeasureError, match="cuda is not available"):
            measure_step(get_template("lenet5"), batch_size=2, device="cuda")


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("amp", [False, True])
def test_a_cuda_step_is_calibrated_against_the_allocator_peak(amp: bool) -> None:
    design = adapt(get_template("resnet18"), (3, 64, 64), 10)
    result = measure_step(design, batch_size=32, optimizer="adam", device="cuda", amp=amp)
    assert result.method == "allocator peak" and result.device.startswith("cuda")
    # The peak also holds the kernels' temporaries (cuDNN workspaces), which no estimate sees.
    assert abs(result.error) < 35, result.to_dict()
