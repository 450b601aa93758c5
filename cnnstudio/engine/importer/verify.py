"""Checking an import: the design's generated module, given the weights, computes the same
outputs as the original module (``torch.testing.assert_close`` on a random batch)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch
from torch import nn

from ...core.design import Design
from ..builder import build_model


@dataclass(frozen=True)
class Verification:
    """The outcome: ``ok``, the largest absolute difference, and the message in words."""

    ok: bool
    max_abs_diff: float
    message: str


def verify(
    design: Design,
    state_dict: dict[str, torch.Tensor],
    original: nn.Module,
    shape: tuple[int, ...],
    *,
    batch: int = 2,
    seed: int = 1,
    device: str = "cpu",
    train_mode: bool = True,
) -> Verification:
    """Regenerate the module from ``design``, load ``state_dict`` and compare with ``original``
    (put in eval mode unless ``train_mode`` is False, as an exported program must not be)."""
    model = build_model(design, seed=0)
    try:
        model.load_state_dict(state_dict, strict=True)
    except RuntimeError as exc:
        first = str(exc).strip().splitlines()
        return Verification(False, float("inf"), f"the weights do not fit: {first[-1].strip()}")
    model.eval().to(device)
    if train_mode:  # an exported program's module has no train/eval switch to make
        original.eval()
    original.to(device)
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn((batch, *shape), generator=generator).to(device)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = original(x)
        got = model(x)
    if not isinstance(expected, torch.Tensor) or got.shape != expected.shape:
        return Verification(False, float("inf"), "the outputs differ in shape")
    diff = float((got - expected).abs().max()) if got.numel() else 0.0
    try:
        torch.testing.assert_close(got, expected)
    except AssertionError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return Verification(False, diff, "; ".join(lines[:3]))
    return Verification(True, diff, f"verified (largest difference {diff:.2g})")
