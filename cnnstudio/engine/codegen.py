"""PyTorch source code for a design: the one translation from design to torch.

The Python export writes this code to a file, and `cnnstudio.engine.builder.build_model` runs
the very same code to make the module the app trains, so the two cannot drift. The module
expressions come from the layer catalog (``module_code`` / ``forward_code``). This module is
pure string work and does not import torch.

The code follows ruff's default style (line length 88, double quotes, magic trailing commas),
so a freshly exported file passes ``ruff check`` and ``ruff format --check`` unchanged.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from .. import __version__
from ..core.analysis import Analysis, analyze
from ..core.catalog import SPECS
from ..core.design import Design
from ..core.errors import DesignInvalidError
from ..core.formatting import fmt_compact, fmt_int, fmt_shape

# ruff's and black's default line length: a user's formatter finds nothing to change.
LINE_LENGTH = 88
# Design names are free text; the header and the docstring quote at most this much of one.
_MAX_NAME = 50


@dataclass(frozen=True)
class GeneratedCode:
    """The source of a module and the name of its class."""

    source: str
    class_name: str
    input_shape: tuple[int, ...]


def network_source(design: Design) -> str | None:
    """The generated module of ``design`` whatever it is called and whichever layers are frozen,
    or None if it is invalid.

    Two designs with equal network sources build modules with the same state_dict, so weights
    trained for one fit the other (the name only becomes the class name and docstring, and
    freezing only switches ``requires_grad`` off).
    """
    unnamed = design.clone()
    unnamed.name = ""
    for layer in unnamed:
        layer.frozen = False
    try:
        return generate_code(unnamed, main_block=False).source
    except DesignInvalidError:
        return None


def class_name_for(name: str) -> str:
    """A class name from a design name: ``LeNet-5`` -> ``LeNet5``, ``my net`` -> ``MyNet``."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    text = "".join(w[:1].upper() + w[1:] for w in words)[:_MAX_NAME]
    if not text or text[0].isdigit():
        text = "Net" + text
    if keyword.iskeyword(text):  # a design called "none" must not become `class None`
        text += "Net"
    return text


def generate_code(
    design: Design,
    analysis: Analysis | None = None,
    *,
    main_block: bool = True,
    weights_file: str | None = None,
) -> GeneratedCode:
    """The standalone Python source of the design's ``nn.Module``.

    Raises `DesignInvalidError` listing the layer errors when the design is not valid. Layers
    that do not lead to the output get no submodule. ``weights_file`` names a state_dict saved
    next to the code; the header then says how to load it.
    """
    analysis = analysis or analyze(design)
    if not analysis.valid:
        messages = [d.message for d in analysis.errors] or ["the design has no output layer"]
        raise DesignInvalidError(messages)
    assert analysis.input_id is not None and analysis.output_id is not None
    used = _ancestors(design, analysis.output_id)
    order = [lid for lid in analysis.order if lid in used]
    input_id = analysis.input_id
    input_shape = analysis.layers[input_id].output_shape
    assert input_shape is not None
    cls = class_name_for(design.name)

    init_lines: list[str] = []
    fixed_lines: list[str] = []
    forward_lines: list[str] = []
    imports: set[str] = set()
    for lid in order:
        if lid == input_id:
            continue
        layer = design[lid]
        info = analysis.layers[lid]
        spec = SPECS[layer.type]
        params = info.resolved_params or {}
        shapes = info.input_shapes or []
        imports.update(spec.imports(params))
        ctor = spec.module_code(params, shapes)
        if ctor is not None:
            if layer.frozen and info.params:
                ctor += ".requires_grad_(False)"
            init_lines.append(_statement(f"self.{lid}", ctor, 8))
            if layer.weights:
                fixed_lines += _fixed_weights(lid, layer.weights)
        expr = spec.forward_code(params, f"self.{lid}", list(layer.inputs))
        forward_lines.append(_statement(lid, expr, 8))

    out: list[str] = _header(design, analysis, order, input_id, cls, weights_file)
    # Layers such as StochasticDepth or an imported module need more than torch.
    extra = [f"import {name}" for name in sorted(imports)]
    out += ["", "import torch", *extra, "from torch import nn", "", ""]
    out.append(f"class {cls}(nn.Module):")
    out.append(f'    """{_docstring(design)}"""')
    out.append("")
    out.append("    def __init__(self) -> None:")
    out.append("        super().__init__()")
    out.extend(init_lines)
    if fixed_lines:
        # Laid out as matrices, one row a line, which ruff would explode one number a line.
        out += [
            "        # Fixed weights from the design: set by hand, not trained.",
            "        # fmt: off",
            "        with torch.no_grad():",
            *fixed_lines,
            "        # fmt: on",
        ]
    out.append("")
    out.append(_signature(input_id))
    out.extend(forward_lines)
    out.append(f"        return {analysis.output_id}")
    if main_block:
        dims = ", ".join(str(d) for d in (2, *input_shape))
        out += [
            "",
            "",
            'if __name__ == "__main__":',
            f"    model = {cls}()",
            f"    x = torch.randn({dims})",
            '    print(model(x).shape, sum(p.numel() for p in model.parameters()), "parameters")',
        ]
    return GeneratedCode("\n".join(out) + "\n", cls, tuple(input_shape))


def _ancestors(design: Design, output_id: str) -> set[str]:
    needed = {output_id}
    stack = [output_id]
    while stack:
        for src in design[stack.pop()].inputs:
            if src not in needed:
                needed.add(src)
                stack.append(src)
    return needed


def _display_name(design: Design) -> str:
    """The design name on one line, shortened, safe inside a comment or a docstring."""
    name = " ".join(design.name.split()) or "Untitled"
    name = "".join(c if c.isprintable() else "?" for c in name)
    if len(name) > _MAX_NAME:
        name = name[: _MAX_NAME - 3] + "..."
    return name


def _docstring(design: Design) -> str:
    # Quotes and backslashes would end the docstring early or start an escape.
    name = _display_name(design).replace('"', "'").replace("\\", "/")
    return f"{name}, designed in cnnstudio."


def _header(
    design: Design,
    analysis: Analysis,
    order: list[str],
    input_id: str,
    cls: str,
    weights_file: str | None,
) -> list[str]:
    info_in = analysis.layers[input_id]
    info_out = analysis.layers[analysis.output_id or input_id]
    lines = [
        f"# {_display_name(design)}: generated by cnnstudio {__version__}.",
        "#",
        f"# Input: {fmt_shape(info_in.output_shape)}, output: {fmt_shape(info_out.output_shape)}"
        " (batch axis not shown)",
        f"# Parameters: {fmt_int(analysis.total_params)} "
        f"({fmt_int(analysis.trainable_params)} trainable)",
        f"# Multiply-accumulates per sample: {fmt_compact(analysis.total_macs)}",
    ]
    if weights_file is not None:
        lines += [
            "#",
            f"# Weights: {weights_file} (a state_dict next to this file). Load them with",
            f"#     model = {cls}()",
            f'#     model.load_state_dict(torch.load("{weights_file}", weights_only=True))',
        ]
    lines.append("#")
    rows = [("layer", "type", "output", "params")]
    for lid in order:
        info = analysis.layers[lid]
        rows.append((lid, info.type, fmt_shape(info.output_shape), fmt_int(info.params)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        text = "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        lines.append(f"#   {text}".rstrip())
    return lines


def _signature(input_id: str) -> str:
    """The forward's ``def`` line, its arguments moved to a line of their own when too long."""
    line = f"    def forward(self, {input_id}: torch.Tensor) -> torch.Tensor:"
    if len(line) <= LINE_LENGTH:
        return line
    return f"    def forward(\n        self, {input_id}: torch.Tensor\n    ) -> torch.Tensor:"


def _fixed_weights(lid: str, weights: dict[str, object]) -> list[str]:
    """``self.conv.weight.copy_(torch.tensor(...))`` per fixed parameter, rows a line each."""
    lines = []
    for name, value in weights.items():
        lines.append(f"            self.{lid}.{name}.copy_(torch.tensor(")
        lines.append(" " * 16 + _literal(value, 16, _depth(value)))
        lines.append("            ))")
    return lines


def _depth(value: object) -> int:
    return 1 + _depth(value[0]) if isinstance(value, list) and value else 0


def _literal(value: object, column: int, closers: int) -> str:
    """A nested list of numbers as numpy prints it: the innermost rows one a line, aligned at
    ``column``, wrapped so that no line (with ``closers`` brackets after it) passes 88."""
    assert isinstance(value, list)
    pad = "\n" + " " * (column + 1)
    if not value or not isinstance(value[0], list):
        words = [repr(float(v)) for v in value]
        rows, line = [], ""
        for word in words:
            if line and column + 1 + len(line) + len(word) + 2 + closers > LINE_LENGTH:
                rows.append(line.rstrip())
                line = ""
            line += word + ", "
        rows.append(line[:-2])
        return "[" + pad.join(rows) + "]"
    return "[" + ("," + pad).join(_literal(v, column + 1, closers - 1) for v in value) + "]"


def _statement(target: str, expr: str, indent: int) -> str:
    """``target = expr`` indented, broken over lines the way ruff format breaks it."""
    pad = " " * indent
    line = f"{pad}{target} = {expr}"
    if len(line) <= LINE_LENGTH:
        return line
    terms = _split_top(expr, " + ")
    if len(terms) > 1:
        # A long sum (Add) goes in parentheses: on one line if it fits, else one term a line.
        inner = pad + "    "
        if len(inner + expr) <= LINE_LENGTH:
            return f"{pad}{target} = (\n{inner}{expr}\n{pad})"
        body = "\n".join(inner + ("+ " if i else "") + t for i, t in enumerate(terms))
        return f"{pad}{target} = (\n{body}\n{pad})"
    return _wrap_call(f"{target} = {expr}", indent)


def _wrap_call(line: str, indent: int) -> str:
    """Break the first call of a long line into one argument per line (magic trailing comma)."""
    pad = " " * indent
    if len(pad + line) <= LINE_LENGTH:
        return pad + line
    start = line.find("(")
    end = _matching(line, start) if start >= 0 else -1
    if end < 0:
        return pad + line
    args = _split_top(line[start + 1 : end], ",")
    if not args:
        return pad + line
    if len(args) == 1 and end == len(line) - 1 and len(pad + "    " + args[0]) <= LINE_LENGTH:
        # A lone argument needs no magic trailing comma: ruff itself breaks it this way.
        return f"{pad}{line[: start + 1]}\n{pad}    {args[0]}\n{pad})"
    body = "".join(_wrap_arg(a, indent + 4) + "\n" for a in args)
    return pad + line[: start + 1] + "\n" + body + pad + line[end:]


def _wrap_arg(arg: str, indent: int) -> str:
    """One argument on its own line; a long list literal is exploded like a call."""
    pad = " " * indent
    if len(f"{pad}{arg},") <= LINE_LENGTH or not arg.startswith("["):
        return f"{pad}{arg},"
    items = _split_top(arg[1:-1], ",")
    inner = "".join(f"{pad}    {item},\n" for item in items)
    return f"{pad}[\n{inner}{pad}],"


def _matching(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        if text[i] in "([":
            depth += 1
        elif text[i] in ")]":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside brackets and strings; empty parts are dropped."""
    parts, depth, start, quote = [], 0, 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif depth == 0 and text.startswith(sep, i):
            parts.append(text[start:i].strip())
            start = i + len(sep)
            i = start
            continue
        i += 1
    parts.append(text[start:].strip())
    return [p for p in parts if p]
