"""Random shifts, small rotations and (where they keep the class) flips, per image."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


class Augmenter:
    """Random shift (crop with padding), horizontal flip and small rotation, per sample.

    Works on a whole normalized batch on its device in one
    ``affine_grid``/``grid_sample`` call. torchvision's ``transforms.v2`` draws one set
    of random parameters per call, so applied to a batch tensor every image would get
    the same crop and angle; drawing per sample here gives the usual per-image
    augmentation at per-batch cost. Out-of-image pixels become 0, which after
    normalization is the dataset mean.
    """

    def __init__(
        self,
        input_shape: tuple[int, int, int],
        *,
        flip: bool = True,
        max_degrees: float = 10.0,
        padding: int | None = None,
    ) -> None:
        _, h, w = input_shape
        self.flip = flip
        self.max_radians = math.radians(max_degrees)
        pad = padding if padding is not None else max(1, round(min(h, w) / 8))
        # Shifts in affine_grid's normalized coordinates ([-1, 1] spans the image).
        self.max_shift = (2.0 * pad / w, 2.0 * pad / h)

    def __call__(
        self,
        x: torch.Tensor,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        n = x.shape[0]
        # Draw on the CPU generator so the same seed gives the same run on every device.
        r = torch.rand((n, 4), generator=generator)
        angle = (r[:, 0] * 2 - 1) * self.max_radians
        tx = (r[:, 1] * 2 - 1) * self.max_shift[0]
        ty = (r[:, 2] * 2 - 1) * self.max_shift[1]
        sx = torch.where(r[:, 3] < 0.5, -1.0, 1.0) if self.flip else torch.ones(n)
        cos, sin = torch.cos(angle), torch.sin(angle)
        theta = torch.stack(
            [
                torch.stack([cos * sx, -sin, tx], 1),
                torch.stack([sin * sx, cos, ty], 1),
            ],
            1,
        ).to(device=x.device, dtype=x.dtype)
        grid = F.affine_grid(theta, list(x.shape), align_corners=False)
        return F.grid_sample(
            x,
            grid,
            mode="bilinear",
            padding_mode="zeros",
            align_corners=False,
        )
