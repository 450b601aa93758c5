"""Tests for dataset loading, fitting to the Input shape, splitting and preprocessing."""

from __future__ import annotations

import gzip
import re
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from cnnstudio.engine.datasets import (
    Augmenter,
    DatasetError,
    check_classes,
    fit_images,
    load_dataset,
    preprocess_image,
)


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = struct.pack(">HBB", 0, 0x08, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + array.astype(np.uint8).tobytes())


def test_digits_loads_split_and_normalized() -> None:
    bundle = load_dataset("digits", (1, 8, 8))
    assert bundle.name == "digits"
    assert bundle.class_names == [str(i) for i in range(10)]
    assert bundle.train_x.shape == (1438, 1, 8, 8)
    assert bundle.val_x.shape == (359, 1, 8, 8)
    assert bundle.train_x.dtype == torch.float32
    assert bundle.train_y.dtype == torch.int64
    assert set(bundle.train_y.tolist()) == set(range(10))
    # normalized with the training split's statistics
    assert abs(bundle.train_x.mean().item()) < 1e-4
    assert bundle.train_x.std().item() == pytest.approx(1.0, abs=1e-3)


def test_digits_split_is_reproducible_and_disjoint() -> None:
    a = load_dataset("digits", (1, 8, 8), seed=3, val_fraction=0.25)
    b = load_dataset("digits", (1, 8, 8), seed=3, val_fraction=0.25)
    c = load_dataset("digits", (1, 8, 8), seed=4, val_fraction=0.25)
    assert torch.equal(a.val_x, b.val_x) and torch.equal(a.train_y, b.train_y)
    assert not torch.equal(a.val_y, c.val_y)
    assert len(a.val_y) == round(1797 * 0.25)
    assert len(a.train_y) + len(a.val_y) == 1797


def test_digits_fitted_to_rgb_and_bigger_size() -> None:
    bundle = load_dataset("digits", (3, 32, 32))
    assert bundle.train_x.shape[1:] == (3, 32, 32)
    assert len(bundle.mean) == 3 and len(bundle.std) == 3
    # gray -> RGB repeats the channel
    assert torch.allclose(bundle.train_x[:, 0], bundle.train_x[:, 2])


@pytest.mark.parametrize("shape", [(1, 100), (64,)])
def test_one_dimensional_inputs_are_refused(shape: tuple[int, ...]) -> None:
    with pytest.raises(DatasetError, match="C x H x W"):
        load_dataset("digits", shape)


def test_unknown_name_is_one_line_error() -> None:
    with pytest.raises(DatasetError, match="unknown dataset 'nope'") as info:
        load_dataset("nope", (1, 8, 8))
    assert "\n" not in str(info.value)


def test_bad_val_fraction() -> None:
    with pytest.raises(DatasetError, match="val_fraction"):
        load_dataset("digits", (1, 8, 8), val_fraction=1.0)


def test_check_classes_message() -> None:
    check_classes(10, 10, "fc3")
    with pytest.raises(DatasetError) as info:
        check_classes(12, 10, "fc3", dataset="digits")
    assert str(info.value) == (
        "fc3 gives 12 outputs but digits has 10 classes: set fc3's out_features to 10"
    )


@pytest.mark.parametrize(
    ("name", "folder", "file"),
    [
        ("mnist", "MNIST/raw", "train-images-idx3-ubyte.gz"),
        ("fashion-mnist", "FashionMNIST/raw", "train-labels-idx1-ubyte.gz"),
        ("cifar10", "", "cifar-10-python.tar.gz"),
    ],
)
def test_missing_files_offline_say_where_to_put_what(
    tmp_path: Path, name: str, folder: str, file: str
) -> None:
    with pytest.raises(DatasetError) as info:
        load_dataset(name, (1, 28, 28), data_dir=tmp_path, allow_download=False)
    message = str(info.value)
    assert "\n" not in message
    assert file in message
    assert str(tmp_path / folder) in message


def test_offline_env_var_blocks_download(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNNSTUDIO_OFFLINE", "1")
    with pytest.raises(DatasetError, match="MNIST"):
        load_dataset("mnist", (1, 28, 28), data_dir=tmp_path, allow_download=True)


def test_data_dir_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CNNSTUDIO_DATA", str(tmp_path))
    with pytest.raises(DatasetError, match=re.escape(str(tmp_path))):
        load_dataset("mnist", (1, 28, 28), allow_download=False)


@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_tiny_idx_files_load(tmp_path: Path, name: str) -> None:
    raw = tmp_path / ("MNIST" if name == "mnist" else "FashionMNIST") / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(20, 28, 28))
    labels = np.arange(20) % 10
    _write_idx(raw / "train-images-idx3-ubyte.gz", images)
    _write_idx(raw / "train-labels-idx1-ubyte.gz", labels)
    bundle = load_dataset(name, (1, 28, 28), data_dir=tmp_path, allow_download=False)
    assert bundle.train_x.shape == (16, 1, 28, 28)
    assert bundle.val_x.shape == (4, 1, 28, 28)
    assert len(bundle.class_names) == 10
    # pixels survive exactly up to normalization
    all_x = torch.cat([bundle.train_x, bundle.val_x])
    all_y = torch.cat([bundle.train_y, bundle.val_y])
    first = int((all_y == 0).nonzero()[0])
    restored = all_x[first, 0] * bundle.std[0] + bundle.mean[0]
    candidates = [torch.from_numpy(images[i] / 255.0).float() for i in (0, 10)]
    assert any(torch.allclose(restored, c, atol=1e-5) for c in candidates)


def test_corrupt_idx_file_is_dataset_error(tmp_path: Path) -> None:
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    (raw / "train-images-idx3-ubyte").write_bytes(b"garbage")
    (raw / "train-labels-idx1-ubyte").write_bytes(b"garbage")
    with pytest.raises(DatasetError, match="cannot read"):
        load_dataset("mnist", (1, 28, 28), data_dir=tmp_path, allow_download=False)


def _write_image_folder(root: Path) -> None:
    colors = {"red": (220, 20, 20), "blue": (20, 20, 220)}
    for cls, color in colors.items():
        (root / cls).mkdir(parents=True)
        for i in range(5):
            size = (10 + i, 12)  # sizes differ on purpose
            Image.new("RGB", size, color).save(root / cls / f"{i}.png")


def test_image_folder(tmp_path: Path) -> None:
    _write_image_folder(tmp_path / "shapes")
    bundle = load_dataset(str(tmp_path / "shapes"), (3, 16, 16), val_fraction=0.2)
    assert bundle.class_names == ["blue", "red"]
    assert bundle.train_x.shape == (8, 3, 16, 16)
    assert bundle.val_x.shape == (2, 3, 16, 16)
    gray = load_dataset(str(tmp_path / "shapes"), (1, 8, 8))
    assert gray.train_x.shape[1:] == (1, 8, 8)


def test_image_folder_needs_two_classes(tmp_path: Path) -> None:
    (tmp_path / "only").mkdir()
    Image.new("L", (4, 4)).save(tmp_path / "only" / "a.png")
    with pytest.raises(DatasetError, match="2"):
        load_dataset(str(tmp_path), (1, 4, 4))


def test_preprocess_image_matches_training_preprocessing() -> None:
    bundle = load_dataset("digits", (1, 16, 16))
    images = np.zeros((8, 8), dtype=np.uint8)
    images[2:6, 3:5] = 255
    pil = Image.fromarray(images, mode="L")
    x = preprocess_image(pil, bundle, (1, 16, 16))
    expected = fit_images(torch.from_numpy(images).float()[None, None] / 255.0, (1, 16, 16))
    expected = (expected - bundle.mean[0]) / bundle.std[0]
    assert x.shape == (1, 16, 16)
    assert torch.allclose(x, expected[0], atol=1e-6)
    # stats dict (as stored in checkpoints) gives the same
    assert torch.equal(preprocess_image(pil, bundle.stats(), (1, 16, 16)), x)


def test_preprocess_rgb_to_gray_uses_luminance() -> None:
    pil = Image.new("RGB", (4, 4), (255, 0, 0))
    x = preprocess_image(pil, ((0.0,), (1.0,)), (1, 4, 4))
    assert torch.allclose(x, torch.full((1, 4, 4), 0.299))


def test_augmenter_keeps_shape_and_varies_per_sample() -> None:
    x = torch.randn(1, 1, 16, 16).repeat(8, 1, 1, 1)
    out = Augmenter((1, 16, 16))(x, torch.Generator().manual_seed(0))
    assert out.shape == x.shape
    assert not torch.allclose(out[0], out[1])
    again = Augmenter((1, 16, 16))(x, torch.Generator().manual_seed(0))
    assert torch.equal(out, again)
