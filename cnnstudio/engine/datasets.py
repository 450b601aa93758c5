"""Datasets for training: load, fit to the design's Input shape, normalize and split.

Every dataset ends up as four float tensors held in memory (train/val images and labels), already
resized, channel-converted and normalized, so the trainer only indexes tensors per batch. The same
preprocessing is exposed for single images through :func:`preprocess_image` so predictions see
exactly what training saw. Qt-free; torchvision is used for ImageFolder and downloads only.
"""

from __future__ import annotations

import gzip
import importlib.resources
import os
import pickle
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from .portable import preprocess
from .portable.augment import Augmenter

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "BUILTIN_DATASETS",
    "Augmenter",
    "DatasetBundle",
    "DatasetError",
    "check_classes",
    "default_data_dir",
    "fit_images",
    "image_shape",
    "load_dataset",
    "make_augmenter",
    "preprocess_image",
]

#: Names accepted by :func:`load_dataset` besides a folder path.
BUILTIN_DATASETS: tuple[str, ...] = ("digits", "mnist", "fashion-mnist", "cifar10")

_FASHION_CLASSES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
_CIFAR_CLASSES = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
]
_CIFAR_FILES = [f"data_batch_{i}" for i in range(1, 6)]


class DatasetError(ValueError):
    """A user-facing data problem; ``str(err)`` is one line that says what to do."""


@dataclass
class DatasetBundle:
    """A dataset fitted to one Input shape and split into training and validation tensors.

    ``train_x``/``val_x`` are float32 ``N x C x H x W`` tensors, already normalized with
    ``mean``/``std`` (per channel, computed on the training split); ``train_y``/``val_y`` are
    int64 class indices.
    """

    name: str
    train_x: torch.Tensor
    train_y: torch.Tensor
    val_x: torch.Tensor
    val_y: torch.Tensor
    class_names: list[str]
    mean: tuple[float, ...]
    std: tuple[float, ...]
    input_shape: tuple[int, int, int] = (1, 8, 8)
    #: Whether a horizontal flip keeps the meaning of an image (not for digits or letters).
    flip_ok: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def to(self, device: torch.device | str) -> DatasetBundle:
        """Move the tensors to ``device`` in place (a no-op when already there); returns self."""
        self.train_x = self.train_x.to(device)
        self.train_y = self.train_y.to(device)
        self.val_x = self.val_x.to(device)
        self.val_y = self.val_y.to(device)
        return self

    def stats(self) -> dict[str, Any]:
        """Plain, JSON-able facts needed to preprocess new images the same way (for checkpoints)."""
        return {
            "name": self.name,
            "class_names": list(self.class_names),
            "mean": list(self.mean),
            "std": list(self.std),
            "input_shape": list(self.input_shape),
        }


def default_data_dir() -> Path:
    """The folder for downloaded datasets: ``$CNNSTUDIO_DATA`` or ``~/.cache/cnnstudio/data``."""
    env = os.environ.get("CNNSTUDIO_DATA")
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "cnnstudio" / "data"


def check_classes(
    num_outputs: int, num_classes: int, output_layer_id: str, *, dataset: str = "the dataset"
) -> None:
    """Raise :class:`DatasetError` unless the output layer gives one score per class."""
    if num_outputs != num_classes:
        raise DatasetError(
            f"{output_layer_id} gives {num_outputs} outputs but {dataset} has {num_classes} "
            f"classes: set {output_layer_id}'s out_features to {num_classes}"
        )


def image_shape(input_shape: Sequence[int]) -> tuple[int, int, int]:
    """``input_shape`` as ``(C, H, W)`` of a gray or RGB image; :class:`DatasetError` if not."""
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3:
        pretty = " x ".join(str(s) for s in shape) or "()"
        raise DatasetError(
            f"image datasets need a C x H x W input, but the design's Input is {pretty}: "
            "set the Input shape to channels x height x width"
        )
    c, h, w = shape
    if c not in (1, 3) or h < 1 or w < 1:
        raise DatasetError(
            f"image datasets need 1 (gray) or 3 (RGB) input channels and a positive size, "
            f"but the design's Input is {c} x {h} x {w}"
        )
    return c, h, w


# --------------------------------------------------------------------------- preprocessing


def fit_images(x: torch.Tensor, input_shape: Sequence[int]) -> torch.Tensor:
    """Resize and channel-convert ``N x C0 x H0 x W0`` float images in [0, 1] to ``input_shape``.

    This is the one place the geometry/colour preprocessing lives (in
    :mod:`cnnstudio.engine.portable.preprocess`, which the exported ``train.py`` embeds), shared
    by dataset loading and :func:`preprocess_image`, so training and prediction cannot drift.
    """
    try:
        return preprocess.fit_images(x, image_shape(input_shape))
    except DatasetError:
        raise
    except ValueError as exc:
        raise DatasetError(str(exc)) from None


def _normalize_(x: torch.Tensor, mean: Sequence[float], std: Sequence[float]) -> torch.Tensor:
    return preprocess.normalize_(x, tuple(mean), tuple(std))


def _stats_of(stats: DatasetBundle | Mapping[str, Any] | tuple[Any, Any]) -> tuple[Any, Any]:
    if isinstance(stats, DatasetBundle):
        return stats.mean, stats.std
    if isinstance(stats, Mapping):
        return stats["mean"], stats["std"]
    mean, std = stats
    return mean, std


def _pil_to_tensor(image: Image.Image, channels: int) -> torch.Tensor:
    """A PIL image as a ``1 x C0 x H x W`` float tensor in [0, 1] (gray stays 1 channel)."""
    # Colour images always go through RGB and fit_images' float luminance (not PIL's rounded
    # "L"), so a gray design sees the same numbers here as in dataset loading.
    del channels
    mode = "L" if image.mode in ("1", "L", "LA", "P;L") else "RGB"
    if image.mode in ("I", "I;16", "F"):
        arr = np.asarray(image, dtype=np.float32)
        top = float(arr.max()) if arr.size else 1.0
        arr = arr / (65535.0 if top > 255 else 255.0)
        return torch.from_numpy(arr).clamp_(0, 1)[None, None]
    arr = np.asarray(image.convert(mode), dtype=np.uint8)
    t = torch.from_numpy(arr.copy())
    t = t[None, None] if t.ndim == 2 else t.permute(2, 0, 1)[None]
    return t.float().div_(255.0)


def preprocess_image(
    pil_image: Image.Image,
    bundle_or_stats: DatasetBundle | Mapping[str, Any] | tuple[Any, Any],
    input_shape: Sequence[int],
) -> torch.Tensor:
    """Apply exactly the training preprocessing to one PIL image; returns a ``C x H x W`` tensor.

    ``bundle_or_stats`` is the :class:`DatasetBundle`, its :meth:`DatasetBundle.stats` dict (as
    stored in checkpoints) or a ``(mean, std)`` pair.
    """
    c, _, _ = image_shape(input_shape)
    mean, std = _stats_of(bundle_or_stats)
    x = fit_images(_pil_to_tensor(pil_image, c), input_shape)
    return _normalize_(x, mean, std)[0]


# --------------------------------------------------------------------------- raw loaders
# Each returns (uint8 or float images N x C0 x H0 x W0, labels int64 N, class names, scale) where
# images / scale lies in [0, 1].


def _load_digits() -> tuple[torch.Tensor, torch.Tensor, list[str], float]:
    resource = importlib.resources.files("cnnstudio.resources") / "digits.npz"
    with importlib.resources.as_file(resource) as path, np.load(path) as data:
        images = data["images"]
        labels = data["labels"]
    x = torch.from_numpy(np.ascontiguousarray(images, dtype=np.uint8))[:, None]
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64))
    return x, y, [str(i) for i in range(10)], 16.0


def _read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (the MNIST format), gzip-compressed or not."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            raw = fh.read()
        zero, dtype_code, ndim = struct.unpack(">HBB", raw[:4])
        if zero != 0 or dtype_code != 0x08:
            raise ValueError("not an unsigned-byte IDX file")
        dims = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
        data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
        return data.reshape(dims)
    except (OSError, ValueError, struct.error, EOFError) as exc:
        raise DatasetError(f"cannot read {path}: {exc}") from None


def _find_file(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / stem, folder / f"{stem}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _try_download(name: str, root: Path, allow_download: bool, missing_msg: str) -> None:
    """Download through torchvision, or raise the one-line 'put these files there' error."""
    offline = os.environ.get("CNNSTUDIO_OFFLINE", "") not in ("", "0")
    if not allow_download or offline:
        raise DatasetError(missing_msg)
    import torchvision.datasets as tvd

    cls = {"mnist": tvd.MNIST, "fashion-mnist": tvd.FashionMNIST, "cifar10": tvd.CIFAR10}[name]
    try:
        root.mkdir(parents=True, exist_ok=True)
        cls(str(root), train=True, download=True)
    except Exception as exc:  # network errors come in many types (URLError, OSError, ...)
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(f"{missing_msg} (download failed: {reason})") from None


def _load_mnist_like(
    name: str, root: Path, allow_download: bool
) -> tuple[torch.Tensor, torch.Tensor, list[str], float]:
    folder = root / ("MNIST" if name == "mnist" else "FashionMNIST") / "raw"
    stems = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")
    missing_msg = (
        f"{name} is not in {folder}: put train-images-idx3-ubyte.gz and "
        f"train-labels-idx1-ubyte.gz into {folder}"
    )
    if any(_find_file(folder, s) is None for s in stems):
        _try_download(name, root, allow_download, missing_msg)
    paths = [_find_file(folder, s) for s in stems]
    if paths[0] is None or paths[1] is None:
        raise DatasetError(missing_msg)
    images, labels = _read_idx(paths[0]), _read_idx(paths[1])
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise DatasetError(f"{name} files in {folder} do not match: {images.shape} images")
    classes = [str(i) for i in range(10)] if name == "mnist" else list(_FASHION_CLASSES)
    x = torch.from_numpy(images.copy())[:, None]
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y, classes, 255.0


def _load_cifar10(
    root: Path, allow_download: bool
) -> tuple[torch.Tensor, torch.Tensor, list[str], float]:
    folder = root / "cifar-10-batches-py"
    missing_msg = (
        f"cifar10 is not in {root}: put cifar-10-python.tar.gz into {root} or its extracted "
        f"files data_batch_1..data_batch_5 and batches.meta into {folder}"
    )
    if not all((folder / f).is_file() for f in _CIFAR_FILES):
        _try_download("cifar10", root, allow_download, missing_msg)
    if not all((folder / f).is_file() for f in _CIFAR_FILES):
        raise DatasetError(missing_msg)
    chunks, labels = [], []
    try:
        for fname in _CIFAR_FILES:
            with open(folder / fname, "rb") as fh:
                entry = pickle.load(fh, encoding="latin1")  # the official CIFAR python format
            chunks.append(np.asarray(entry["data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
            labels.extend(entry["labels"] if "labels" in entry else entry["fine_labels"])
        classes = list(_CIFAR_CLASSES)
        meta = folder / "batches.meta"
        if meta.is_file():
            with open(meta, "rb") as fh:
                classes = list(pickle.load(fh, encoding="latin1")["label_names"])
    except (OSError, KeyError, ValueError, pickle.UnpicklingError, EOFError) as exc:
        raise DatasetError(f"cannot read cifar10 files in {folder}: {exc}") from None
    x = torch.from_numpy(np.concatenate(chunks))
    y = torch.tensor(labels, dtype=torch.int64)
    return x, y, classes, 255.0


def _load_image_folder(path: Path, channels: int, hw: tuple[int, int]) -> tuple[Any, ...]:
    """Decode an ImageFolder once, each image fitted to the Input size (sizes may differ)."""
    from PIL import Image, UnidentifiedImageError
    from torchvision.datasets import ImageFolder

    try:
        folder = ImageFolder(str(path), loader=lambda p: p)  # decode ourselves, below
    except (FileNotFoundError, OSError) as exc:
        raise DatasetError(
            f"{path} is not an image folder (one sub-folder per class with images): "
            f"{str(exc).splitlines()[0]}"
        ) from None
    if len(folder.classes) < 2:
        raise DatasetError(f"{path} has {len(folder.classes)} class folder(s): training needs 2")
    shape = (channels, hw[0], hw[1])
    images = torch.empty((len(folder.samples), channels, hw[0], hw[1]), dtype=torch.float32)
    for i, (file, _) in enumerate(folder.samples):
        try:
            with Image.open(file) as img:
                images[i] = fit_images(_pil_to_tensor(img, channels), shape)[0]
        except Image.DecompressionBombError:
            # PIL refuses images of more than 2 x MAX_IMAGE_PIXELS (about 179 megapixels) before
            # decoding them, as a defence against decompression bombs: say so, name the file.
            limit = 2 * (Image.MAX_IMAGE_PIXELS or 0)
            raise DatasetError(
                f"cannot read image {file}: it has more than {limit:,} pixels, refused as a "
                "possible decompression bomb: shrink it or remove it"
            ) from None
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError, MemoryError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DatasetError(f"cannot read image {file}: {reason}") from None
    labels = torch.tensor(folder.targets, dtype=torch.int64)
    return images, labels, list(folder.classes), 1.0


# --------------------------------------------------------------------------- public loader


def _split(n: int, val_fraction: float, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    if not 0.0 < val_fraction < 1.0:
        raise DatasetError(f"val_fraction must be between 0 and 1, not {val_fraction}")
    if n < 2:
        raise DatasetError(f"the dataset has {n} image(s): training needs at least 2")
    return preprocess.split_indices(n, val_fraction, seed)


def load_dataset(
    name_or_path: str,
    input_shape: Sequence[int],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    val_fraction: float = 0.2,
    seed: int = 0,
    allow_download: bool = True,
) -> DatasetBundle:
    """Load a dataset by name (``digits``, ``mnist``, ``fashion-mnist``, ``cifar10``) or folder.

    Images are fitted to ``input_shape`` (``C x H x W``), split into training and validation with
    ``seed`` and normalized with per-channel statistics of the training split. Downloads are only
    tried when the files are missing and ``allow_download`` is true (and ``$CNNSTUDIO_OFFLINE`` is
    unset). Every user-facing problem raises :class:`DatasetError`.
    """
    c, h, w = image_shape(input_shape)
    key = name_or_path.strip().lower().replace("_", "-")
    key = {"fashionmnist": "fashion-mnist", "cifar-10": "cifar10"}.get(key, key)
    root = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
    flip_ok = True
    if key == "digits":
        raw_x, y, classes, scale = _load_digits()
        name, flip_ok = "digits", False
    elif key in ("mnist", "fashion-mnist"):
        raw_x, y, classes, scale = _load_mnist_like(key, root, allow_download)
        name, flip_ok = key, key != "mnist"
    elif key == "cifar10":
        raw_x, y, classes, scale = _load_cifar10(root, allow_download)
        name = "cifar10"
    elif Path(name_or_path).expanduser().is_dir():
        folder = Path(name_or_path).expanduser()
        raw_x, y, classes, scale = _load_image_folder(folder, c, (h, w))
        name = folder.name or str(folder)
    else:
        raise DatasetError(
            f"unknown dataset {name_or_path!r}: use {', '.join(BUILTIN_DATASETS)} or a folder "
            "with one sub-folder of images per class"
        )

    # Fit in chunks so that peak memory stays near the size of the final float tensor.
    n = len(raw_x)
    x = torch.empty((n, c, h, w), dtype=torch.float32)
    chunk = max(1, (1 << 22) // max(1, raw_x[0].numel() + c * h * w))
    for start in range(0, n, chunk):
        part = raw_x[start : start + chunk].float().div_(scale)
        x[start : start + chunk] = fit_images(part, (c, h, w))

    train_idx, val_idx = _split(n, val_fraction, seed)
    train_x, val_x = x[train_idx], x[val_idx]
    del x
    mean, std = preprocess.channel_stats(train_x)
    _normalize_(train_x, mean, std)
    _normalize_(val_x, mean, std)
    return DatasetBundle(
        name=name,
        train_x=train_x,
        train_y=y[train_idx].contiguous(),
        val_x=val_x,
        val_y=y[val_idx].contiguous(),
        class_names=classes,
        mean=mean,
        std=std,
        input_shape=(c, h, w),
        flip_ok=flip_ok,
    )


# --------------------------------------------------------------------------- augmentation


def make_augmenter(bundle: DatasetBundle) -> Augmenter:
    """The augmentation suited to ``bundle`` (no flips for digits, whose mirror images mislead)."""
    return Augmenter(image_shape(bundle.input_shape), flip=bundle.flip_ok)
