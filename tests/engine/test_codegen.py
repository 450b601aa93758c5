"""The generated PyTorch source: readable, ruff-clean, self-contained and true to the design.

ruff runs with ``--isolated`` (no project configuration) at its default line length of 88,
with the rule sets E, F, W, I, UP, B and SIM on top of the defaults, on every template and on
random designs: a user's linter and formatter find nothing to change in an exported file.
"""

from __future__ import annotations

import ast
import contextlib
import io
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnstudio.core.analysis import analyze
from cnnstudio.core.design import Design, Layer
from cnnstudio.core.errors import DesignInvalidError
from cnnstudio.core.formatting import fmt_int, fmt_shape
from cnnstudio.core.templates import TEMPLATES, get_template
from cnnstudio.engine.codegen import class_name_for, generate_code

from .strategies import examples, valid_designs

RUFF = Path(sys.executable).with_name("ruff")
RUFF_RULES = "E,F,W,I,UP,B,SIM"


def ruff_problems(folder: Path) -> str:
    """ruff's complaints about the .py files in ``folder`` (empty when clean)."""
    check = subprocess.run(
        [str(RUFF), "check", "--isolated", "--select", RUFF_RULES, "--no-cache", str(folder)],
        capture_output=True,
        text=True,
    )
    fmt = subprocess.run(
        [str(RUFF), "format", "--isolated", "--check", "--diff", "--no-cache", str(folder)],
        capture_output=True,
        text=True,
    )
    problems = ""
    if check.returncode:
        problems += check.stdout + check.stderr
    if fmt.returncode:
        problems += fmt.stdout + fmt.stderr
    return problems


def long_ids() -> Design:
    """Long ids everywhere, so every statement needs breaking."""
    a = "a_long_convolution_layer_id_one"
    b = "another_long_convolution_id_two"
    c = "a_third_long_id_for_relu_branch"
    return Design(
        [
            Layer(
                "the_input_image_with_a_long_name_for_wrapping",
                "Input",
                params={"shape": [3, 8, 8]},
            ),
            Layer(
                a,
                "Conv",
                ["the_input_image_with_a_long_name_for_wrapping"],
                {"out_channels": 4, "kernel_size": [3, 1], "padding": "same", "bias": False},
                frozen=True,
            ),
            Layer(b, "Conv", [a], {"out_channels": 4, "kernel_size": 3, "padding": "same"}),
            Layer(c, "ReLU", [a]),
            Layer("sum_of_all_three_long_branches", "Add", [a, b, c]),
            Layer("joined_along_the_channel_axis", "Concat", [a, b, c, a, b], {"dim": 0}),
            Layer("pooled_with_global_average", "GlobalAvgPool", ["joined_along_the_channel_axis"]),
            Layer("minimum_pool", "MinPool", ["sum_of_all_three_long_branches"], {"stride": 1}),
            Layer("flat", "Flatten", ["minimum_pool"]),
            Layer("final", "Concat", ["flat", "pooled_with_global_average"]),
        ],
        name="Long names",
    )


def fixed_weights() -> Design:
    """Fixed weights with long rows (a 7x7 kernel of long decimals) on colour input."""
    from cnnstudio.core.lab import frozen_conv

    design = Design([Layer("input", "Input", params={"shape": [3, 16, 16]})], name="Fixed")
    kernel = [[(r * 7 + c) / 7 for c in range(7)] for r in range(7)]
    command, _ = frozen_conv(design, analyze(design), kernel, "input", bias=0.1, name="k")
    command.do(design)
    return design


@pytest.fixture(scope="module")
def template_sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("templates")
    paths = {}
    for name in TEMPLATES:
        path = folder / f"{name.replace('-', '_')}.py"
        path.write_text(generate_code(get_template(name)).source, encoding="utf-8")
        paths[name] = path
    (folder / "long_ids.py").write_text(generate_code(long_ids()).source, encoding="utf-8")
    (folder / "fixed.py").write_text(generate_code(fixed_weights()).source, encoding="utf-8")
    return paths


def test_templates_pass_ruff(template_sources: dict[str, Path]) -> None:
    folder = next(iter(template_sources.values())).parent
    assert ruff_problems(folder) == ""


@settings(max_examples=examples(1), deadline=None)
@given(st.lists(valid_designs(), min_size=12, max_size=12))
def test_random_designs_pass_ruff(designs: list[Design]) -> None:
    # One ruff run checks a dozen designs: starting ruff costs more than checking a file.
    with tempfile.TemporaryDirectory() as tmp:
        for i, design in enumerate(designs):
            Path(tmp, f"design_{i}.py").write_text(generate_code(design).source, encoding="utf-8")
        assert ruff_problems(Path(tmp)) == ""


def test_lenet_source_reads_like_handwritten_code() -> None:
    source = generate_code(get_template("lenet5")).source
    assert "class LeNet5(nn.Module):" in source
    assert "        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)\n" in source
    assert "        self.pool1 = nn.MaxPool2d(2)\n" in source
    assert "        self.fc1 = nn.Linear(400, 120)\n" in source
    assert "    def forward(self, input: torch.Tensor) -> torch.Tensor:\n" in source
    assert "        conv1 = self.conv1(input)\n" in source
    assert "        return fc3\n" in source


def test_header_states_input_parameters_and_layer_table() -> None:
    design = get_template("resnet18")
    analysis = analyze(design)
    source = generate_code(design).source
    header = source.split("\nimport torch")[0]
    assert header.startswith("# ResNet-18: generated by cnnstudio")
    assert "3x224x224" in header
    assert fmt_int(analysis.total_params) in header
    table = [line for line in header.splitlines() if line.startswith("#   ")]
    assert table[0].split() == ["#", "layer", "type", "output", "params"]
    assert len(table) == 1 + len(analysis.layers)
    for row, (lid, info) in zip(table[1:], analysis.layers.items(), strict=True):
        cells = row.split()
        assert cells[1:4] == [lid, info.type, fmt_shape(info.output_shape)]
        assert cells[4] == fmt_int(info.params)


def test_header_says_how_to_load_weights() -> None:
    source = generate_code(get_template("lenet5"), weights_file="lenet.pt").source
    assert '#     model.load_state_dict(torch.load("lenet.pt", weights_only=True))' in source
    assert "#     model = LeNet5()" in source


@pytest.mark.parametrize("name", list(TEMPLATES))
def test_structure_follows_the_design(name: str) -> None:
    design = get_template(name)
    analysis = analyze(design)
    code = generate_code(design, analysis)
    tree = ast.parse(code.source)
    imports = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    modules = {a.name for n in imports if isinstance(n, ast.Import) for a in n.names}
    modules |= {n.module for n in imports if isinstance(n, ast.ImportFrom)}
    # StochasticDepth (EfficientNet) is torchvision's module; everything else is torch's.
    assert modules == ({"torch", "torchvision.ops"} if name == "efficientnet-b0" else {"torch"})
    (cls,) = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    assert cls.name == code.class_name
    init, forward = (n for n in cls.body if isinstance(n, ast.FunctionDef))
    attrs = [
        s.targets[0].attr
        for s in init.body
        if isinstance(s, ast.Assign) and isinstance(s.targets[0], ast.Attribute)
    ]
    order = analysis.order
    assert attrs == sorted(attrs, key=order.index)  # topological order
    names = [s.targets[0].id for s in forward.body if isinstance(s, ast.Assign)]  # type: ignore[attr-defined]
    assert names == [lid for lid in order if lid != analysis.input_id]
    assert forward.args.args[1].arg == analysis.input_id
    returned = forward.body[-1]
    assert isinstance(returned, ast.Return) and isinstance(returned.value, ast.Name)
    assert returned.value.id == analysis.output_id


def test_residual_and_concat_are_written_plainly() -> None:
    resnet = generate_code(get_template("resnet18")).source
    assert "        layer1_0_add = layer1_0_bn2 + maxpool\n" in resnet
    inception = generate_code(get_template("mini-inception")).source
    assert "torch.cat(" in inception and "dim=1" in inception
    assert "[inc1_1x1_relu, inc1_3x3_relu, inc1_5x5_relu, inc1_pool_proj_relu]," in inception


def test_long_ids_are_broken_over_lines(template_sources: dict[str, Path]) -> None:
    source = generate_code(long_ids()).source
    assert max(len(line) for line in source.splitlines()) <= 88
    assert "        sum_of_all_three_long_branches = (\n" in source
    assert ".requires_grad_(False)" in source
    compile(source, "long_ids.py", "exec")


def test_unused_layers_are_left_out() -> None:
    design = get_template("lenet5")
    design.add_layer(Layer("probe", "Conv", ["input"], {"out_channels": 3}))
    design.output = "fc3"
    source = generate_code(design).source
    assert "probe" not in source


def test_design_with_errors_is_refused() -> None:
    design = get_template("lenet5")
    design["fc1"].params["out_features"] = -1
    with pytest.raises(DesignInvalidError) as info:
        generate_code(design)
    assert any("fc1" in m for m in info.value.messages)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("LeNet-5", "LeNet5"),
        ("my net", "MyNet"),
        ("3 layers", "Net3Layers"),
        ("", "Net"),
        ("none", "NoneNet"),
        ("true", "TrueNet"),
        ("élan vital", "LanVital"),
        ("x" * 200, "X" + "x" * 49),
    ],
)
def test_class_names(name: str, expected: str) -> None:
    assert class_name_for(name) == expected


@pytest.mark.parametrize(
    "name", ['say "hi"', "back\\slash", "two\nlines", '"""', "x" * 300, "tab\there", "\x00"]
)
def test_odd_design_names_give_valid_code(name: str, tmp_path: Path) -> None:
    design = get_template("lenet5")
    design.name = name
    source = generate_code(design).source
    compile(source, "odd.py", "exec")
    (tmp_path / "odd.py").write_text(source, encoding="utf-8")
    assert ruff_problems(tmp_path) == ""


def test_main_block_runs(tmp_path: Path) -> None:
    path = tmp_path / "lenet.py"
    path.write_text(generate_code(get_template("lenet5")).source, encoding="utf-8")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        runpy.run_path(str(path), run_name="__main__")
    assert out.getvalue().strip() == "torch.Size([2, 10]) 61706 parameters"


def test_main_block_can_be_left_out() -> None:
    assert "__main__" not in generate_code(get_template("lenet5"), main_block=False).source
