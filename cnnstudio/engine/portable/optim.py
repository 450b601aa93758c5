"""A run's optimizer and learning-rate schedule, and bringing a schedule up to date."""

from __future__ import annotations

import warnings

import torch
from torch import nn

OPTIMIZER_NAMES = ("sgd", "adam", "adamw", "rmsprop")
SCHEDULE_NAMES = ("none", "step", "cosine", "onecycle", "plateau")


def make_optimizer(
    params: list[nn.Parameter],
    name: str,
    *,
    lr: float,
    momentum: float,
    nesterov: bool,
    weight_decay: float,
    device_type: str | None,
) -> torch.optim.Optimizer:
    """The optimizer ``name`` (one of :data:`OPTIMIZER_NAMES`) over ``params``.

    ``device_type`` is where the parameters will live (``None``: unknown).
    """
    # The fused kernels update all parameters in one call: about 5% faster per batch for
    # a LeNet on one CPU thread. They exist for float parameters on the CPU and CUDA.
    fused_device = device_type in ("cpu", "cuda")
    fused = (fused_device and all(p.is_floating_point() for p in params)) or None
    if name == "sgd":
        return torch.optim.SGD(
            params,
            lr=lr,
            momentum=momentum,
            nesterov=nesterov,
            weight_decay=weight_decay,
            fused=fused,
        )
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=weight_decay, fused=fused)
    if name == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=weight_decay, fused=fused)
    return torch.optim.RMSprop(
        params,
        lr=lr,
        momentum=momentum,
        weight_decay=weight_decay,
    )


def make_scheduler(
    optimizer: torch.optim.Optimizer,
    schedule: str,
    *,
    epochs: int,
    batches: int,
    lr: float,
    step_size: int,
    gamma: float,
    plateau_patience: int,
    cycle_momentum: bool,
) -> torch.optim.lr_scheduler.LRScheduler | None:
    """The schedule ``schedule`` (one of :data:`SCHEDULE_NAMES`); ``None`` for ``none``.

    ``batches`` is the number of batches per epoch (``onecycle`` steps per batch).
    """
    sched = torch.optim.lr_scheduler
    if schedule == "step":
        return sched.StepLR(optimizer, step_size=step_size, gamma=gamma)
    if schedule == "cosine":
        return sched.CosineAnnealingLR(optimizer, T_max=epochs)
    if schedule == "onecycle":
        return sched.OneCycleLR(
            optimizer,
            max_lr=lr,
            total_steps=epochs * batches,
            cycle_momentum=cycle_momentum,
        )
    if schedule == "plateau":
        return sched.ReduceLROnPlateau(
            optimizer, mode="min", factor=gamma, patience=plateau_patience
        )
    return None


def step_at_epoch_end(
    scheduler: torch.optim.lr_scheduler.LRScheduler | None,
    schedule: str,
    val_loss: float,
) -> None:
    """Advance an epoch-wise schedule after validation (``onecycle``: per batch)."""
    if scheduler is None:
        return
    if schedule == "plateau":
        scheduler.step(val_loss)  # type: ignore[arg-type]
    elif schedule != "onecycle":
        scheduler.step()


def replay_schedule(
    scheduler: torch.optim.lr_scheduler.LRScheduler | None,
    schedule: str,
    batches: int,
    val_losses: list[float],
) -> None:
    """Bring a fresh schedule to where it was after epochs with these ``val_losses``.

    For resuming a run without the schedule's saved state.
    """
    if scheduler is None:
        return
    with warnings.catch_warnings():
        # "lr_scheduler.step() before optimizer.step()" is expected while replaying.
        warnings.simplefilter("ignore", UserWarning)
        for val_loss in val_losses:
            if schedule == "onecycle":
                for _ in range(batches):
                    scheduler.step()
            else:
                step_at_epoch_end(scheduler, schedule, val_loss)
