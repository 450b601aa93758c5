"""The epoch loop's pieces: batch plan, per-epoch seeds, loss, step, totals, validation.

Reproducibility: the global torch RNG (dropout) and the shuffling/augmentation generator
are re-seeded at the start of every epoch from ``(seed, epoch)`` (:func:`seed_epoch`),
so a run resumed from an epoch boundary continues exactly like an unbroken run. Every
rank draws the same permutation and trains on its shard; dropout and augmentation draw
from per-rank streams.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator

import torch
import torch.nn.functional as F
from torch import nn

from .sharding import (
    all_gather_cat,
    all_reduce_sum,
    average_buffers,
    shard_indices,
    shard_size,
)

#: How the loss reads the model's output: scores, probabilities or log-probabilities.
OUTPUT_KINDS = ("logits", "probs", "log-probs")


def output_kind(model: nn.Module) -> str:
    """``probs`` if the last module is Softmax, ``log-probs`` for LogSoftmax."""
    modules = list(model.modules())
    last = modules[-1] if modules else model
    if isinstance(last, nn.Softmax):
        return "probs"
    return "log-probs" if isinstance(last, nn.LogSoftmax) else "logits"


def train_mode(model: nn.Module) -> None:
    """Train mode, except for frozen layers (all own parameters without gradients).

    A frozen BatchNorm in train mode would still move its running statistics and
    normalize with the batch's: frozen means the loaded layer computes as it did.
    """
    model.train()
    for module in model.modules():
        own = list(module.parameters(recurse=False))
        if own and not any(p.requires_grad for p in own):
            module.eval()


def compute_loss(out: torch.Tensor, y: torch.Tensor, kind: str) -> torch.Tensor:
    """Cross entropy on scores; NLL on probabilities (softmax is not applied twice)."""
    if out.dim() > 2:
        out = out.flatten(1)
    if kind == "probs":
        return F.nll_loss(torch.log(out.float().clamp_min(1e-12)), y)
    if kind == "log-probs":
        return F.nll_loss(out.float(), y)
    return F.cross_entropy(out.float(), y)


def autocast(
    device: torch.device,
    amp: bool,
) -> contextlib.AbstractContextManager[object]:
    """float16 autocast on CUDA when ``amp``; else a no-op context."""
    if not (amp and device.type == "cuda"):
        return contextlib.nullcontext()  # a disabled torch.autocast still costs ~7 us
    return torch.autocast(device_type=device.type, dtype=torch.float16)


def make_scaler(device: torch.device, amp: bool) -> torch.amp.GradScaler | None:
    """The gradient scaler of float16 training, or ``None`` without it."""
    return torch.amp.GradScaler("cuda") if amp and device.type == "cuda" else None


def plan_batches(n: int, batch_size: int, world_size: int) -> tuple[int, int, int]:
    """(batch size, batches per epoch, samples used per epoch) of one rank's shard."""
    # Every rank trains on an equal shard (DistributedSampler semantics): same batch
    # count.
    shard = shard_size(n, world_size)
    bs = min(batch_size, shard)
    batches = math.ceil(shard / bs)
    # A last batch of 1 breaks BatchNorm in training mode; drop it (re-shuffled anyway).
    if batches > 1 and shard % bs == 1:
        batches -= 1
    return bs, batches, min(shard, batches * bs)


def epoch_seed(seed: int, epoch: int) -> int:
    """A distinct, reproducible seed per epoch; below 2**63 for manual_seed."""
    return (seed * 1_000_003 + epoch * 7_919 + 12_345) % (2**62)


def seed_epoch(
    generator: torch.Generator,
    n: int,
    seed: int,
    epoch: int,
    *,
    rank: int,
    world_size: int,
    usable: int,
    device: torch.device,
) -> torch.Tensor:
    """Re-seed for ``epoch``; returns this rank's sample order (on ``device``)."""
    seed = epoch_seed(seed, epoch)
    # The same permutation on every rank; dropout and augmentation differ per rank.
    torch.manual_seed(seed + rank)
    generator.manual_seed(seed)
    perm = torch.randperm(n, generator=generator)
    order = shard_indices(perm, rank, world_size)[:usable].to(device)
    if rank:
        generator.manual_seed(seed + rank)
    return order


class EpochTotals:
    """Running loss sum, correct count and sample count of one epoch (on the device)."""

    def __init__(self, device: torch.device) -> None:
        self.loss_sum = torch.zeros((), device=device)
        self.correct = torch.zeros((), dtype=torch.int64, device=device)
        self.seen = 0

    def add(self, loss: torch.Tensor, out: torch.Tensor, y: torch.Tensor) -> None:
        """Count one batch: its mean ``loss``, its outputs and labels (all detached)."""
        self.loss_sum += loss * len(y)
        self.correct += (out.flatten(1).argmax(1) == y).sum()
        self.seen += len(y)

    def mean_loss(self) -> float:
        """Mean training loss so far on this rank (syncs the device)."""
        return self.loss_sum.item() / max(1, self.seen)

    def reduce(self, model: nn.Module, distributed: bool) -> tuple[float, float]:
        """Training loss and accuracy over all ranks; also syncs BatchNorm stats."""
        if not distributed:
            seen = max(1, self.seen)
            return self.loss_sum.item() / seen, self.correct.item() / seen
        average_buffers(model)
        totals = torch.stack([self.loss_sum.double(), self.correct.double()])
        totals = torch.cat([totals, totals.new_tensor([self.seen])])
        all_reduce_sum(totals)
        loss_total, correct_total, seen_total = totals.tolist()
        seen_all = max(1.0, seen_total)
        return loss_total / seen_all, correct_total / seen_all


def train_batches(
    net: nn.Module,
    optimizer: torch.optim.Optimizer,
    train_x: torch.Tensor,
    train_y: torch.Tensor,
    order: torch.Tensor,
    batch_size: int,
    batches: int,
    *,
    kind: str,
    amp: bool,
    scaler: torch.amp.GradScaler | None,
    augment: Callable[[torch.Tensor, torch.Generator], torch.Tensor] | None,
    generator: torch.Generator,
    totals: EpochTotals,
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> Iterator[torch.Tensor]:
    """Train one epoch in ``order``; yields each batch's detached loss after its step.

    ``scheduler`` (``onecycle``) steps after every batch. The caller may stop between
    batches by not asking for the next one.
    """
    device = order.device
    for b in range(batches):
        idx = order[b * batch_size : (b + 1) * batch_size]
        x = train_x[idx]
        y = train_y[idx]
        if augment is not None:
            x = augment(x, generator)
        with autocast(device, amp):
            out = net(x)
            loss = compute_loss(out, y, kind)
        optimizer.zero_grad(set_to_none=True)
        if scaler is not None:
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
        else:
            loss.backward()
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
        detached = loss.detach()
        totals.add(detached, out.detach(), y)
        yield detached


@torch.no_grad()
def evaluate(
    model: nn.Module,
    val_x: torch.Tensor,
    val_y: torch.Tensor,
    *,
    kind: str,
    amp: bool,
    batch_size: int,
    rank: int,
    world_size: int,
) -> tuple[float, float, torch.Tensor]:
    """Validation loss, accuracy and predicted classes (in eval mode, then back).

    Under torchrun each rank predicts one contiguous block of the validation set; the
    predictions are gathered and the loss summed over ranks, so every rank returns the
    same numbers for the whole set.
    """
    was_training = model.training
    model.eval()
    n = len(val_y)
    device = val_x.device
    block = shard_size(n, world_size)
    first = min(n, rank * block)
    last = min(n, first + block)
    step = max(256, batch_size * 4)
    loss_sum = torch.zeros((), dtype=torch.float64, device=device)
    # -1 pads the last ranks' blocks to equal length for all_gather; cut off below.
    preds = torch.full((block,), -1, dtype=torch.int64, device=device)
    try:
        for start in range(first, last, step):
            stop = min(last, start + step)
            x = val_x[start:stop]
            y = val_y[start:stop]
            with autocast(device, amp):
                out = model(x)
            loss_sum += compute_loss(out, y, kind).double() * len(y)
            preds[start - first : stop - first] = out.flatten(1).argmax(1)
    finally:
        if was_training:
            train_mode(model)
    all_reduce_sum(loss_sum)
    preds = all_gather_cat(preds)[:n]
    correct = (preds == val_y).sum().item()
    return loss_sum.item() / max(1, n), correct / max(1, n), preds


#: What picks the best epoch: the weights kept and early stopping's patience.
BEST_CRITERIA = ("val_loss", "val_acc")


def is_better(
    criterion: str,
    val_loss: float,
    val_acc: float,
    best: tuple[float, float] | None,
) -> bool:
    """Whether an epoch's (val loss, val acc) beats ``best`` by ``criterion``.

    ``val_loss``: a lower loss. ``val_acc``: a higher accuracy, or the same accuracy
    with a lower loss (ties are common on small validation sets, and the lower loss is
    the more confident of two equally accurate models). ``best`` ``None``: the first.
    """
    if best is None:
        return True
    best_loss, best_acc = best
    if criterion == "val_acc":
        return val_acc > best_acc or (val_acc == best_acc and val_loss < best_loss)
    return val_loss < best_loss
