"""One real training step, measured: how far the analytic memory estimate is from torch.

`cnnstudio.core.memory.estimate_memory` works a step's memory out from the analysis alone (no
forward pass); this module runs one step of the design, with the batch size, optimizer and
precision the user chose, on the device the user trains on, and says what torch really held:

- on CUDA, the caching allocator's peak (``torch.cuda.max_memory_allocated``) from just before
  the model is built to just after the optimizer step, which counts the weights, gradients,
  optimizer state, the tensors autograd saves and the temporaries of the kernels (cuDNN's
  workspaces); the calibration the issue asks for;
- on the CPU, where torch keeps no allocator statistics, the bytes of the distinct tensors the
  step holds: the weights and buffers, the gradients and the optimizer state after the step,
  and what autograd saved during the forward pass (``saved_tensors_hooks``), the quantities the
  estimate counts, so the comparison checks the estimate and not the C allocator.

The result gives the error of the estimate in percent (positive: the estimate is higher).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch.autograd.graph import saved_tensors_hooks

from ..core.analysis import analyze
from ..core.design import Design
from ..core.errors import CnnStudioError
from ..core.memory import MemoryEstimate, estimate_memory
from .builder import build_model
from .devices import resolve_device
from .portable.loop import autocast, compute_loss, make_scaler, output_kind
from .portable.optim import make_optimizer


class MeasureError(CnnStudioError):
    """A step that cannot be measured (an invalid design, an unusable device), in one line."""


@dataclass(frozen=True)
class MeasuredStep:
    """The estimate of one training step next to what torch held for it."""

    device: str
    method: str  # "allocator peak" (CUDA) or "tensors held" (CPU)
    estimate: MemoryEstimate
    measured: int  # bytes

    @property
    def error(self) -> float:
        """(estimate - measured) / measured, in percent."""
        return 100.0 * (self.estimate.total - self.measured) / max(1, self.measured)

    def to_dict(self) -> dict[str, Any]:
        return {
            "device": self.device,
            "method": self.method,
            "estimate": self.estimate.total,
            "measured": self.measured,
            "error_percent": round(self.error, 2),
        }


def _storage(t: torch.Tensor) -> tuple[int, int]:
    storage = t.untyped_storage()
    return storage.data_ptr(), storage.nbytes()


def measure_step(
    design: Design,
    *,
    batch_size: int,
    optimizer: str = "adam",
    momentum: float = 0.9,
    amp: bool = False,
    device: str = "cpu",
    seed: int = 0,
) -> MeasuredStep:
    """Run one training step of ``design`` on random data and measure its memory.

    Raises `MeasureError` for a design with errors, a device that is not there, or a step
    that fails (CUDA out of memory: then the batch does not fit, which is also an answer).
    """
    analysis = analyze(design)
    if not analysis.valid or analysis.input_id is None:
        first = analysis.errors[0].message if analysis.errors else "the design has no output"
        raise MeasureError(f"fix the design first: {first}")
    estimate = estimate_memory(
        design, analysis, batch_size=batch_size, optimizer=optimizer, momentum=momentum, amp=amp
    )
    try:
        dev = resolve_device(device)
    except Exception as exc:  # the resolver's own one-line messages
        raise MeasureError(str(exc)) from None
    shape = analysis.layers[analysis.input_id].output_shape
    assert shape is not None
    cuda = dev.type == "cuda"
    if cuda:
        torch.cuda.synchronize(dev)
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats(dev)
        base = torch.cuda.memory_allocated(dev)
    held: dict[int, int] = {}
    try:
        model = build_model(design, seed=seed).to(dev).train()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = (
            make_optimizer(
                params,
                optimizer,
                lr=1e-3,
                momentum=momentum,
                nesterov=False,
                weight_decay=0.0,
                device_type=dev.type,
            )
            if params
            else None
        )
        generator = torch.Generator().manual_seed(seed)
        x = torch.randn(batch_size, *shape, generator=generator).to(dev)
        kind = output_kind(model)
        weights = {p.untyped_storage().data_ptr() for p in model.parameters()}

        def pack(t: torch.Tensor) -> torch.Tensor:
            ptr, nbytes = _storage(t)
            if ptr not in weights:
                held[ptr] = nbytes
            return t

        scaler = make_scaler(dev, amp)
        with saved_tensors_hooks(pack, lambda t: t), autocast(dev, amp):
            out = model(x)
        classes = out.flatten(1).shape[1]
        y = torch.randint(0, classes, (batch_size,), generator=generator).to(dev)
        loss = compute_loss(out, y, kind)
        if opt is not None:
            opt.zero_grad(set_to_none=True)
            if scaler is not None:
                scaler.scale(loss).backward()
                scaler.step(opt)
                scaler.update()
            else:
                loss.backward()
                opt.step()
        if cuda:
            torch.cuda.synchronize(dev)
            measured = int(torch.cuda.max_memory_allocated(dev) - base)
            method = "allocator peak"
        else:
            measured = _held_bytes(model, opt, held)
            method = "tensors held"
    except torch.OutOfMemoryError:
        raise MeasureError(
            f"one step of batch {batch_size} does not fit on {dev}: lower the batch size"
        ) from None
    except RuntimeError as exc:
        raise MeasureError(f"the step failed on {dev}: {str(exc).splitlines()[0]}") from None
    return MeasuredStep(str(dev), method, estimate, measured)


def _held_bytes(
    model: torch.nn.Module, opt: torch.optim.Optimizer | None, saved: dict[int, int]
) -> int:
    """Weights, buffers, gradients and optimizer state after the step, plus the saved tensors
    (each storage once: a tensor saved by two operations is held once).

    The two are summed apart: the saved tensors are freed by the backward pass, and the
    gradients and optimizer state allocated after it may reuse their addresses."""
    storages: dict[int, int] = {}
    tensors = [*model.parameters(), *model.buffers()]
    tensors += [p.grad for p in model.parameters() if p.grad is not None]
    if opt is not None:
        for state in opt.state.values():
            tensors += [v for k, v in state.items() if torch.is_tensor(v) and k != "step"]
    for t in tensors:
        ptr, nbytes = _storage(t)
        storages[ptr] = nbytes
    return sum(saved.values()) + sum(storages.values())
