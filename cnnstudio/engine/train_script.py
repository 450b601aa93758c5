"""A standalone training script for a design: one ``train.py`` that needs only torch/torchvision.

:func:`generate_train_script` writes the design's model class (the very code of
:func:`cnnstudio.engine.codegen.generate_code`), the data loading and preprocessing of the chosen
dataset (resize to the Input's height x width, channel conversion, normalization with the
training split's mean and std, the same seeded train/validation split as the app), the optimizer,
schedule, seed, early stopping, augmentation and mixed-precision choices, ``metrics.csv``,
``best.pt``/``last.pt`` checkpoints, ``--resume``, and DistributedDataParallel support. The
script runs with ``python train.py`` and with ``torchrun --nproc_per_node N train.py``, with the
same sharding rules as cnnstudio's own trainer (see ``docs/distributed.md``).

The training steps themselves are not written here: the script embeds the source of
:mod:`cnnstudio.engine.portable` verbatim (optimizer and schedule, sharding and buffer averaging,
preprocessing, augmentation, the epoch loop's pieces), the very modules cnnstudio's own
:class:`~cnnstudio.engine.trainer.Trainer` imports, so the same design, seed and data give the
same metrics both ways. The result passes ``ruff check`` and ``ruff format --check`` at line
length 88 and 100. This module is string work; it runs no torch code.
"""

from __future__ import annotations

import ast
import json
import os
import re
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.analysis import analyze
from ..core.atomic_file import atomic_write
from ..core.design import Design
from ..core.errors import DesignInvalidError
from . import portable
from .codegen import generate_code
from .datasets import BUILTIN_DATASETS, DatasetError, image_shape
from .trainer import TrainSettings

__all__ = ["generate_train_script", "write_train_script"]

_IMAGE_FOLDER = "folder"

# ---------------------------------------------------------------------------- script parts
# Static pieces of the script. They are plain text (no str.format), kept within 88 columns and
# in ruff's format, so the generated file is lint- and format-clean.

_IMPORTS_STDLIB = """\
from __future__ import annotations

import argparse
import contextlib
import csv
import inspect
import math
import os
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
"""

_LOADERS = {
    "digits": '''
def load_images(data: str, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The digits as floats in [0, 1] (N x 1 x 8 x 8) and their labels."""
    del download  # the file is local
    path = Path(data)
    if not path.is_file():
        raise SystemExit(
            f"{path} not found: copy digits.npz from cnnstudio's resources folder next "
            "to this script, or pass --data PATH"
        )
    with np.load(path) as npz:
        images = torch.from_numpy(npz["images"].astype(np.float32) / 16.0)
        labels = torch.from_numpy(npz["labels"].astype(np.int64))
    return images[:, None], labels
''',
    "mnist": '''
def load_images(data: str, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST's 60,000 training images as floats in [0, 1] and their labels."""
    dataset = datasets.MNIST(data, train=True, download=download)
    return dataset.data[:, None].float().div(255.0), dataset.targets.long()
''',
    "fashion-mnist": '''
def load_images(data: str, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Fashion-MNIST's 60,000 training images as floats in [0, 1] and their labels."""
    dataset = datasets.FashionMNIST(data, train=True, download=download)
    return dataset.data[:, None].float().div(255.0), dataset.targets.long()
''',
    "cifar10": '''
def load_images(data: str, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """CIFAR-10's 50,000 training images as floats in [0, 1] and their labels."""
    dataset = datasets.CIFAR10(data, train=True, download=download)
    images = torch.from_numpy(dataset.data).permute(0, 3, 1, 2).float().div(255.0)
    return images, torch.tensor(dataset.targets, dtype=torch.int64)
''',
    _IMAGE_FOLDER: '''
def load_images(data: str, download: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Every image of an image folder (one sub-folder per class), fitted one by one."""
    del download  # the folder is local
    folder = ImageFolder(data)
    images = torch.empty((len(folder.samples), *INPUT_SHAPE))
    for i, (path, _) in enumerate(folder.samples):
        with Image.open(path) as image:
            gray = image.mode in ("1", "L", "LA", "I", "I;16", "F")
            pixels = pil_to_tensor(image.convert("L" if gray else "RGB"))
        images[i] = fit_images(pixels[None].float().div(255.0), INPUT_SHAPE)[0]
    return images, torch.tensor(folder.targets, dtype=torch.int64)
''',
}

_BODY = '''

def prepare_data(data: str, download: bool, seed: int) -> list[torch.Tensor]:
    """[train_x, train_y, val_x, val_y]; images normalized by the training stats."""
    images, labels = load_images(data, download)
    n = len(labels)
    chunk = 4096  # fitting in chunks keeps the peak memory near the final tensor's size
    parts = [fit_images(images[i : i + chunk], INPUT_SHAPE) for i in range(0, n, chunk)]
    x = torch.cat(parts)
    train_idx, val_idx = split_indices(n, VAL_FRACTION, seed)
    train_x, val_x = x[train_idx], x[val_idx]
    mean, std = channel_stats(train_x)
    normalize_(train_x, mean, std)
    normalize_(val_x, mean, std)
    return [train_x, labels[train_idx], val_x, labels[val_idx]]


def setup(device_name: str) -> tuple[int, int, int, torch.device]:
    """Rank, world size, local rank, device; joins the process group (torchrun)."""
    rank = int(os.environ.get("RANK", "0"))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if device_name == "auto":
        mps = torch.backends.mps.is_available() and world == 1
        device_name = "cuda" if torch.cuda.is_available() else "mps" if mps else "cpu"
    device = torch.device(device_name)
    if device.type == "cuda" and world > 1:
        device = torch.device("cuda", local_rank)  # one GPU per process
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if device.type == "cuda" else "gloo")
    return rank, world, local_rank, device


def write_metrics(path: Path, history: list[dict[str, float]]) -> None:
    """metrics.csv, one row per epoch (rewritten whole: one file per resumed run)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(history[0]))
        writer.writeheader()
        for row in history:
            writer.writerow({k: f"{v:.6g}" for k, v in row.items()})


def train(args: argparse.Namespace) -> None:
    rank, world, local_rank, device = setup(args.device)
    main = rank == 0
    out_dir = Path(args.out)
    if main:
        out_dir.mkdir(parents=True, exist_ok=True)
    if world > 1 and local_rank != 0:
        dist.barrier()  # each machine's first process downloads, then the others read
    try:
        data = prepare_data(args.data, not args.no_download, args.seed)
    finally:
        if world > 1 and local_rank == 0:
            dist.barrier()
    train_x, train_y, val_x, val_y = (t.to(device) for t in data)

    torch.manual_seed(args.seed)  # the same initial weights in every process
    model = MODEL().to(device)
    train_mode(model)  # frozen layers (BatchNorm statistics too) stay as they are
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = make_optimizer(
        params,
        OPTIMIZER,
        lr=args.lr,
        momentum=MOMENTUM,
        nesterov=NESTEROV,
        weight_decay=WEIGHT_DECAY,
        device_type=device.type,
    )
    n = len(train_y)
    batch_size, batches, usable = plan_batches(n, args.batch_size, world)
    scheduler = make_scheduler(
        optimizer,
        SCHEDULE,
        epochs=args.epochs,
        batches=batches,
        lr=args.lr,
        step_size=STEP_SIZE,
        gamma=GAMMA,
        plateau_patience=PLATEAU_PATIENCE,
        cycle_momentum=OPTIMIZER in ("adam", "adamw") or MOMENTUM > 0,
    )
    history: list[dict[str, float]] = []
    if args.resume:
        state = torch.load(args.resume, map_location=device, weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        if scheduler is not None:
            scheduler.load_state_dict(state["scheduler"])
        history = state["history"]
    net = wrap_ddp(model, device)
    scaler = make_scaler(device, AMP)
    augment = Augmenter(INPUT_SHAPE, flip=FLIP) if AUGMENT else None
    generator = torch.Generator()
    best: tuple[float, float] | None = None  # (val loss, val acc) of the best epoch
    since_best = 0
    for h in history:  # the best epoch and early-stopping state of a resumed run
        if is_better(args.best, h["val_loss"], h["val_acc"], best):
            best, since_best = (h["val_loss"], h["val_acc"]), 0
        else:
            since_best += 1
    if main:
        size = sum(p.numel() for p in params)
        print(
            f"{MODEL.__name__}: {size:,} trainable parameters; {n} training and "
            f"{len(val_y)} validation images; {world} process(es) on {device}, "
            f"batch {batch_size} per process"
        )

    for epoch in range(len(history) + 1, args.epochs + 1):
        start = time.perf_counter()
        # The very steps of cnnstudio's own trainer (the code embedded above).
        order = seed_epoch(
            generator,
            n,
            args.seed,
            epoch,
            rank=rank,
            world_size=world,
            usable=usable,
            device=device,
        )
        totals = EpochTotals(device)
        steps = train_batches(
            net,
            optimizer,
            train_x,
            train_y,
            order,
            batch_size,
            batches,
            kind=OUTPUT_KIND,
            amp=AMP,
            scaler=scaler,
            augment=augment,
            generator=generator,
            totals=totals,
            scheduler=scheduler if SCHEDULE == "onecycle" else None,
        )
        for _ in steps:
            pass
        train_loss, train_acc = totals.reduce(model, world > 1)
        lr = float(optimizer.param_groups[0]["lr"])
        val_loss, val_acc, _ = evaluate(
            model,
            val_x,
            val_y,
            kind=OUTPUT_KIND,
            amp=AMP,
            batch_size=args.batch_size,
            rank=rank,
            world_size=world,
        )
        if not math.isfinite(val_loss + train_loss):
            raise SystemExit(f"the loss became NaN in epoch {epoch}: lower the lr")
        if SCHEDULE != "onecycle":
            step_at_epoch_end(scheduler, SCHEDULE, val_loss)
        improved = is_better(args.best, val_loss, val_acc, best)
        if improved:
            best, since_best = (val_loss, val_acc), 0
        else:
            since_best += 1
        history.append(
            {
                "epoch": epoch,
                "train_loss": train_loss,
                "train_acc": train_acc,
                "val_loss": val_loss,
                "val_acc": val_acc,
                "lr": lr,
                "seconds": time.perf_counter() - start,
            }
        )
        if main:  # only the first process writes files and prints
            write_metrics(out_dir / "metrics.csv", history)
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scheduler": None if scheduler is None else scheduler.state_dict(),
                "history": history,
            }
            torch.save(state, out_dir / "last.pt")
            if improved:
                torch.save(model.state_dict(), out_dir / "best.pt")
            print(
                f"epoch {epoch}/{args.epochs}  train loss {train_loss:.4f} "
                f"acc {train_acc:.2%}  val loss {val_loss:.4f} acc {val_acc:.2%}  "
                f"lr {lr:.3g}  {history[-1]['seconds']:.1f} s"
                f"{'  *' if improved else ''}",
                flush=True,
            )
        if EARLY_STOPPING_PATIENCE and since_best >= EARLY_STOPPING_PATIENCE:
            if main:
                what = "accuracy" if args.best == "val_acc" else "loss"
                print(f"early stop: no better val {what} for {since_best} epochs")
            break
    if main and best is not None:
        kept = "accuracy" if args.best == "val_acc" else "loss"
        print(
            f"best validation loss {best[0]:.4f}, accuracy {best[1]:.2%} (kept by "
            f"{kept}); weights in {out_dir / 'best.pt'}"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=DATA, help="dataset (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="total epochs")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        help="batch size per process",
    )
    parser.add_argument("--lr", type=float, default=LR, help="learning rate")
    parser.add_argument("--seed", type=int, default=SEED, help="random seed")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    parser.add_argument(
        "--best",
        choices=BEST_CRITERIA,
        default=BEST,
        help="what picks best.pt and early stopping (default: %(default)s)",
    )
    parser.add_argument("--out", default="runs", help="folder for metrics and weights")
    parser.add_argument("--resume", metavar="LAST_PT", help="continue from a last.pt")
    parser.add_argument("--no-download", action="store_true", help="never download")
    return parser.parse_args()


if __name__ == "__main__":
    try:
        train(parse_args())
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
'''


# ---------------------------------------------------------------------------- generation


def _literal(value: Any) -> str:
    """A Python literal in ruff's format (double quotes, True/False, repr for numbers)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ")"
    return repr(value)


def _dataset_key(settings: TrainSettings) -> tuple[str, str]:
    """(loader key, default --data value) for the settings' dataset."""
    key = settings.dataset.strip().lower().replace("_", "-")
    key = {"fashionmnist": "fashion-mnist", "cifar-10": "cifar10"}.get(key, key)
    if key == "digits":
        return key, ""  # next to the script, resolved at run time
    if key in BUILTIN_DATASETS:
        return key, settings.data_dir or "data"
    folder = Path(settings.dataset).expanduser()
    if not folder.is_dir():
        raise DatasetError(
            f"unknown dataset {settings.dataset!r}: use {', '.join(BUILTIN_DATASETS)} or a "
            "folder with one sub-folder of images per class"
        )
    return _IMAGE_FOLDER, str(folder.resolve())


def _third_party_imports(key: str) -> str:
    lines = ["import numpy as np"] if key == "digits" else []
    lines += [
        "import torch",
        "import torch.distributed as dist",
        "import torch.nn.functional as F",
    ]
    if key == _IMAGE_FOLDER:
        lines.append("from PIL import Image")
    lines.append("from torch import nn")
    if key == _IMAGE_FOLDER:
        lines += [
            "from torchvision.datasets import ImageFolder",
            "from torchvision.transforms.functional import pil_to_tensor",
        ]
    elif key != "digits":
        lines.append("from torchvision import datasets")
    return "\n".join(lines) + "\n"


_DATA_HELP = {
    "digits": (
        "Data: the 1,797 8x8 digits that ship with cnnstudio. Copy resources/digits.npz\n"
        "(cnnstudio/resources/digits.npz in an installed cnnstudio) next to this script,\n"
        "or pass --data PATH."
    ),
    "mnist": "Data: MNIST, downloaded by torchvision into --data (default ./data).",
    "fashion-mnist": "Data: Fashion-MNIST, downloaded by torchvision into --data (./data).",
    "cifar10": "Data: CIFAR-10, downloaded by torchvision into --data (default ./data).",
    _IMAGE_FOLDER: (
        "Data: the image folder in DATA below (one sub-folder of images per class);\n"
        "pass --data FOLDER to use another."
    ),
}


def _docstring(class_name: str, key: str, settings: TrainSettings) -> str:
    return (
        f'"""Train {class_name} (generated by cnnstudio {__version__}); needs torch and '
        "torchvision.\n\n"
        "Run on one machine:\n"
        "    python train.py [--epochs N] [--batch-size N] [--lr X] [--out DIR]\n"
        "or with several processes (GPUs, or CPU processes), each training on its shard:\n"
        "    torchrun --nproc_per_node 4 train.py\n"
        "    torchrun --nnodes 2 --node_rank R --master_addr HOST --nproc_per_node 4 train.py\n"
        "--batch-size is per process: the global batch is batch size x processes. The\n"
        "learning rate is not scaled; raise it yourself if you want (e.g. linearly).\n\n"
        f"{_DATA_HELP[key]}\n\n"
        "Writes metrics.csv, last.pt (to --resume) and best.pt (the state_dict of the\n"
        "best epoch: the lowest validation loss, or the highest accuracy; BEST below,\n"
        "or --best) into --out (first process only).\n"
        f'"""\n'
    )


def _settings_block(
    key: str,
    data: str,
    input_shape: tuple[int, ...],
    settings: TrainSettings,
    output_kind: str = "logits",
) -> str:
    s = settings
    flip = key not in ("digits", "mnist")
    data_expr = 'str(Path(__file__).with_name("digits.npz"))' if key == "digits" else None
    rows: list[tuple[str, str, str]] = [
        ("DATA", data_expr or _literal(data), "default for --data"),
        ("INPUT_SHAPE", _literal(tuple(input_shape)), "channels, height, width"),
        ("EPOCHS", _literal(s.epochs), ""),
        ("BATCH_SIZE", _literal(s.batch_size), "per process"),
        ("LR", _literal(s.lr), ""),
        ("OPTIMIZER", _literal(s.optimizer), "sgd, adam, adamw or rmsprop"),
        ("MOMENTUM", _literal(s.momentum), "sgd and rmsprop"),
        ("NESTEROV", _literal(s.nesterov), "sgd"),
        ("WEIGHT_DECAY", _literal(s.weight_decay), ""),
        ("SCHEDULE", _literal(s.schedule), "none, step, cosine, onecycle or plateau"),
        ("STEP_SIZE", _literal(s.step_size), "epochs between steps (step)"),
        ("GAMMA", _literal(s.gamma), "lr factor (step, plateau)"),
        ("PLATEAU_PATIENCE", _literal(s.plateau_patience), "epochs (plateau)"),
        ("EARLY_STOPPING_PATIENCE", _literal(s.early_stopping_patience), "0: off"),
        ("BEST", _literal(s.best), "best.pt and early stopping: val_loss or val_acc"),
        ("SEED", _literal(s.seed), "weights, split, shuffling"),
        ("VAL_FRACTION", _literal(s.val_fraction), "share of images held out"),
        ("AMP", _literal(s.amp), "float16 mixed precision on CUDA"),
        ("AUGMENT", _literal(s.augment), "random shifts, rotations (and flips)"),
        ("FLIP", _literal(flip), "whether mirrored images keep their class"),
        ("OUTPUT_KIND", _literal(output_kind), "logits, or probs after a Softmax"),
    ]
    lines = ["# The choices made in cnnstudio; the command line overrides some (--help)."]
    for name, value, comment in rows:
        line = f"{name} = {value}"
        if comment and len(line) + 4 + len(comment) <= 88:
            line += f"  # {comment}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _portable_source() -> str:
    """The bodies of :data:`portable.MODULES`, verbatim: the code cnnstudio's trainer runs.

    Each module's docstring and imports are left out (the script imports the same names at
    its top; ``tests/engine/test_train_script.py`` checks it).
    """
    parts = []
    for name in portable.MODULES:
        source = resources.files(portable).joinpath(f"{name}.py").read_text(encoding="utf-8")
        tree = ast.parse(source)
        header_end = max(
            node.end_lineno or node.lineno
            for node in tree.body
            if isinstance(node, (ast.Import, ast.ImportFrom))
        )
        body = "".join(source.splitlines(keepends=True)[header_end:]).strip("\n")
        rule = "# " + "-" * 20
        parts.append(f"{rule} cnnstudio.engine.portable.{name} (as in cnnstudio)\n\n\n{body}\n")
    return "\n\n".join(parts)


def _reserved_names() -> set[str]:
    text = _BODY + "".join(_LOADERS.values()) + _portable_source()
    names = set(re.findall(r"^(?:def|class) (\w+)", text, flags=re.M))
    names.update(re.findall(r"^([A-Z_]+) = ", text, flags=re.M))
    names.update(re.findall(r"^([A-Z_]+) = ", _sample_settings_block(), flags=re.M))
    return names | {"MODEL", "np", "torch", "dist", "F", "nn", "Image", "ImageFolder", "Any"}


def _sample_settings_block() -> str:
    return _settings_block("digits", "", (1, 8, 8), TrainSettings())


def _settings_of(
    design: Design, settings: TrainSettings | Mapping[str, Any] | None
) -> TrainSettings:
    if isinstance(settings, TrainSettings):
        return settings
    if settings is None:
        return TrainSettings.from_dict(design.training or {})
    return TrainSettings.from_dict(settings)


def generate_train_script(
    design: Design, settings: TrainSettings | Mapping[str, Any] | None = None
) -> str:
    """The source of a standalone ``train.py`` for ``design`` with the user's ``settings``.

    ``settings`` may be :class:`TrainSettings`, its dict form, or ``None`` for the design's own
    training settings (else the defaults). Raises ``DesignInvalidError`` for a design with
    errors, :class:`DatasetError` for an Input that is not an image (``C x H x W``, 1 or 3
    channels) or a dataset that is neither built in nor an existing folder, and ``ValueError``
    for bad settings.
    """
    train_settings = _settings_of(design, settings)
    analysis = analyze(design)
    code = generate_code(design, analysis, main_block=False)
    input_shape = image_shape(code.input_shape)
    key, data = _dataset_key(train_settings)
    if analysis.output_id is None:  # generate_code has refused invalid designs already
        raise DesignInvalidError(["the design has no output layer"])
    # The loss reads the output as cnnstudio's trainer does (it sees a final nn.Softmax).
    output_kind = "probs" if design[analysis.output_id].type == "Softmax" else "logits"

    class_name = code.class_name
    model_lines = [
        line
        for line in code.source.splitlines()
        if line not in ("import torch", "from torch import nn")
    ]
    # Dropping the imports leaves extra blank lines above the class: two are the style.
    model_source = "\n".join(model_lines).strip("\n") + "\n"
    model_source = re.sub(r"\n{4,}", "\n\n\n", model_source)
    if class_name in _reserved_names():
        # A design named like one of the script's own globals (e.g. "SEED") must not shadow it.
        new_name = class_name + "Model"
        model_source = model_source.replace(f"class {class_name}(", f"class {new_name}(", 1)
        class_name = new_name

    parts = [
        _docstring(class_name, key, train_settings),
        "\n",
        _IMPORTS_STDLIB,
        "\n",
        _third_party_imports(key),
        "\n",
        model_source,
        "\n\n",
        f"MODEL = {class_name}\n",
        _settings_block(key, data, input_shape, train_settings, output_kind),
        "\n",
        _LOADERS[key],
        "\n\n",
        _portable_source(),
        _BODY,
    ]
    return "".join(parts)


def write_train_script(
    design: Design,
    settings: TrainSettings | Mapping[str, Any] | None,
    out_path: str | os.PathLike[str],
) -> Path:
    """Write :func:`generate_train_script`'s result to ``out_path`` atomically; returns the path.

    For the digits dataset the script reads ``digits.npz`` from next to itself (or ``--data``):
    copy ``resources/digits.npz`` there.
    """
    source = generate_train_script(design, settings)
    path = Path(out_path)
    atomic_write(path, source.encode("utf-8"))
    return path
