"""The learning-rate finder: an exponential sweep of the learning rate over a few hundred batches.

fastai's algorithm (Leslie Smith's range test): the learning rate grows exponentially from
``start_lr`` to ``end_lr`` over ``num_batches`` training batches; the loss is smoothed with an
exponential moving average (beta 0.98, bias-corrected) and the sweep stops once the smoothed
loss is 4 times the best one. The suggestion is fastai's ``valley`` (the middle of the longest
descent); ``steep`` (the steepest descent), ``minimum`` (a tenth of the lowest loss's learning
rate) are reported too. The sweep trains a copy of the network: the caller's weights and the
design are untouched.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from .datasets import DatasetBundle
from .losses import classification_loss, output_kind
from .trainer import Trainer, TrainSettings

SMOOTHING = 0.98
DIVERGENCE = 4.0


class LRFinderError(ValueError):
    """A sweep that cannot run (bad range, no trainable parameters), said in one line."""


@dataclass(frozen=True)
class LRFinderResult:
    """The sweep: learning rates, smoothed losses, and the usual suggestions."""

    lrs: list[float]
    losses: list[float]
    suggestion: float
    steep: float
    minimum: float
    valley: float
    optimizer: str
    stopped_early: bool
    raw_losses: list[float] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """What ``cnnstudio lr-find --json`` prints."""
        return {
            "suggestion": self.suggestion,
            "steep": self.steep,
            "minimum": self.minimum,
            "valley": self.valley,
            "optimizer": self.optimizer,
            "stopped_early": self.stopped_early,
            "lrs": self.lrs,
            "losses": self.losses,
        }


def _suggestions(lrs: list[float], losses: list[float]) -> tuple[float, float, float]:
    """(steep, minimum, valley) as fastai computes them, on the sweep without its two ends."""
    n = len(lrs)
    skip_start, skip_end = n // 10, min(5, max(0, n - n // 10 - 3))
    kept_lrs = lrs[skip_start : n - skip_end] or lrs
    kept = losses[skip_start : n - skip_end] or losses
    minimum = kept_lrs[min(range(len(kept)), key=kept.__getitem__)] / 10
    if len(kept) < 2:
        return kept_lrs[0], minimum, kept_lrs[0]
    slopes = [
        (kept[i + 1] - kept[i]) / (math.log(kept_lrs[i + 1]) - math.log(kept_lrs[i]))
        for i in range(len(kept) - 1)
    ]
    steep = kept_lrs[min(range(len(slopes)), key=slopes.__getitem__)]
    # fastai's valley: the longest decreasing subsequence; 2/3 of the way down it... to be
    # exact, its start plus a third plus a sixth of its length.
    size = len(kept)
    lds = [1] * size
    max_start = max_end = 0
    for i in range(1, size):
        for j in range(i):
            if kept[i] < kept[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    index = max_start + int(sections) + int(sections / 2)
    valley = kept_lrs[min(index, size - 1)]
    return steep, minimum, valley


def find_lr(
    model: nn.Module,
    bundle: DatasetBundle,
    *,
    optimizer: str = "sgd",
    batch_size: int = 64,
    start_lr: float = 1e-7,
    end_lr: float = 10.0,
    num_batches: int = 100,
    seed: int = 0,
    progress: Callable[[int, float, float], bool] | None = None,
) -> LRFinderResult:
    """Sweep the learning rate for a copy of ``model`` on ``bundle``'s training set.

    ``optimizer`` is one of the trainer's (sgd with momentum 0.9, adam, adamw, rmsprop), built
    exactly as training builds it. ``progress(batch, lr, smoothed_loss)`` is called after each
    batch; returning False stops the sweep.
    """
    if not (0 < start_lr < end_lr) or not all(map(math.isfinite, (start_lr, end_lr))):
        raise LRFinderError(
            f"the sweep needs 0 < start_lr < end_lr, not {start_lr:g} and {end_lr:g}"
        )
    if num_batches < 10:
        raise LRFinderError(f"the sweep needs at least 10 batches, not {num_batches}")
    net = copy.deepcopy(model)
    if not any(p.requires_grad for p in net.parameters()):
        raise LRFinderError("every layer is frozen: there is no learning rate to find")
    settings = TrainSettings(
        optimizer=optimizer,
        lr=start_lr,
        momentum=0.9 if optimizer in ("sgd", "rmsprop") else 0.0,
        batch_size=batch_size,
        seed=seed,
        device="cpu",
    )
    try:
        settings.validate()
    except ValueError as exc:
        raise LRFinderError(str(exc)) from None
    device = next(net.parameters()).device
    opt = Trainer(net, bundle, settings).optimizer
    kind = output_kind(net)
    ratio = (end_lr / start_lr) ** (1 / (num_batches - 1))
    generator = torch.Generator().manual_seed(seed)
    n = len(bundle.train_y)
    order = torch.randperm(n, generator=generator)
    cursor = 0
    avg = 0.0
    best = math.inf
    lrs: list[float] = []
    losses: list[float] = []
    raw: list[float] = []
    stopped_early = False
    net.train()
    for step in range(num_batches):
        lr = start_lr * ratio**step
        for group in opt.param_groups:
            group["lr"] = lr
        if cursor + batch_size > n:  # a new pass over the data, reshuffled
            order = torch.randperm(n, generator=generator)
            cursor = 0
        index = order[cursor : cursor + batch_size]
        cursor += batch_size
        x = bundle.train_x[index].to(device)
        y = bundle.train_y[index].to(device)
        opt.zero_grad(set_to_none=True)
        loss = classification_loss(net(x), y, kind)
        value = float(loss.detach())
        if not math.isfinite(value):
            stopped_early = True
            break
        loss.backward()
        opt.step()
        avg = SMOOTHING * avg + (1 - SMOOTHING) * value
        smoothed = avg / (1 - SMOOTHING ** (step + 1))
        lrs.append(lr)
        losses.append(smoothed)
        raw.append(value)
        best = min(best, smoothed)
        if progress is not None and progress(step + 1, lr, smoothed) is False:
            stopped_early = True
            break
        if step > 0 and smoothed > DIVERGENCE * best:
            stopped_early = True
            break
    if len(lrs) < 3:
        raise LRFinderError(
            f"the loss diverged after {len(lrs)} batch(es): lower start_lr (now {start_lr:g})"
        )
    steep, minimum, valley = _suggestions(lrs, losses)
    return LRFinderResult(
        lrs=lrs,
        losses=losses,
        suggestion=valley,
        steep=steep,
        minimum=minimum,
        valley=valley,
        optimizer=settings.optimizer,
        stopped_early=stopped_early,
        raw_losses=raw,
    )
