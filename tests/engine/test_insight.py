"""The insight dock's torch work without a display: samples, activations, statistics, caches."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from cnnstudio.core.templates import get_template
from cnnstudio.engine.activations import capture_activations, filters_of
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.codegen import network_source
from cnnstudio.engine.datasets import DatasetBundle, preprocess_image
from cnnstudio.engine.insight import (
    STATS_BATCH,
    ImageFile,
    InsightWorker,
    ModelSource,
    RandomImage,
    RunWeights,
    SeedWeights,
    ValidationImage,
    batch_stats,
    compute_activations,
    display_image,
    kernels,
    load_sample,
    probe_epoch,
)

SHAPE = (1, 32, 32)


def _bundle(n_val: int = 70, name: str = "tiny") -> DatasetBundle:
    gen = torch.Generator().manual_seed(0)
    val_x = torch.randn(n_val, *SHAPE, generator=gen)
    return DatasetBundle(
        name=name,
        train_x=val_x[:4].clone(),
        train_y=torch.zeros(4, dtype=torch.int64),
        val_x=val_x,
        val_y=torch.arange(n_val) % 10,
        class_names=[f"c{i}" for i in range(10)],
        mean=(0.5,),
        std=(0.25,),
        input_shape=SHAPE,
    )


@pytest.fixture(scope="module")
def lenet() -> torch.nn.Module:
    return build_model(get_template("lenet5"), seed=0).eval()


def test_validation_images_by_index_and_at_random() -> None:
    bundle = _bundle()
    sample = load_sample(ValidationImage(73), bundle, SHAPE)  # taken modulo the 70 images
    assert (sample.index, sample.count, sample.truth) == (3, 70, "c3")
    np.testing.assert_array_equal(sample.x, bundle.val_x[3].numpy())
    assert sample.origin == ValidationImage(3) and sample.dataset_id == id(bundle)
    assert sample.caption == "tiny validation image 3 of 70, class c3"
    # The picture for display is the image before normalization, in [0, 1].
    np.testing.assert_allclose(sample.image, np.clip(bundle.val_x[3, 0].numpy() * 0.25 + 0.5, 0, 1))
    first, again = (load_sample(RandomImage(12345), bundle, SHAPE) for _ in range(2))
    assert first.index == again.index and first.key == again.key
    # A random pick is repeated at another Input size as the image it picked.
    assert first.origin == ValidationImage(first.index or 0)
    with pytest.raises(ValueError, match="no validation images"):
        load_sample(ValidationImage(0), _bundle(0), SHAPE)


def test_image_files_are_preprocessed_like_the_dataset(tmp_path) -> None:
    bundle = _bundle()
    path = tmp_path / "seven.png"
    Image.fromarray(np.tri(40, dtype=np.uint8) * 255).save(path)
    sample = load_sample(ImageFile(str(path)), bundle, SHAPE)
    with Image.open(path) as img:
        expected = preprocess_image(img, bundle, SHAPE).numpy()
    np.testing.assert_array_equal(sample.x, expected)
    assert sample.index is None and sample.origin == ImageFile(str(path))
    assert sample.caption == "seven.png (normalized like tiny)"
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    with pytest.raises(ValueError, match=r"^cannot read image broken\.png: "):
        load_sample(ImageFile(str(broken)), bundle, SHAPE)


def test_display_image_gray_and_colour() -> None:
    gray = display_image(np.full((1, 2, 3), 4.0, dtype=np.float32), [0.0], [1.0])
    assert gray.shape == (2, 3) and (gray == 1.0).all()  # clipped to [0, 1]
    rgb = display_image(np.zeros((3, 2, 2), dtype=np.float32), [0.1, 0.2, 0.3], [1, 1, 1])
    assert rgb.shape == (2, 2, 3)
    np.testing.assert_allclose(rgb[0, 0], [0.1, 0.2, 0.3], rtol=1e-6)


def test_activations_are_the_models_own(lenet: torch.nn.Module) -> None:
    bundle = _bundle()
    sample = load_sample(ValidationImage(5), bundle, SHAPE)
    key = SeedWeights("code")
    acts = compute_activations(lenet, key, sample, bundle.class_names, "conv2")
    expected = capture_activations(lenet, None, torch.from_numpy(sample.x)[None])
    assert acts.weights == key and acts.sample is sample
    assert acts.order[0] == "input" and set(acts.values) == set(expected)
    for lid, value in expected.items():
        np.testing.assert_array_equal(acts.values[lid], value[0].numpy())
    assert acts.output_id == "fc3" and acts.is_class_vector("fc3")
    assert not acts.is_class_vector("fc1")  # 120 hidden units, not the classes
    probs = [p.probability for p in acts.predictions]
    assert len(probs) == 5 and probs == sorted(probs, reverse=True)
    assert acts.predictions[0].name in bundle.class_names
    np.testing.assert_array_equal(acts.filters["conv2"], filters_of(lenet, "conv2").numpy())
    # A block that is not a Conv (any more) has no kernels: left out, not an error.
    assert compute_activations(lenet, key, sample, bundle.class_names, "relu1").filters == {}
    np.testing.assert_array_equal(kernels(lenet, "conv1"), lenet.conv1.weight.detach().numpy())
    with pytest.raises(ValueError, match="not a Conv layer"):
        kernels(lenet, "pool1")


def test_batch_stats_cover_every_layer(lenet: torch.nn.Module) -> None:
    result = batch_stats(lenet, _bundle())
    assert result.images == STATS_BATCH == result.stats["conv1"].samples
    assert result.dataset == "tiny"
    assert set(result.stats) >= {"conv1", "relu1", "fc3"}
    assert result.stats["relu1"].dead_fraction is not None
    assert result.stats["conv1"].dead_fraction is None
    assert batch_stats(lenet, _bundle(10)).images == 10


def test_epoch_probe_follows_the_runs_data(lenet: torch.nn.Module, tmp_path) -> None:
    offline, run = _bundle(name="offline"), _bundle(name="run")
    shown = load_sample(ValidationImage(7), offline, SHAPE)
    probe = probe_epoch(lenet, run, shown, "conv1")
    assert probe.activations is not None and probe.stats is not None
    # The offline stand-in gives way to the run's image of the same index.
    assert probe.activations.sample.dataset_id == id(run)
    assert probe.activations.sample.index == 7
    assert isinstance(probe.activations.weights, RunWeights)
    assert set(probe.activations.filters) == {"conv1"}
    assert probe.stats.dataset == "run" and probe.stats.images == STATS_BATCH
    # The run's own sample and a fitting image file are kept as they are.
    own = load_sample(ValidationImage(2), run, SHAPE)
    kept = probe_epoch(lenet, run, own, None).activations
    assert kept is not None and kept.sample is own
    path = tmp_path / "a.png"
    Image.fromarray(np.eye(32, dtype=np.uint8) * 255).save(path)
    picture = load_sample(ImageFile(str(path)), offline, SHAPE)
    kept = probe_epoch(lenet, run, picture, None).activations
    assert kept is not None and kept.sample is picture
    # Without the run's data: the sample shown, and class numbers for names.
    bare = probe_epoch(lenet, None, shown, None)
    assert bare.stats is None and bare.activations is not None
    assert bare.activations.class_names == tuple(str(i) for i in range(10))
    assert probe_epoch(lenet, None, None, None).activations is None


def test_worker_caches_seeded_models_and_the_offline_dataset(lenet: torch.nn.Module) -> None:
    worker = InsightWorker()
    designs = [get_template("lenet5"), get_template("lenet5")]
    designs[1].set_param("conv1", "out_channels", 4)  # another network
    sources = [
        ModelSource(SeedWeights(network_source(d)), None, d, "initial weights") for d in designs
    ]
    first = worker.model_for(sources[0])
    assert worker.model_for(sources[0]) is first and not first.training
    torch.testing.assert_close(first.state_dict(), lenet.state_dict())  # seed 0
    second = worker.model_for(sources[1])
    assert second is not first and second.conv1.out_channels == 4
    # The run's module is used as it is, never cached.
    run_source = ModelSource(RunWeights(id(lenet), 1), lenet, None, "trained")
    assert worker.model_for(run_source) is lenet and len(worker.models) == 2
    with pytest.raises(ValueError, match="no model"):
        worker.model_for(ModelSource(SeedWeights("x"), None, None, ""))
    run = _bundle()
    assert worker.dataset_for(SHAPE, run) is run
    digits = worker.dataset_for((1, 8, 8), run)  # the run's data does not fit: offline digits
    assert digits.name == "digits" and tuple(digits.input_shape) == (1, 8, 8)
    assert worker.dataset_for((1, 8, 8), None) is digits
