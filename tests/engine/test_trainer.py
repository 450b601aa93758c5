"""Tests for the training loop: events, settings, stop/pause, faults, schedules, reproducibility."""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Iterator

import numpy as np
import pytest
import torch
from torch import nn

from cnnstudio.engine.datasets import DatasetBundle, load_dataset
from cnnstudio.engine.trainer import (
    BatchEnded,
    EpochEnded,
    RunFailed,
    RunFinished,
    RunStarted,
    StopToken,
    Trainer,
    TrainEvent,
    TrainSettings,
)


@pytest.fixture(scope="module")
def digits() -> DatasetBundle:
    return load_dataset("digits", (1, 8, 8))


def tiny_model(seed: int = 0, softmax: bool = False) -> nn.Sequential:
    torch.manual_seed(seed)
    layers: list[nn.Module] = [
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Dropout(0.1),
        nn.Linear(64, 10),
    ]
    if softmax:
        layers.append(nn.Softmax(dim=1))
    return nn.Sequential(*layers)


def settings(**kw: object) -> TrainSettings:
    base: dict[str, object] = {"epochs": 2, "batch_size": 64, "lr": 0.01, "num_threads": 1}
    base.update(kw)
    return TrainSettings.from_dict(base)


def run_all(trainer: Trainer) -> list[TrainEvent]:
    return list(trainer.run())


def test_settings_round_trip_and_unknown_keys() -> None:
    s = TrainSettings(epochs=3, optimizer="sgd", nesterov=True, schedule="cosine")
    d = s.to_dict()
    d["future_option"] = 1
    assert TrainSettings.from_dict(d) == s


@pytest.mark.parametrize(
    ("key", "value", "match"),
    [
        ("epochs", 0, "epochs"),
        ("epochs", "ten", "epochs"),
        ("lr", -1.0, "lr"),
        ("optimizer", "lbfgs", "optimizer"),
        ("schedule", "warp", "schedule"),
        ("val_fraction", 1.5, "val_fraction"),
        ("augment", "yes", "augment"),
        ("nesterov", True, "nesterov"),
    ],
)
def test_settings_bad_values(key: str, value: object, match: str) -> None:
    with pytest.raises(ValueError, match=match) as info:
        TrainSettings.from_dict({key: value})
    assert "\n" not in str(info.value)


def test_events_in_order_and_model_learns(digits: DatasetBundle) -> None:
    model = tiny_model()
    events = run_all(Trainer(model, digits, settings(epochs=3)))
    assert isinstance(events[0], RunStarted)
    assert events[0].batches_per_epoch == 23
    assert isinstance(events[-1], RunFinished)
    epochs = [e for e in events if isinstance(e, EpochEnded)]
    assert [e.epoch for e in epochs] == [1, 2, 3]
    batches = [e for e in events if isinstance(e, BatchEnded)]
    assert batches and all(b.batches == 23 for b in batches)
    assert {b.epoch for b in batches} == {1, 2, 3}  # at least the last batch of each epoch
    finished = events[-1]
    assert finished.reason == "completed"
    assert finished.val_acc > 0.8
    assert finished.confusion.shape == (10, 10)
    assert finished.confusion.dtype == np.int64
    assert finished.confusion.sum() == len(digits.val_y)
    wrong = int(finished.confusion.sum() - np.trace(finished.confusion))
    assert len(finished.misclassified) == min(64, wrong)
    for index, predicted, true in finished.misclassified:
        assert predicted != true == int(digits.val_y[index])
    assert len(finished.per_class_accuracy) == 10
    assert finished.best_epoch is not None


def test_history_and_best_state(digits: DatasetBundle) -> None:
    model = tiny_model()
    trainer = Trainer(model, digits, settings(epochs=2))
    run_all(trainer)
    assert [h["epoch"] for h in trainer.history] == [1, 2]
    assert set(trainer.history[0]) == {
        "epoch",
        "train_loss",
        "train_acc",
        "val_loss",
        "val_acc",
        "lr",
        "seconds",
    }
    assert trainer.best_state is not None
    assert set(trainer.best_state) == set(model.state_dict())
    assert trainer.optimizer.state_dict()["state"]


def test_same_seed_same_history(digits: DatasetBundle) -> None:
    def losses(seed: int) -> list[tuple[float, float]]:
        trainer = Trainer(tiny_model(), digits, settings(seed=seed, augment=True))
        run_all(trainer)
        return [(h["train_loss"], h["val_loss"]) for h in trainer.history]

    assert losses(1) == losses(1)
    assert losses(1) != losses(2)


def test_frozen_parameters_stay_identical(digits: DatasetBundle) -> None:
    model = tiny_model()
    conv = model[0]
    for p in conv.parameters():
        p.requires_grad_(False)
    before = [p.detach().clone() for p in conv.parameters()]
    head_before = model[6].weight.detach().clone()
    trainer = Trainer(model, digits, settings(epochs=1, weight_decay=0.1, optimizer="adamw"))
    run_all(trainer)
    for b, p in zip(before, conv.parameters(), strict=True):
        assert torch.equal(b, p)
    assert not torch.equal(head_before, model[6].weight)
    ids = {id(p) for g in trainer.optimizer.param_groups for p in g["params"]}
    assert all(id(p) not in ids for p in conv.parameters())


def test_no_trainable_parameters_fails(digits: DatasetBundle) -> None:
    model = tiny_model()
    for p in model.parameters():
        p.requires_grad_(False)
    events = run_all(Trainer(model, digits, settings()))
    assert isinstance(events[-1], RunFailed)
    assert "trainable" in events[-1].message


def test_softmax_model_trains_on_log_probabilities(digits: DatasetBundle) -> None:
    model = tiny_model(softmax=True)
    trainer = Trainer(model, digits, settings(epochs=2))
    assert trainer.output_kind == "probs"
    events = run_all(trainer)
    assert isinstance(events[-1], RunFinished)
    assert events[-1].val_acc > 0.7
    assert isinstance(model[-1], nn.Softmax)  # the model keeps its Softmax
    # same loss as cross entropy on the logits
    x, y = digits.val_x[:32], digits.val_y[:32]
    with torch.no_grad():
        model.eval()
        logits = model[:-1](x)
        ce = nn.functional.cross_entropy(logits, y)
        assert trainer._loss(model(x), y).item() == pytest.approx(ce.item(), rel=1e-4)
    assert Trainer(tiny_model(), digits, settings(), ends_with_softmax=True).output_kind == "probs"


def test_wrong_number_of_outputs(digits: DatasetBundle) -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 12))
    events = run_all(Trainer(model, digits, settings(), output_id="fc3"))
    assert isinstance(events[-1], RunFailed)
    assert events[-1].message == (
        "fc3 gives 12 outputs but digits has 10 classes: set fc3's out_features to 10"
    )


class _NanAfter(nn.Module):
    """Gives NaN from the given call on, like a diverged network."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.fc = nn.Linear(64, 10)
        self.after = after
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        out = self.fc(x.flatten(1))
        return out * float("nan") if self.calls > self.after else out


def test_nan_loss_fails_with_position_and_hint(digits: DatasetBundle) -> None:
    # call 1 is the output check before training, so call 4 is batch 3
    events = run_all(Trainer(_NanAfter(3), digits, settings()))
    failed = events[-1]
    assert isinstance(failed, RunFailed)
    assert failed.hint == "lower the learning rate"
    assert (failed.epoch, failed.batch) == (1, 3)
    assert "NaN" in failed.message


def test_huge_learning_rate_fails(digits: DatasetBundle) -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))
    events = run_all(Trainer(model, digits, settings(lr=1e30, optimizer="sgd")))
    assert isinstance(events[-1], RunFailed)
    assert events[-1].hint == "lower the learning rate"


class _FailsLater(nn.Module):
    """Raises ``error()`` at its fourth forward call, holding a large activation as it does
    (what a real out-of-memory leaves in the failing frame); ``held`` tells whether it was freed.
    The exception is made fresh: one kept here would keep its traceback, and so the frame."""

    def __init__(self, error: Callable[[], Exception]) -> None:
        super().__init__()
        self.fc = nn.Linear(64, 10)
        self.calls = 0
        self.error = error
        self.held: list[weakref.ref[torch.Tensor]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        activation = torch.ones(1 << 20)
        if self.calls > 3:
            self.held.append(weakref.ref(activation))
            raise self.error()
        return self.fc(x.flatten(1))


def test_other_exceptions_become_run_failed(digits: DatasetBundle) -> None:
    events = run_all(
        Trainer(_FailsLater(lambda: RuntimeError("boom\nsecond line")), digits, settings())
    )
    assert isinstance(events[-1], RunFailed)
    assert events[-1].message == "RuntimeError: boom"
    assert events[-1].epoch == 1


def test_bad_device_fails(digits: DatasetBundle) -> None:
    events = run_all(Trainer(tiny_model(), digits, settings(device="nonsense")))
    assert isinstance(events[-1], RunFailed)
    assert "device" in events[-1].message


def _until(events: Iterator[TrainEvent], kind: type) -> TrainEvent:
    for event in events:
        if isinstance(event, kind):
            return event
    raise AssertionError(f"no {kind.__name__}")


def test_stop_within_one_batch_keeps_weights(digits: DatasetBundle) -> None:
    token = StopToken()
    model = tiny_model()
    before = model[6].weight.detach().clone()
    events = Trainer(model, digits, settings(epochs=50, batch_size=8), stop=token).run()
    batch = _until(events, BatchEnded)
    token.stop()
    rest = list(events)
    assert len(rest) == 1 and isinstance(rest[0], RunFinished)
    assert rest[0].reason == "stopped"
    assert rest[0].epochs_completed == 0
    assert batch.epoch == 1
    assert not torch.equal(before, model[6].weight)


def test_pause_blocks_without_progress_then_resumes(digits: DatasetBundle) -> None:
    token = StopToken()
    events = Trainer(tiny_model(), digits, settings(epochs=1, batch_size=8), stop=token).run()
    _until(events, BatchEnded)
    token.pause()
    assert token.paused
    got: list[TrainEvent] = []
    worker = threading.Thread(target=lambda: got.extend(events))
    start = time.process_time()
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive()  # blocked on the pause
    assert time.process_time() - start < 0.25  # not spinning
    token.resume()
    worker.join(timeout=30)
    assert not worker.is_alive()
    assert isinstance(got[-1], RunFinished) and got[-1].reason == "completed"


def test_stop_wakes_a_paused_run(digits: DatasetBundle) -> None:
    token = StopToken()
    events = Trainer(tiny_model(), digits, settings(epochs=3, batch_size=8), stop=token).run()
    _until(events, BatchEnded)
    token.pause()
    token.stop()
    assert not token.paused
    assert list(events)[-1].reason == "stopped"  # type: ignore[union-attr]


def test_early_stopping(digits: DatasetBundle) -> None:
    # lr 0 -> loss never improves after epoch 1
    model = tiny_model()
    s = settings(epochs=10, early_stopping_patience=2, optimizer="sgd", momentum=0.0, lr=1e-12)
    events = run_all(Trainer(model, digits, s))
    finished = events[-1]
    assert isinstance(finished, RunFinished)
    assert finished.reason == "early-stopped"
    assert finished.epochs_completed < 10


@pytest.mark.parametrize(
    ("schedule", "extra"),
    [
        ("step", {"step_size": 1, "gamma": 0.5}),
        ("cosine", {}),
        ("onecycle", {}),
        ("plateau", {"plateau_patience": 1}),
    ],
)
def test_schedules_change_the_learning_rate(
    digits: DatasetBundle, schedule: str, extra: dict[str, object]
) -> None:
    s = settings(epochs=3, schedule=schedule, optimizer="sgd", **extra)
    trainer = Trainer(tiny_model(), digits, s)
    events = run_all(trainer)
    assert isinstance(events[-1], RunFinished)
    lrs = [h["lr"] for h in trainer.history]
    if schedule == "step":
        assert lrs == pytest.approx([0.01, 0.005, 0.0025])
    elif schedule == "cosine":
        assert lrs[0] == pytest.approx(0.01) and lrs[1] < lrs[0] and lrs[2] < lrs[1]
    elif schedule == "onecycle":
        assert lrs[0] != pytest.approx(0.01) or lrs[1] != pytest.approx(0.01)
    else:
        assert lrs[0] == pytest.approx(0.01)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw", "rmsprop"])
def test_every_optimizer_runs(digits: DatasetBundle, optimizer: str) -> None:
    s = settings(epochs=1, optimizer=optimizer, lr=0.001)
    events = run_all(Trainer(tiny_model(), digits, s))
    assert isinstance(events[-1], RunFinished)


def test_num_threads_restored(digits: DatasetBundle) -> None:
    before = torch.get_num_threads()
    run_all(Trainer(tiny_model(), digits, settings(epochs=1, num_threads=1)))
    assert torch.get_num_threads() == before


def test_out_of_memory_stops_with_a_hint_and_lets_the_memory_go(
    digits: DatasetBundle, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _FailsLater(lambda: torch.cuda.OutOfMemoryError("CUDA out of memory (2 GiB)"))
    emptied: list[bool] = []
    monkeypatch.setattr(torch.cuda, "is_initialized", lambda: True)
    monkeypatch.setattr(torch.cuda, "empty_cache", lambda: emptied.append(model.held[-1]() is None))
    trainer = Trainer(model, digits, settings(device="cpu"))
    events = trainer.run()
    last = None
    for event in events:
        last = event
        if isinstance(event, RunFailed):
            # While the caller holds the failure event, the failing batch's tensors are freed.
            assert model.held[-1]() is None
    assert isinstance(last, RunFailed)
    assert last.message == "the GPU ran out of memory"
    assert last.hint == "use a smaller batch size"
    assert last.epoch == 1 and last.batch is not None  # where it happened
    assert emptied == [True]  # the cache was emptied after the tensors were released


# Scripted validation (loss, accuracy) per epoch: the lowest loss is epoch 2, the highest
# accuracy epoch 3; epoch 4 ties epoch 3's accuracy with a higher loss (not better).
_SCRIPTED_VALIDATION = [(0.9, 0.70), (0.5, 0.80), (0.6, 0.85), (0.7, 0.85), (0.8, 0.60)]


def _scripted_trainer(
    digits: DatasetBundle, monkeypatch: pytest.MonkeyPatch, **kw: object
) -> tuple[Trainer, list[dict[str, torch.Tensor]]]:
    """A trainer whose validation gives _SCRIPTED_VALIDATION, and each epoch's weights."""
    trainer = Trainer(tiny_model(), digits, settings(epochs=5, **kw))
    scripted = iter(_SCRIPTED_VALIDATION)
    real_evaluate = trainer.evaluate

    def evaluate() -> tuple[float, float, torch.Tensor]:
        _, _, preds = real_evaluate()
        loss, acc = next(scripted, (1.0, 0.5))
        return loss, acc, preds

    monkeypatch.setattr(trainer, "evaluate", evaluate)
    weights: list[dict[str, torch.Tensor]] = []
    for event in trainer.run():
        if isinstance(event, EpochEnded):
            weights.append({k: v.detach().clone() for k, v in trainer.model.state_dict().items()})
        last = event
    assert isinstance(last, RunFinished), last
    trainer.finished = last  # type: ignore[attr-defined]
    return trainer, weights


@pytest.mark.parametrize(("best", "epoch"), [("val_loss", 2), ("val_acc", 3)])
def test_best_epoch_and_weights_follow_the_chosen_criterion(
    digits: DatasetBundle, monkeypatch: pytest.MonkeyPatch, best: str, epoch: int
) -> None:
    trainer, weights = _scripted_trainer(digits, monkeypatch, best=best)
    finished: RunFinished = trainer.finished  # type: ignore[attr-defined]
    assert finished.best_by == best
    assert finished.best_epoch == epoch
    assert (finished.best_val_loss, finished.best_val_acc) == _SCRIPTED_VALIDATION[epoch - 1]
    assert trainer.best_state is not None
    for key, value in weights[epoch - 1].items():
        assert torch.equal(trainer.best_state[key], value), key
    # The two criteria kept different weights: the state really is that epoch's.
    other = 3 if epoch == 2 else 2
    assert any(not torch.equal(trainer.best_state[k], v) for k, v in weights[other - 1].items())
    summary = finished.best_summary()
    if best == "val_acc":
        assert summary == "best val acc 85.0% (epoch 3, kept by accuracy)"
    else:
        assert summary == "best val loss 0.5000 (epoch 2, kept by loss)"


@pytest.mark.parametrize(("best", "stopped_after"), [("val_loss", 3), ("val_acc", 4)])
def test_early_stopping_counts_patience_by_the_chosen_criterion(
    digits: DatasetBundle, monkeypatch: pytest.MonkeyPatch, best: str, stopped_after: int
) -> None:
    trainer, _ = _scripted_trainer(digits, monkeypatch, best=best, early_stopping_patience=1)
    finished: RunFinished = trainer.finished  # type: ignore[attr-defined]
    assert finished.reason == "early-stopped"
    assert finished.epochs_completed == stopped_after
    assert [h["epoch"] for h in trainer.history] == list(range(1, stopped_after + 1))


def test_a_resumed_run_finds_its_best_epoch_in_the_history_by_the_criterion(
    digits: DatasetBundle,
) -> None:
    history = [
        {"epoch": i, "train_loss": 1.0, "train_acc": 0.5, "val_loss": loss, "val_acc": acc}
        for i, (loss, acc) in enumerate(_SCRIPTED_VALIDATION[:4], start=1)
    ]
    for best, epoch in (("val_loss", 2), ("val_acc", 3)):
        trainer = Trainer(tiny_model(), digits, settings(epochs=4, best=best), history=history)
        finished = run_all(trainer)[-1]
        assert isinstance(finished, RunFinished)
        assert (finished.best_epoch, finished.best_by) == (epoch, best)


def test_best_setting_is_checked() -> None:
    assert TrainSettings().best == "val_loss"
    assert TrainSettings.from_dict({"best": "VAL_ACC"}).best == "val_acc"
    with pytest.raises(ValueError, match="unknown best 'accuracy': use one of val_loss, val_acc"):
        TrainSettings.from_dict({"best": "accuracy"})
