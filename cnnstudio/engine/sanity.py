"""The checks a practitioner runs before a long training run, on a design and a dataset.

Karpathy's "recipe for training" and Lightning's ``overfit_batches`` start every project the
same way, and so does `check_design`:

- the loss at initialisation next to ``ln(C)``, the loss of a uniform guess over C classes;
- an input-independent baseline: a copy trained on all-zero inputs must do worse than the
  network trained on the real images (else it ignores its input);
- overfitting a tiny batch within a step budget (a network that cannot learn 8 images will not
  learn 60,000), with the reason when it fails: everything frozen, ReLUs that output 0 for every
  sample, gradients that vanish through a Sigmoid chain;
- the gradient flow at initialisation: the mean |gradient| of each block's parameters, so
  vanishing and exploding gradients show before training.

Nothing here changes the design or the caller's model: every check builds its own copy.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from ..core.analysis import analyze
from ..core.design import Design
from ..core.gradient_flow import EXPLODING_GRADIENT, VANISHING_RATIO
from ..core.i18n import translate
from .builder import build_model
from .datasets import DatasetBundle, check_classes
from .losses import OutputKind, classification_loss, output_kind

#: Overfitting a tiny batch takes 2 to 16 samples, as the recipes suggest.
OVERFIT_SAMPLES_RANGE = (2, 16)
#: The tiny batch counts as learned when its loss is below this and every sample is right.
OVERFIT_TARGET_LOSS = 0.05
#: How far the initial loss may sit from ln(C), as a share of ln(C), before a hint is given.
INIT_LOSS_TOLERANCE = 0.25
# VANISHING_RATIO and EXPLODING_GRADIENT live in core.gradient_flow: the canvas badges judge
# the gradient flow by the same rule.


class SanityError(ValueError):
    """A check that cannot run (no classes, a design the builder refuses), said in one line."""


@dataclass(frozen=True)
class OverfitResult:
    """Overfitting ``samples`` images: whether it worked, in how many steps, to which loss."""

    passed: bool
    steps: int
    loss: float
    start_loss: float
    samples: int
    reason: str = ""


@dataclass(frozen=True)
class ZeroInputResult:
    """Training on the images versus training on all-zero inputs, same steps and seed."""

    passed: bool
    data_loss: float
    zero_loss: float


@dataclass(frozen=True)
class SanityReport:
    """Everything `check_design` found; `to_dict` is what ``cnnstudio check --json`` prints."""

    classes: int
    init_loss: float
    expected_init_loss: float
    init_hint: str
    zero_input: ZeroInputResult
    overfit: OverfitResult
    gradient_flow: dict[str, float] = field(default_factory=dict)
    gradient_hint: str = ""

    @property
    def init_ok(self) -> bool:
        return not self.init_hint

    @property
    def passed(self) -> bool:
        """Every check passed."""
        return (
            self.init_ok
            and self.zero_input.passed
            and self.overfit.passed
            and not self.gradient_hint
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["passed"] = self.passed
        data["init_ok"] = self.init_ok
        return data

    def lines(self) -> list[str]:
        """The report as a person reads it, one check a line (with its hint after a dash)."""

        def mark(ok: bool) -> str:
            return translate("Sanity", "ok  ") if ok else translate("Sanity", "FAIL")

        init = translate(
            "Sanity",
            "{value} loss at initialisation {init_loss:.3f}, expected ln({classes}) = "
            "{expected_init_loss:.3f}",
        ).format(
            value=mark(self.init_ok),
            init_loss=self.init_loss,
            classes=self.classes,
            expected_init_loss=self.expected_init_loss,
        )
        zero = translate(
            "Sanity",
            "{value} input matters: loss {data_loss:.3f} on the images vs {zero_loss:.3f} "
            "on all-zero inputs",
        ).format(
            value=mark(self.zero_input.passed),
            data_loss=self.zero_input.data_loss,
            zero_loss=self.zero_input.zero_loss,
        )
        fit = self.overfit
        over = translate(
            "Sanity",
            "{value} overfit {samples} samples: loss {start_loss:.3f} -> {loss:.4f} in "
            "{steps} steps",
        ).format(
            value=mark(fit.passed),
            samples=fit.samples,
            start_loss=fit.start_loss,
            loss=fit.loss,
            steps=fit.steps,
        )
        lines = [init + (f" — {self.init_hint}" if self.init_hint else ""), zero]
        if not self.zero_input.passed:
            lines[-1] += translate(
                "Sanity", " — the network learns as well without its input: check the data"
            )
        lines.append(over + (f" — {fit.reason}" if fit.reason else ""))
        if self.gradient_flow:
            weakest = min(self.gradient_flow, key=lambda k: self.gradient_flow[k])
            strongest = max(self.gradient_flow, key=lambda k: self.gradient_flow[k])
            flow = translate(
                "Sanity",
                "{value} gradient flow: mean |grad| from {value2:.2e} ({weakest}) to "
                "{value3:.2e} ({strongest})",
            ).format(
                value=mark(not self.gradient_hint),
                value2=self.gradient_flow[weakest],
                weakest=weakest,
                value3=self.gradient_flow[strongest],
                strongest=strongest,
            )
            lines.append(flow + (f" — {self.gradient_hint}" if self.gradient_hint else ""))
        return lines


# --------------------------------------------------------------------------- helpers


def _batch(bundle: DatasetBundle, count: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``count`` training samples picked with ``seed``, covering as many classes as possible."""
    generator = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(bundle.train_y), generator=generator)
    labels = bundle.train_y[order]
    picked: list[int] = []
    seen: set[int] = set()
    for index, label in zip(order.tolist(), labels.tolist(), strict=True):  # one per class first
        if label not in seen:
            seen.add(label)
            picked.append(index)
        if len(picked) == count:
            break
    for index in order.tolist():
        if len(picked) >= count:
            break
        if index not in picked:
            picked.append(index)
    chosen = torch.tensor(picked)
    return bundle.train_x[chosen], bundle.train_y[chosen]


def _owner(name: str) -> str:
    """``conv1.weight`` -> ``conv1``: a generated network's attribute names are the layer ids."""
    return name.split(".", 1)[0]


def gradient_flow(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, kind: OutputKind
) -> dict[str, float]:
    """Mean |gradient| of each block's trainable parameters after one backward pass.

    Frozen blocks are left out (they get no gradient). The model's own gradients are cleared
    before and after, so this can run on a live copy.
    """
    model.zero_grad(set_to_none=True)
    if not any(p.requires_grad for p in model.parameters()):
        return {}  # all frozen: nothing gets a gradient
    classification_loss(model(x), y, kind).backward()
    sums: dict[str, float] = {}
    counts: dict[str, int] = {}
    for name, param in model.named_parameters():
        if param.grad is None:
            continue
        owner = _owner(name)
        sums[owner] = sums.get(owner, 0.0) + float(param.grad.detach().abs().sum())
        counts[owner] = counts.get(owner, 0) + param.numel()
    model.zero_grad(set_to_none=True)
    return {owner: sums[owner] / counts[owner] for owner in sums}


def _dead_relus(model: nn.Module, x: torch.Tensor) -> list[str]:
    """ReLU blocks whose output is 0 for every sample and every unit of ``x``."""
    dead: list[str] = []
    hooks = []
    for name, module in model.named_children():
        if isinstance(module, nn.ReLU | nn.ReLU6):

            def hook(_m: nn.Module, _i: Any, out: torch.Tensor, name: str = name) -> None:
                if out.numel() and not bool((out > 0).any()):
                    dead.append(name)

            hooks.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(x)
    finally:
        for handle in hooks:
            handle.remove()
    return dead


def _train_steps(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    kind: OutputKind,
    steps: int,
    lr: float,
    *,
    stop_when_learned: bool,
) -> tuple[int, float]:
    """Adam on one fixed batch; returns (steps taken, final loss in eval mode)."""
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(params, lr=lr)
    taken = 0
    for step in range(1, steps + 1):
        model.train()
        optimizer.zero_grad(set_to_none=True)
        loss = classification_loss(model(x), y, kind)
        if not torch.isfinite(loss):
            return step, math.inf
        loss.backward()
        optimizer.step()
        taken = step
        if stop_when_learned and step % 10 == 0 and _learned(model, x, y, kind):
            break
    return taken, _eval_loss(model, x, y, kind)


def _eval_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor, kind: OutputKind) -> float:
    model.eval()
    with torch.no_grad():
        return float(classification_loss(model(x), y, kind))


def _learned(model: nn.Module, x: torch.Tensor, y: torch.Tensor, kind: OutputKind) -> bool:
    model.eval()
    with torch.no_grad():
        out = model(x).flatten(1)
        loss = float(classification_loss(out, y, kind))
        return loss < OVERFIT_TARGET_LOSS and bool((out.argmax(1) == y).all())


# --------------------------------------------------------------------------- the checks


def _init_hint(init_loss: float, expected: float, kind: OutputKind, model: nn.Module) -> str:
    if not math.isfinite(init_loss):
        return translate(
            "Sanity", "the loss is not a number at initialisation: look for a layer that overflows"
        )
    if abs(init_loss - expected) <= INIT_LOSS_TOLERANCE * expected:
        return ""
    if init_loss > expected:
        last = [m for m in model.modules() if isinstance(m, nn.Linear | nn.Conv2d | nn.Conv1d)]
        bias = last[-1].bias if last else None
        if bias is not None and float(bias.detach().abs().max()) > 1.0:
            return translate(
                "Sanity", "the last layer's bias is large at initialisation: start it at 0"
            )
        if kind == "probs":
            return translate(
                "Sanity",
                "the Softmax output is already confident at initialisation: "
                "the scores before it are large; scale down the last layer's weights",
            )
        return translate(
            "Sanity",
            "the network is confidently wrong at initialisation: its scores start large; "
            "scale down the last layer's weights (or add normalization before it)",
        )
    return translate(
        "Sanity",
        "lower than a uniform guess at initialisation: the classes may be very unbalanced, "
        "or the labels leak into the input",
    )


def _overfit_reason(
    model: nn.Module, x: torch.Tensor, flow: Mapping[str, float], trainable: int
) -> str:
    if trainable == 0:
        return translate(
            "Sanity",
            "every layer is frozen: there is nothing to train (unfreeze at least the last one)",
        )
    dead = _dead_relus(model, x)
    if dead:
        return translate(
            "Sanity",
            "{value} output 0 for every sample (dead ReLU): lower the learning rate or "
            "use LeakyReLU",
        ).format(value=", ".join(dead))
    if flow:
        peak = max(flow.values())
        starved = [lid for lid, g in flow.items() if peak > 0 and g < VANISHING_RATIO * peak]
        if starved:
            return translate(
                "Sanity",
                "the gradient vanishes before {value}: a chain of Sigmoid or Tanh saturates; "
                "use ReLU or add BatchNorm",
            ).format(value=", ".join(starved))
    sigmoids = sum(isinstance(m, nn.Sigmoid | nn.Tanh) for m in model.modules())
    if sigmoids >= 2:
        return translate(
            "Sanity",
            "{sigmoids} Sigmoid/Tanh layers squash the gradient: use ReLU between the layers",
        ).format(sigmoids=sigmoids)
    return translate(
        "Sanity",
        "the loss did not reach the target within the step budget: "
        "train longer or raise the learning rate",
    )


def check_design(
    design: Design,
    bundle: DatasetBundle,
    *,
    seed: int = 0,
    samples: int = 8,
    steps: int = 300,
    lr: float = 3e-3,
) -> SanityReport:
    """Run every check of the module docstring on ``design`` with ``bundle``'s training data."""
    low, high = OVERFIT_SAMPLES_RANGE
    if not low <= samples <= high:
        raise SanityError(f"the tiny batch takes {low} to {high} samples, not {samples}")
    if steps < 10:
        raise SanityError(f"overfitting needs a budget of at least 10 steps, not {steps}")
    classes = bundle.num_classes
    if classes < 2:
        raise SanityError(f"{bundle.name} has {classes} class: a classifier needs at least 2")
    try:
        model = build_model(design, seed=seed)
    except Exception as exc:  # the builder's own one-line messages
        raise SanityError(str(exc)) from None
    kind = output_kind(model)
    x_init, y_init = _batch(bundle, min(256, len(bundle.train_y)), seed)
    with torch.no_grad():
        model.eval()
        out = model(x_init[:1])
    output_id = analyze(design).output_id or "the output layer"
    check_classes(out.flatten(1).shape[1], classes, output_id, dataset=bundle.name)

    # 1. The loss at initialisation (training mode, as the first step sees it).
    torch.manual_seed(seed)
    model.train()
    with torch.no_grad():
        init_loss = float(classification_loss(model(x_init), y_init, kind))
    expected = math.log(classes)

    # 2. Gradient flow at initialisation, on the same batch.
    flow = gradient_flow(model, x_init, y_init, kind)
    gradient_hint = ""
    if flow:
        peak = max(flow.values())
        weakest = min(flow, key=lambda k: flow[k])
        if peak > EXPLODING_GRADIENT:
            top = max(flow, key=lambda k: flow[k])
            gradient_hint = (
                f"the gradient explodes at {top} (mean |grad| {peak:.2e}): "
                "lower the learning rate or add BatchNorm"
            )
        elif peak > 0 and flow[weakest] < VANISHING_RATIO * peak:
            share = flow[weakest] / peak
            gradient_hint = (
                f"the gradient vanishes at {weakest}: it gets {share:.1e} of the strongest "
                "block's; use ReLU or add BatchNorm"
            )

    # 3. Overfit a tiny batch (a copy, so the init model stays as it was).
    x_small, y_small = _batch(bundle, min(samples, len(bundle.train_y)), seed)
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    fit_model = copy.deepcopy(model)
    start_loss = _eval_loss(fit_model, x_small, y_small, kind)
    if trainable:
        torch.manual_seed(seed)
        taken, final = _train_steps(
            fit_model, x_small, y_small, kind, steps, lr, stop_when_learned=True
        )
    else:
        taken, final = 0, start_loss
    passed = trainable > 0 and _learned(fit_model, x_small, y_small, kind)
    reason = "" if passed else _overfit_reason(model, x_small, flow, trainable)
    overfit = OverfitResult(passed, taken, final, start_loss, len(y_small), reason)

    # 4. The same budget on all-zero inputs must not do as well as on the images.
    budget = max(taken, 10)
    zero_model = copy.deepcopy(model)
    data_model = copy.deepcopy(model)
    if trainable:
        torch.manual_seed(seed)
        _train_steps(data_model, x_small, y_small, kind, budget, lr, stop_when_learned=False)
        torch.manual_seed(seed)
        _train_steps(
            zero_model,
            torch.zeros_like(x_small),
            y_small,
            kind,
            budget,
            lr,
            stop_when_learned=False,
        )
    data_loss = _eval_loss(data_model, x_small, y_small, kind)
    zero_loss = _eval_loss(zero_model, torch.zeros_like(x_small), y_small, kind)
    zero = ZeroInputResult(trainable > 0 and data_loss < zero_loss, data_loss, zero_loss)

    return SanityReport(
        classes=classes,
        init_loss=init_loss,
        expected_init_loss=expected,
        init_hint=_init_hint(init_loss, expected, kind, model),
        zero_input=zero,
        overfit=overfit,
        gradient_flow=flow,
        gradient_hint=gradient_hint,
    )
