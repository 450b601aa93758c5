"""``cnnstudio train DESIGN --weights W.pt``: training starts from imported weights.

The chain a user runs: ``import FILE.py:NAME --classes 3 --weights-out W.pt`` (a pretrained
body, a fresh head, the body frozen), then ``train DESIGN --weights W.pt`` on a folder of
images. The trainer's initial state must be the file's, the frozen layers (BatchNorm running
statistics included) must end as they started, and weights that do not fit are refused in one
line naming the first mismatch.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import torch
from PIL import Image

from cnnstudio.cli import main
from cnnstudio.engine import trainer as trainer_module

MODEL_FILE = """
import torch
from pathlib import Path
from torch import nn

def pretrained():
    model = nn.Sequential(
        nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
        nn.Linear(6, 10),
    )
    model.load_state_dict(torch.load(Path(__file__).with_name("pretrained.pt")))
    return model
"""


def _image_folder(root: Path) -> None:
    for cls, color in (("red", (220, 30, 30)), ("blue", (30, 30, 220)), ("green", (30, 200, 30))):
        (root / cls).mkdir(parents=True)
        for i in range(8):
            shade = tuple(min(255, c + 3 * i) for c in color)
            Image.new("RGB", (8, 8), shade).save(root / cls / f"{i}.png")


@pytest.fixture
def imported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    """(design, weights) written by ``cnnstudio import ... --classes 3 --weights-out``."""
    torch.manual_seed(5)
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(6, 10),
    )  # fmt: skip
    with torch.no_grad():  # statistics a fresh BatchNorm would not have
        reference[1].running_mean.uniform_(-1, 1)
        reference[1].running_var.uniform_(0.5, 2)
    torch.save(reference.state_dict(), tmp_path / "pretrained.pt")
    (tmp_path / "tw_model.py").write_text(MODEL_FILE)
    design, weights = tmp_path / "net.cnn.json", tmp_path / "net.pt"
    try:
        code = main(
            [
                "import", f"{tmp_path / 'tw_model.py'}:pretrained", "-o", str(design),
                "--input", "3,8,8", "--classes", "3", "--weights-out", str(weights),
            ]
        )  # fmt: skip
    finally:
        sys.modules.pop("tw_model", None)
    assert code == 0, capsys.readouterr().err
    capsys.readouterr()  # the import's report is not the train command's output
    _image_folder(tmp_path / "colors")
    return design, weights


def _train(tmp_path: Path, design: Path, *extra: str) -> int:
    return main(
        [
            "train", str(design), "--dataset", str(tmp_path / "colors"), "--epochs", "2",
            "--batch-size", "8", "--lr", "0.05", "--val-fraction", "0.25", "--device", "cpu",
            "--num-threads", "1", "--quiet", "--out", str(tmp_path / "run"), *extra,
        ]
    )  # fmt: skip


def test_training_starts_from_the_weights_and_frozen_layers_keep_them(
    imported: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    design, weights = imported
    initial: list[dict[str, torch.Tensor]] = []
    real_init = trainer_module.Trainer.__init__

    def spy(self: Any, model: torch.nn.Module, *args: Any, **kwargs: Any) -> None:
        initial.append({k: v.detach().clone() for k, v in model.state_dict().items()})
        real_init(self, model, *args, **kwargs)

    monkeypatch.setattr(trainer_module.Trainer, "__init__", spy)
    assert _train(tmp_path, design, "--weights", str(weights)) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert f"starting from the weights in {weights}" in out

    from_file = torch.load(weights, weights_only=True)
    assert len(initial) == 1 and initial[0].keys() == from_file.keys()
    for key, value in from_file.items():  # the state before step 1 is the file's
        torch.testing.assert_close(initial[0][key], value, rtol=0, atol=0, msg=key)

    trained = torch.load(tmp_path / "run" / "last.pt", weights_only=True)["model_state"]
    frozen = [k for k in from_file if not k.startswith("l_8.")]
    assert "l_1.running_mean" in frozen and "l_1.running_var" in frozen
    for key in frozen:  # the frozen body, BatchNorm statistics included, did not move
        torch.testing.assert_close(trained[key], from_file[key], rtol=0, atol=0, msg=key)
    assert not torch.equal(trained["l_8.weight"], from_file["l_8.weight"])  # the head learned


def test_weights_that_do_not_fit_are_refused_in_one_line(
    imported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design, _weights = imported
    code = _train(tmp_path, design, "--weights", str(tmp_path / "pretrained.pt"))
    err = capsys.readouterr().err.strip()
    assert code == 1
    # pretrained.pt is the original nn.Sequential's state_dict: its keys are "0.weight"...
    assert err == (
        f"cnnstudio: error: the weights in {tmp_path / 'pretrained.pt'} do not fit the "
        "design: l_0.weight is missing"
    )
    assert not (tmp_path / "run").exists()


def test_a_head_of_another_size_is_named(
    imported: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    design, weights = imported
    state = torch.load(weights, weights_only=True)
    state["l_8.weight"] = torch.zeros(10, 6)
    torch.save(state, tmp_path / "ten.pt")
    assert _train(tmp_path, design, "--weights", str(tmp_path / "ten.pt")) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "l_8.weight has shape 10x6 but the design needs 3x6" in err[0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--weights", "nope.pt"], "weights file nope.pt does not exist"),
        (["--weights", "w.pt", "--resume", "last.pt"], "give --weights or --resume, not both"),
    ],
)
def test_bad_weights_arguments_are_one_line(
    imported: tuple[Path, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    design, _weights = imported
    assert _train(tmp_path, design, *extra) == 1
    assert capsys.readouterr().err.strip() == f"cnnstudio: error: {message}"
