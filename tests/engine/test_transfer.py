"""Transfer learning end to end: import a model with its weights, replace the classifier for the
dataset's classes, freeze the body, train on a folder of images, export head and body together."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch
from PIL import Image

from cnnstudio.core.analysis import analyze
from cnnstudio.core.commands import History
from cnnstudio.core.transfer import TransferError, classifier_layer, transfer_command
from cnnstudio.engine.builder import build_model
from cnnstudio.engine.datasets import load_dataset
from cnnstudio.engine.export import export_design
from cnnstudio.engine.importer import import_model
from cnnstudio.engine.trainer import RunFinished, Trainer, TrainSettings
from cnnstudio.engine.transfer import transfer_state

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


@pytest.fixture
def imported(tmp_path: Path):
    torch.manual_seed(3)
    reference = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.BatchNorm2d(4), torch.nn.ReLU(),
        torch.nn.MaxPool2d(2), torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(6, 10),
    )  # fmt: skip
    torch.save(reference.state_dict(), tmp_path / "pretrained.pt")
    (tmp_path / "tl_model.py").write_text(MODEL_FILE)
    try:
        yield import_model(f"{tmp_path / 'tl_model.py'}:pretrained", input_shape=(3, 8, 8))
    finally:
        sys.modules.pop("tl_model", None)


def _image_folder(root: Path) -> None:
    for cls, color in (("red", (220, 30, 30)), ("blue", (30, 30, 220)), ("green", (30, 200, 30))):
        (root / cls).mkdir(parents=True)
        for i in range(8):
            shade = tuple(min(255, c + 3 * i) for c in color)
            Image.new("RGB", (8, 8), shade).save(root / cls / f"{i}.png")


def test_replace_head_freeze_body_train_and_export(imported, tmp_path: Path) -> None:
    design = imported.design
    assert imported.verification.ok
    head = classifier_layer(design)
    assert head == "l_8"  # nn.Sequential's child "8"
    history = History(design)
    history.push(transfer_command(design, 3))
    assert design[head].params["out_features"] == 3
    frozen = {lay.id for lay in design if lay.frozen}
    assert frozen == {"l_0", "l_1", "l_4"}  # the convolutions and the batch norm
    analysis = analyze(design)
    assert analysis.trainable_params == 6 * 3 + 3

    state, fresh = transfer_state(imported.state_dict, design)
    assert fresh == [f"{head}.weight", f"{head}.bias"]
    model = build_model(design)
    model.load_state_dict(state)
    body_before = model.l_0.weight.detach().clone()
    head_before = getattr(model, head).weight.detach().clone()

    _image_folder(tmp_path / "colors")
    data = load_dataset(str(tmp_path / "colors"), (3, 8, 8), val_fraction=0.25, seed=0)
    assert data.num_classes == 3
    settings = TrainSettings(
        dataset=str(tmp_path / "colors"), epochs=3, batch_size=8, lr=0.05, device="cpu", amp=False
    )
    events = list(Trainer(model, data, settings).run())
    assert isinstance(events[-1], RunFinished), events[-1]
    torch.testing.assert_close(model.l_0.weight, body_before)  # the frozen body did not move
    assert not torch.equal(getattr(model, head).weight, head_before)  # the new head learned

    # Head and body export together: the Python export with these weights reloads exactly.
    (_code_path, weights_path) = export_design(
        design, "python", tmp_path / "net.py", weights=model.state_dict()
    )
    reloaded = build_model(design)
    reloaded.load_state_dict(torch.load(weights_path, weights_only=True))
    x = torch.randn(2, 3, 8, 8)
    torch.testing.assert_close(reloaded.eval()(x), model.eval()(x))

    history.undo()  # one undo step restores the imported design
    assert design[head].params["out_features"] == 10 and not any(lay.frozen for lay in design)


def test_freeze_up_to_a_chosen_block(imported) -> None:
    design = imported.design
    transfer_command(design, 2, freeze_until="l_1").do(design)
    assert {lay.id for lay in design if lay.frozen} == {"l_0", "l_1"}
    with pytest.raises(TransferError, match="no layer 'nope'"):
        transfer_command(design, 2, freeze_until="nope")
