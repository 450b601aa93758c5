""" "Why did it predict that?": where in the input a network looks for one class, with Captum.

Three methods, each returning an ``H x W`` numpy heat map over the input:

- ``occlusion``: Zeiler & Fergus's experiment: slide a grey (zero, i.e. the dataset mean after
  normalisation) patch over the image and record how much the class score drops;
- ``saliency``: |d score / d pixel| (the largest over the colour channels);
- ``gradcam``: Grad-CAM on the last ``Conv2d`` block, upsampled to the input size.

Torch and Captum are imported by this module, which only the insight dock's job thread loads.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import torch
from torch import nn

__all__ = ["METHODS", "AttributionError", "Method", "attribute", "last_conv"]

Method = Literal["occlusion", "saliency", "gradcam"]
METHODS: dict[str, str] = {
    "occlusion": "Occlusion (Zeiler & Fergus)",
    "saliency": "Saliency (input gradient)",
    "gradcam": "Grad-CAM (last Conv block)",
}


class AttributionError(ValueError):
    """An attribution that cannot be computed for this model, said in one line."""


def last_conv(model: nn.Module) -> nn.Module | None:
    """The last ``Conv2d`` in registration order (the generated network's block order)."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    return convs[-1] if convs else None


def _occlusion_window(height: int, width: int) -> tuple[int, int]:
    """A patch about a sixth of the image side, slid by half its size (≈ 100 forwards at most)."""
    side = max(2, round(min(height, width) / 6))
    return side, max(1, side // 2)


def attribute(model: nn.Module, x: torch.Tensor, target: int, method: str) -> np.ndarray:
    """Heat map (``H x W`` float32) of how much each input position drives class ``target``.

    ``x`` is one normalised input, ``C x H x W`` or ``1 x C x H x W``. The model runs in eval
    mode (its mode is restored afterwards); its parameters' ``.grad`` are left untouched.
    """
    from captum.attr import LayerAttribution, LayerGradCam, Occlusion, Saliency

    if method not in METHODS:
        raise AttributionError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    inp = (x[None] if x.dim() == 3 else x).detach().float().clone()
    if inp.dim() != 4:
        raise AttributionError(f"the input must be an image C x H x W, got shape {tuple(x.shape)}")
    height, width = inp.shape[2], inp.shape[3]

    def scores(t: torch.Tensor) -> torch.Tensor:
        return model(t).reshape(t.shape[0], -1)

    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            classes = scores(inp).shape[1]
            if not 0 <= target < classes:
                raise AttributionError(f"class {target} is out of range: the output has {classes}")
            if method == "occlusion":
                side, stride = _occlusion_window(height, width)
                channels = inp.shape[1]
                attr = Occlusion(scores).attribute(
                    inp,
                    target=target,
                    sliding_window_shapes=(channels, side, side),
                    strides=(channels, stride, stride),
                    baselines=0.0,
                    perturbations_per_eval=32,
                )
                heat = attr[0].sum(0)
            elif method == "saliency":
                heat = Saliency(scores).attribute(inp.requires_grad_(), target=target)[0].amax(0)
            else:
                conv = last_conv(model)
                if conv is None:
                    raise AttributionError("Grad-CAM needs a Conv block: this design has none")
                cam = LayerGradCam(scores, conv).attribute(
                    inp, target=target, relu_attributions=True
                )
                heat = LayerAttribution.interpolate(cam, (height, width), "bilinear")[0, 0]
    finally:
        model.train(was_training)
    return heat.detach().cpu().numpy().astype(np.float32)
