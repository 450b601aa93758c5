"""Which torch device a run uses: ``auto`` or a name the user typed, checked against this machine.

Its own module so that the trainer and the torchrun plumbing (:mod:`.distributed`) both use it
without importing each other.
"""

from __future__ import annotations

import torch

__all__ = ["resolve_device"]


def resolve_device(name: str) -> torch.device:
    """``auto`` picks cuda, then mps, then cpu; an explicit name must be usable here."""
    name = name.strip().lower()
    mps = getattr(torch.backends, "mps", None)
    mps_ok = mps is not None and mps.is_available()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if mps_ok else torch.device("cpu")
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise ValueError(f"unknown device {name!r}: use auto, cpu, cuda, cuda:N or mps") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device cuda is not available on this machine: use auto or cpu")
    if device.type == "cuda" and (device.index or 0) >= torch.cuda.device_count():
        raise ValueError(f"there is no {device}: this machine has {torch.cuda.device_count()}")
    if device.type == "mps" and not mps_ok:
        raise ValueError("device mps is not available on this machine: use auto or cpu")
    return device
