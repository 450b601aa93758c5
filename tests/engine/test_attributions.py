"""Attribution heat maps land where the model looks (no display needed)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from cnnstudio.engine.attributions import AttributionError, attribute


class TopLeft(nn.Module):
    """Two classes: class 1's score is the sum of the top-left 4 x 4 corner only."""

    def __init__(self, conv: bool) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 1, bias=False) if conv else nn.Identity()
        if conv:
            nn.init.constant_(self.conv.weight, 1.0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        corner = self.conv(x)[:, :, :4, :4].relu().sum((1, 2, 3))
        return torch.stack([torch.zeros_like(corner), corner], 1)


@pytest.mark.parametrize("method", ["occlusion", "saliency"])
def test_attribution_is_in_the_region_the_output_depends_on(method: str) -> None:
    model = TopLeft(conv=True)
    x = torch.rand(1, 12, 12) + 0.5
    heat = attribute(model, x, 1, method)
    assert heat.shape == (12, 12)
    inside = abs(heat[:4, :4]).mean()
    outside = abs(heat[6:, 6:]).mean()
    assert inside > 0 and inside > 10 * outside


class TwoDetectors(nn.Module):
    """Conv channel 0 fires on bright pixels, channel 1 on dark ones; class c pools channel c."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 1, bias=False)
        with torch.no_grad():
            self.conv.weight[:] = torch.tensor([1.0, -1.0]).view(2, 1, 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(x).relu().mean((2, 3))


def test_gradcam_shows_where_the_class_detector_fires() -> None:
    x = -torch.ones(1, 12, 12)
    x[:, :4, :4] = 1.0  # bright only in the top-left corner
    heat = attribute(TwoDetectors(), x, 0, "gradcam")
    assert heat.shape == (12, 12)
    assert heat[:3, :3].mean() > 0 and heat[:3, :3].mean() > 10 * abs(heat[7:, 7:]).mean()
    dark = attribute(TwoDetectors(), x, 1, "gradcam")
    assert dark[7:, 7:].mean() > 10 * abs(dark[:3, :3]).mean()


def test_gradcam_without_conv_says_so() -> None:
    with pytest.raises(AttributionError, match="Grad-CAM needs a Conv block"):
        attribute(TopLeft(conv=False), torch.rand(1, 8, 8), 1, "gradcam")


def test_bad_class_and_mode_restored() -> None:
    model = TopLeft(conv=True).train()
    with pytest.raises(AttributionError, match="out of range"):
        attribute(model, torch.rand(1, 8, 8), 5, "saliency")
    assert model.training
    assert model.conv.weight.grad is None
