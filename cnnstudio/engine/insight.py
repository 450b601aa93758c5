"""The insight dock's torch work: which sample, every layer's output for it, kernels, statistics.

Qt-free (tested without a display in ``tests/engine/test_insight.py``). The GUI's
`cnnstudio.gui.insight.controller.InsightController` runs these functions off the GUI thread and
only draws what they return:

- a `SampleRequest` (`ValidationImage`, `RandomImage` or `ImageFile`) becomes a `Sample` with
  `load_sample`: a validation image of a dataset, or an image file preprocessed exactly as the
  dataset's images were;
- `compute_activations` runs the model once on the sample and keeps every layer's output, the
  top-5 prediction and, for one Conv block, its kernels;
- `batch_stats` summarizes every layer over a validation batch (`STATS_BATCH` images);
- `probe_epoch` is what the training thread computes at an epoch end (both of the above, for
  the run's own data);
- `InsightWorker` caches the seeded models and the offline dataset between jobs.

The module itself imports numpy only: torch, the builder and the datasets are imported inside
the functions, because the dock imports these data classes when the window is created, before
its first paint, which must not load torch.
"""

from __future__ import annotations

import contextlib
import random
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..core.i18n import translate

if TYPE_CHECKING:
    from torch import nn

    from ..core.design import Design
    from .activations import ActivationStats, Prediction
    from .datasets import DatasetBundle

__all__ = [
    "STATS_BATCH",
    "Activations",
    "BatchStats",
    "EpochProbe",
    "ImageFile",
    "InsightWorker",
    "ModelSource",
    "RandomImage",
    "RunWeights",
    "Sample",
    "SampleRequest",
    "SeedWeights",
    "ValidationImage",
    "WeightsKey",
    "batch_stats",
    "compute_activations",
    "display_image",
    "kernels",
    "load_sample",
    "probe_epoch",
]

#: Validation images per statistics batch (enough for stable means, cheap at an epoch end).
STATS_BATCH = 64
# Seeded models kept between jobs: the design shown and the one before (an undo is free).
_MODELS_KEPT = 2


# --------------------------------------------------------------------------- what to show


@dataclass(frozen=True)
class ValidationImage:
    """Image ``index`` of the dataset's validation split (taken modulo its size)."""

    index: int


@dataclass(frozen=True)
class RandomImage:
    """A validation image drawn with ``seed``: the same seed picks the same image."""

    seed: int


@dataclass(frozen=True)
class ImageFile:
    """An image file, preprocessed like the dataset's images (size, channels, normalization)."""

    path: str


SampleRequest = ValidationImage | RandomImage | ImageFile


@dataclass(frozen=True, eq=False)
class Sample:
    """One input as the network sees it.

    ``x`` is the normalized ``C x H x W`` array; ``image`` the same picture for display
    (``H x W`` or ``H x W x 3`` in [0, 1]); ``key`` identifies it in caches. A validation image
    has its ``index`` among ``count`` images and the ``dataset_id`` (``id``) of the bundle it was
    taken from; ``origin`` is the request to repeat for another Input size (a random pick is
    repeated as its index).
    """

    key: str
    x: np.ndarray
    image: np.ndarray
    caption: str
    truth: str | None = None
    index: int | None = None
    count: int = 0
    origin: ValidationImage | ImageFile | None = None
    dataset_id: int | None = None


# --------------------------------------------------------------------------- which weights


@dataclass(frozen=True)
class SeedWeights:
    """``build_model(design, seed=0)`` of the design whose generated source is ``code``."""

    code: str


@dataclass(frozen=True)
class RunWeights:
    """The training run's module (its ``id``) as it was at the GUI's weights ``version``."""

    model_id: int
    version: int


WeightsKey = SeedWeights | RunWeights


@dataclass(frozen=True, eq=False)
class ModelSource:
    """Where a job gets its model: the run's ``model``, or else one built from ``design``."""

    key: WeightsKey
    model: nn.Module | None
    design: Design | None
    description: str


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class Activations:
    """Every layer's output for one sample under one set of weights (no batch axis).

    ``filters`` holds the kernels of the Conv block that was selected when it was computed.
    """

    weights: WeightsKey
    sample: Sample
    order: tuple[str, ...]
    values: dict[str, np.ndarray]
    output_id: str | None
    class_names: tuple[str, ...]
    predictions: tuple[Prediction, ...]
    filters: dict[str, np.ndarray] = field(default_factory=dict)

    def is_class_vector(self, lid: str) -> bool:
        """Whether ``lid`` gives one value per class, and only same-sized layers follow it."""
        value = self.values[lid]
        if value.ndim != 1 or len(value) != len(self.class_names) or lid not in self.order:
            return False
        tail = self.order[self.order.index(lid) :]
        return all(self.values[t].shape == value.shape for t in tail if t in self.values)


@dataclass(frozen=True, eq=False)
class BatchStats:
    """`ActivationStats` of every layer over the first ``images`` validation images of
    ``dataset``."""

    stats: dict[str, ActivationStats]
    images: int
    dataset: str


@dataclass(frozen=True, eq=False)
class EpochProbe:
    """What the training thread computes at an epoch end (see `probe_epoch`)."""

    activations: Activations | None
    stats: BatchStats | None


# --------------------------------------------------------------------------- the work


def display_image(x: np.ndarray, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """A normalized ``C x H x W`` array back in [0, 1], as ``H x W`` (gray) or ``H x W x 3``."""
    m = np.asarray(mean, dtype=np.float32).reshape(-1, 1, 1)
    s = np.asarray(std, dtype=np.float32).reshape(-1, 1, 1)
    img = np.clip(x * s + m, 0.0, 1.0)
    return img[0] if img.shape[0] == 1 else img[:3].transpose(1, 2, 0)


def load_sample(
    request: SampleRequest, bundle: DatasetBundle, input_shape: tuple[int, ...]
) -> Sample:
    """The sample ``request`` names, fitted to ``input_shape`` and normalized like ``bundle``.

    Raises ``ValueError`` (one line) for an unreadable image file or a dataset without
    validation images.
    """
    if isinstance(request, ImageFile):
        return _load_file(Path(request.path), bundle, input_shape)
    n = len(bundle.val_x)
    if n == 0:
        raise ValueError(
            translate("Insight", "{dataset} has no validation images to show").format(
                dataset=bundle.name
            )
        )
    if isinstance(request, RandomImage):
        i = random.Random(request.seed).randrange(n)
    else:
        i = int(request.index) % n
    x = bundle.val_x[i].detach().cpu().float().numpy().copy()
    label = int(bundle.val_y[i])
    truth = bundle.class_names[label] if label < len(bundle.class_names) else str(label)
    return Sample(
        f"{bundle.name}|{id(bundle)}|{input_shape}|val|{i}",
        x,
        display_image(x, bundle.mean, bundle.std),
        translate("Insight", "{dataset} validation image {i} of {n}, class {truth}").format(
            dataset=bundle.name, i=i, n=n, truth=truth
        ),
        truth,
        i,
        n,
        origin=ValidationImage(i),
        dataset_id=id(bundle),
    )


def _load_file(path: Path, bundle: DatasetBundle, input_shape: tuple[int, ...]) -> Sample:
    from PIL import Image, UnidentifiedImageError

    from .datasets import preprocess_image

    try:
        with Image.open(path) as img:
            img.load()
            x = preprocess_image(img, bundle, input_shape).numpy()
    except (OSError, UnidentifiedImageError) as exc:
        raise ValueError(
            translate("Insight", "cannot read image {name}: {reason}").format(
                name=path.name, reason=exc
            )
        ) from None
    # The file's modification time is in the key: an image saved again is read again.
    stamp = path.stat().st_mtime_ns
    return Sample(
        f"file|{path}|{stamp}|{bundle.name}|{input_shape}",
        x,
        display_image(x, bundle.mean, bundle.std),
        translate("Insight", "{name} (normalized like {dataset})").format(
            name=path.name, dataset=bundle.name
        ),
        origin=ImageFile(str(path)),
    )


def compute_activations(
    model: nn.Module,
    weights: WeightsKey,
    sample: Sample,
    class_names: Sequence[str],
    conv_id: str | None = None,
) -> Activations:
    """Every layer's output for ``sample``, the top-5 classes and ``conv_id``'s kernels.

    The prediction is empty when the model's output is not a vector; the kernels are left out
    when ``conv_id`` is not a convolution of this model.
    """
    import torch

    from .activations import capture_activations, filters_of, layer_ids_of, output_id_of, top_k

    acts = capture_activations(model, None, torch.from_numpy(sample.x)[None])
    values = {lid: t[0].float().cpu().numpy() for lid, t in acts.items()}
    out_id = output_id_of(model)
    names = tuple(class_names)
    predictions: tuple[Prediction, ...] = ()
    if out_id is not None and values[out_id].ndim == 1:
        predictions = tuple(top_k(acts[out_id][0], names, 5))
    filters = {}
    if conv_id is not None:
        with contextlib.suppress(ValueError):  # the block is no longer a Conv in this model
            filters[conv_id] = filters_of(model, conv_id).numpy()
    return Activations(
        weights, sample, tuple(layer_ids_of(model)), values, out_id, names, predictions, filters
    )


def kernels(model: nn.Module, conv_id: str) -> np.ndarray:
    """The learned kernels of the Conv block ``conv_id`` (``ValueError`` for another block)."""
    from .activations import filters_of

    return filters_of(model, conv_id).numpy()


def batch_stats(model: nn.Module, bundle: DatasetBundle) -> BatchStats:
    """Every layer's statistics over the first `STATS_BATCH` validation images of ``bundle``."""
    from .activations import activation_stats, capture_activations, relu_ids_of

    batch = bundle.val_x[:STATS_BATCH]
    acts = capture_activations(model, None, batch)
    return BatchStats(activation_stats(acts, relu_ids_of(model)), len(batch), bundle.name)


def probe_epoch(
    model: nn.Module,
    bundle: DatasetBundle | None,
    sample: Sample | None,
    conv_id: str | None,
) -> EpochProbe:
    """At an epoch end: the activations of ``sample`` and the statistics of the run's data.

    ``bundle`` is the run's dataset. A sample that is not one of its validation images at its
    size (the offline stand-in shown before the run, a design opened at another size) is
    replaced by the run's image of the same index, so the view follows the run's own data; an
    image file is kept when it fits. The weights key of the result is a placeholder: the
    caller knows the weights version (see `RunWeights`).
    """
    stats: BatchStats | None = None
    class_names: Sequence[str] = [str(i) for i in range(10)]
    if bundle is not None:
        shape = tuple(bundle.input_shape)
        foreign = (
            sample is not None and sample.index is not None and sample.dataset_id != id(bundle)
        )
        if sample is None or sample.x.shape != shape or foreign:
            index = sample.index if sample is not None and sample.index is not None else 0
            sample = load_sample(ValidationImage(index), bundle, shape)
        stats = batch_stats(model, bundle)
        class_names = bundle.class_names
    acts = None
    if sample is not None:
        acts = compute_activations(model, RunWeights(id(model), -1), sample, class_names, conv_id)
    return EpochProbe(acts, stats)


class InsightWorker:
    """Seeded models and the offline dataset, kept between jobs.

    Used only on the thread that runs the jobs, one job at a time (no locking).
    """

    def __init__(self) -> None:
        self.models: OrderedDict[WeightsKey, nn.Module] = OrderedDict()
        # One Input shape at a time: a 3x224x224 copy of the digits is big.
        self._dataset: tuple[tuple[int, ...], DatasetBundle] | None = None

    def model_for(self, source: ModelSource) -> nn.Module:
        """The run's model, or the design built with seed 0 (cached by its source code)."""
        if source.model is not None:
            return source.model
        model = self.models.get(source.key)
        if model is None:
            from .builder import build_model

            if source.design is None:
                raise ValueError(
                    translate("Insight", "no model to show: neither a run nor a design")
                )
            model = build_model(source.design, seed=0)
            model.eval()
            self.models[source.key] = model
            while len(self.models) > _MODELS_KEPT:
                self.models.popitem(last=False)
        return model

    def dataset_for(
        self, input_shape: tuple[int, ...], run_bundle: DatasetBundle | None
    ) -> DatasetBundle:
        """The run's dataset when it fits the Input shape, else the offline digits set."""
        if run_bundle is not None and tuple(run_bundle.input_shape) == tuple(input_shape):
            return run_bundle
        shape = tuple(input_shape)
        if self._dataset is not None and self._dataset[0] == shape:
            return self._dataset[1]
        from .datasets import load_dataset

        bundle = load_dataset("digits", shape, allow_download=False)
        self._dataset = (shape, bundle)
        return bundle
