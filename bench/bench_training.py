"""Benchmark: training throughput of cnnstudio's Trainer against the textbook PyTorch loop.

Runs in one process with ``torch.set_num_threads(1)`` so the numbers are comparable on any
machine: a LeNet-like model on digits resized to 32x32, Trainer and the plain
``DataLoader(TensorDataset)`` loop in paired rounds of alternating order, then the median
ratio of training samples/s (goal >= 1).
A second part trains the LeNet-5 template on digits for 15 epochs (goal >= 97% in < 30 s).
Run ``python bench/bench_training.py``.
"""

from __future__ import annotations

import statistics
import sys
import time

import torch
from goals import Goals
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from cnnstudio.engine.datasets import DatasetBundle, load_dataset
from cnnstudio.engine.trainer import EpochEnded, RunFailed, RunFinished, Trainer, TrainSettings

ROUNDS = 7
EPOCHS_PER_ROUND = 2


def lenet_like() -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    )


def plain_loop(data: DatasetBundle, epochs: int) -> float:
    """The textbook loop on the LeNet-like model; returns training samples/s."""
    return textbook_loop(lenet_like(), data, epochs)


def textbook_loop(model: nn.Module, data: DatasetBundle, epochs: int) -> float:
    """``DataLoader`` + ``zero_grad/forward/backward/step``, the baseline every trainer benchmark
    compares against; returns training samples/s."""
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    loader = DataLoader(TensorDataset(data.train_x, data.train_y), batch_size=64, shuffle=True)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    start = time.perf_counter()
    for _ in range(epochs):
        for x, y in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            optimizer.step()
    return epochs * len(data.train_y) / (time.perf_counter() - start)


def trainer_loop(data: DatasetBundle, epochs: int) -> tuple[float, float]:
    """cnnstudio's Trainer; returns (training samples/s, samples/s including validation)."""
    settings = TrainSettings(epochs=epochs, batch_size=64, lr=0.001, num_threads=1, device="cpu")
    train_s = 0.0
    start = time.perf_counter()
    for event in Trainer(lenet_like(), data, settings).run():
        if isinstance(event, EpochEnded):
            train_s += event.train_seconds
        elif isinstance(event, RunFailed):
            raise RuntimeError(event.message)
    total = time.perf_counter() - start
    samples = epochs * len(data.train_y)
    return samples / train_s, samples / total


def bench_throughput() -> float:
    data = load_dataset("digits", (1, 32, 32))
    plain_loop(data, 1)  # warm-up: first calls allocate and pick kernels
    trainer_loop(data, 1)
    plain, ours, ours_all, ratios = [], [], [], []
    # Paired rounds in alternating order: each ratio compares two runs made seconds apart, so
    # the machine's slow drifts (other work, frequency changes) cancel out of the median.
    for round_ in range(ROUNDS):
        if round_ % 2:
            train_rate, overall_rate = trainer_loop(data, EPOCHS_PER_ROUND)
            plain_rate = plain_loop(data, EPOCHS_PER_ROUND)
        else:
            plain_rate = plain_loop(data, EPOCHS_PER_ROUND)
            train_rate, overall_rate = trainer_loop(data, EPOCHS_PER_ROUND)
        plain.append(plain_rate)
        ours.append(train_rate)
        ours_all.append(overall_rate)
        ratios.append(train_rate / plain_rate)
    p, o, a = statistics.median(plain), statistics.median(ours), statistics.median(ours_all)
    ratio = statistics.median(ratios)
    spread = f"{min(ratios):.2f}..{max(ratios):.2f}"
    print(f"plain DataLoader loop : {p:8.0f} samples/s (median of {ROUNDS})")
    print(f"cnnstudio Trainer     : {o:8.0f} samples/s training only")
    print(f"                        {a:8.0f} samples/s with validation and events")
    print(
        f"ratio ours / plain    : {ratio:8.2f}  (goal >= 1.0; median of {ROUNDS} paired rounds, "
        f"range {spread}; with validation {a / p:.2f})"
    )
    return ratio


def bench_lenet5_template(goals: Goals) -> None:
    try:
        from cnnstudio.core.templates import get_template
        from cnnstudio.engine.builder import build_model
    except ImportError as exc:
        print(f"lenet5 template: skipped ({exc})")
        return
    from cnnstudio.core.analysis import analyze

    design = get_template("lenet5")
    result = analyze(design)
    assert result.input_id is not None
    shape = result.layers[result.input_id].output_shape
    assert shape is not None
    data = load_dataset("digits", tuple(shape))
    model = build_model(design, seed=0)
    # Cosine decay lands the last epoch near the best one (Adam at a fixed lr wobbles by ~1%).
    settings = TrainSettings(epochs=15, lr=0.002, schedule="cosine", num_threads=1, device="cpu")
    start = time.perf_counter()
    for event in Trainer(model, data, settings).run():
        if isinstance(event, RunFailed):
            goals.check("lenet5 template trains", False, f"failed: {event.message}")
            return
        if isinstance(event, RunFinished):
            seconds = time.perf_counter() - start
            print(
                f"lenet5 template, digits {shape}, 15 epochs: val acc {event.val_acc:.2%} "
                f"(best {event.best_val_acc:.2%}) in {seconds:.1f} s"
            )
            goals.check(
                "lenet5 template >= 97% val acc in < 30 s",
                event.val_acc >= 0.97 and seconds < 30,
                f"{event.val_acc:.2%} in {seconds:.1f} s",
            )


def main() -> int:
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread")
    goals = Goals("bench_training")
    ratio = bench_throughput()
    goals.check("Trainer / plain loop >= 1.0", ratio >= 1.0, f"{ratio:.2f}")
    bench_lenet5_template(goals)
    return goals.exit_code()


if __name__ == "__main__":
    sys.exit(main())
