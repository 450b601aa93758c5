"""Carrying a model's weights over to its transfer-learning design (see `cnnstudio.core.transfer`).

The new classifier has another shape, so it keeps its fresh (seeded) initialization; every
other weight comes from the imported state_dict, so the frozen body is the pretrained one.
"""

from __future__ import annotations

import torch

from ..core.design import Design
from .builder import build_model


def transfer_state(
    state: dict[str, torch.Tensor], design: Design, *, seed: int = 0
) -> tuple[dict[str, torch.Tensor], list[str]]:
    """The state_dict of ``design``'s module: ``state``'s tensors where their shapes fit, fresh
    ones elsewhere. Returns it and the keys that were freshly initialized (the new head)."""
    fresh = build_model(design, seed=seed).state_dict()
    result: dict[str, torch.Tensor] = {}
    new_keys: list[str] = []
    for key, value in fresh.items():
        old = state.get(key)
        if old is not None and old.shape == value.shape:
            result[key] = old.detach().clone()
        else:
            result[key] = value
            new_keys.append(key)
    return result, new_keys
