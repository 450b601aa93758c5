"""Templates: the lectures' networks with the right numbers, and adapting them to other data."""

from __future__ import annotations

import pytest

from cnnstudio.core.analysis import analyze
from cnnstudio.core.templates import TEMPLATES, TemplateError, adapt, get_template

# torchvision's counts for the ImageNet models (torchvision.models.*(weights=None)).
EXPECTED_PARAMS = {
    "lenet5": 61_706,
    "alexnet": 61_100_840,
    "vgg16": 138_357_544,
    "resnet18": 11_689_512,
    "resnet50": 25_557_032,
}


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_every_template_is_valid_and_laid_out(name: str) -> None:
    design = get_template(name)
    a = analyze(design)
    assert a.valid, [d.message for d in a.diagnostics]
    assert not a.warnings
    assert all(layer.pos is not None for layer in design)
    if name in EXPECTED_PARAMS:
        assert a.total_params == EXPECTED_PARAMS[name]


def test_simple_cnn_matches_its_description() -> None:
    a = analyze(get_template("simple-cnn"))
    shapes = [info.output_shape for info in a.layers.values()]
    assert shapes[:4] == [(1, 28, 28), (32, 24, 24), (32, 24, 24), (32, 12, 12)]
    assert shapes[-1] == (10,)


def test_resnet50_has_about_170_blocks_and_residual_adds() -> None:
    design = get_template("resnet50")
    assert 160 <= len(design) <= 180
    assert sum(layer.type == "Add" for layer in design) == 16


def test_inception_joins_branches_with_concat() -> None:
    a = analyze(get_template("mini-inception"))
    assert a.layers["inc1_concat"].output_shape == (56, 32, 32)


def test_adapt_input_and_classes() -> None:
    design = adapt(get_template("resnet18"), (1, 64, 64), 7)
    a = analyze(design)
    assert a.valid
    assert a.layers["input"].output_shape == (1, 64, 64)
    assert a.layers["fc"].output_shape == (7,)
    assert a.layers["conv1"].params == 64 * 7 * 7


def test_adapt_refuses_impossible_requests() -> None:
    with pytest.raises(TemplateError, match="unknown template"):
        get_template("lenet6")
    with pytest.raises(TemplateError, match="input shape"):
        adapt(get_template("lenet5"), (0, 1, 1))
    with pytest.raises(TemplateError, match="no Dense layer"):
        adapt(_no_dense(), classes=3)


def _no_dense():
    from tests.core.helpers import chain

    return chain([1, 8, 8], ("Conv", {"out_channels": 2}))
