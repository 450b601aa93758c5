"""Fitting images to the design's Input, the seeded validation split, normalization.

cnnstudio's dataset loader (:mod:`cnnstudio.engine.datasets`) and the exported
``train.py`` both preprocess with these functions, so a design sees the same numbers in
the app and in the script.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

# Luminance weights (ITU-R BT.601, the ones PIL uses for "L") for RGB -> gray.
LUMA = (0.299, 0.587, 0.114)


def fit_images(x: torch.Tensor, input_shape: tuple[int, int, int]) -> torch.Tensor:
    """Resize and channel-convert N x C0 x H0 x W0 images in [0, 1] to ``input_shape``.

    Raises ``ValueError`` for channels that cannot be converted (only 1 <-> 3 and RGBA).
    """
    c, h, w = input_shape
    x = x.float()
    if x.shape[1] == 4:  # RGBA: the alpha channel carries no class information
        x = x[:, :3]
    if tuple(x.shape[-2:]) != (h, w):
        # antialias matters when shrinking (e.g. CIFAR 32 -> 16); a no-op when
        # enlarging.
        x = F.interpolate(
            x,
            size=(h, w),
            mode="bilinear",
            align_corners=False,
            antialias=True,
        )
        x = x.clamp_(0.0, 1.0)
    c0 = x.shape[1]
    if c0 == c:
        return x.contiguous()
    if c0 == 1:
        return x.repeat(1, c, 1, 1)
    if c0 == 3 and c == 1:
        weights = torch.tensor(LUMA, dtype=x.dtype, device=x.device).view(1, 3, 1, 1)
        return (x * weights).sum(dim=1, keepdim=True)
    raise ValueError(f"cannot convert {c0}-channel images to the design's {c} channels")


def split_indices(
    n: int,
    val_fraction: float,
    seed: int,
) -> tuple[torch.Tensor, torch.Tensor]:
    """(training, validation) indices of ``n`` images: a seeded random split."""
    n_val = min(max(1, round(n * val_fraction)), n - 1)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return perm[n_val:], perm[:n_val]


def channel_stats(
    train_x: torch.Tensor,
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Per-channel mean and standard deviation of the training images."""
    # float64 sums: float32 loses precision over tens of millions of pixels.
    mean_t = train_x.mean(dim=(0, 2, 3), dtype=torch.float64)
    if len(train_x) > 1:
        std_t = train_x.double().std(dim=(0, 2, 3))
    else:
        std_t = torch.ones(train_x.shape[1])
    mean = tuple(float(v) for v in mean_t)
    std = tuple(max(float(v), 1e-6) if math.isfinite(float(v)) else 1.0 for v in std_t)
    return mean, std


def normalize_(
    x: torch.Tensor,
    mean: tuple[float, ...],
    std: tuple[float, ...],
) -> torch.Tensor:
    """Subtract ``mean`` and divide by ``std`` per channel, in place; returns ``x``."""
    m = torch.tensor(mean, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    s = torch.tensor(std, dtype=x.dtype, device=x.device).view(1, -1, 1, 1)
    return x.sub_(m).div_(s)
