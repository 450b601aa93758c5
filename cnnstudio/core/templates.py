"""Built-in designs: the classic networks of the lectures, laid out and ready to train or adapt.

The ImageNet ones (AlexNet, VGG-16, ResNet-18, ResNet-50) have exactly the parameter counts of
torchvision's models of the same name; ids follow torchvision's names (``layer1_0_conv1``).
VGG-19, GoogLeNet, MobileNet V2/V3 and EfficientNet-B0 are shipped as design files in
``resources/`` (written by ``tools/make_templates.py`` with the importer, read here without
torch), with torchvision's exact counts and each layer's module path as its ``group``.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .analysis import analyze
from .catalog import SPECS
from .design import Design, Layer
from .errors import CnnStudioError
from .i18n import QT_TRANSLATE_NOOP
from .layout import auto_layout


class TemplateError(CnnStudioError):
    """An unknown template name or an impossible adaptation."""


class _Net:
    """A tiny builder: each call appends a layer fed by the previous one unless told otherwise."""

    def __init__(self, name: str, shape: Sequence[int]) -> None:
        self.name = name
        self.layers: list[Layer] = [Layer("input", "Input", params={"shape": list(shape)})]
        self.last = "input"
        self._counts: dict[str, int] = {}
        self.group: str | None = None  # the group (dotted path) of the layers added next

    def add(self, type_: str, params: dict[str, Any] | None = None, *, id: str | None = None,
            inputs: Sequence[str] | None = None) -> str:  # fmt: skip
        if id is None:
            prefix = SPECS[type_].id_prefix
            self._counts[prefix] = self._counts.get(prefix, 0) + 1
            id = f"{prefix}{self._counts[prefix]}"
        layer = Layer(id, type_, list(inputs or [self.last]), dict(params or {}))
        layer.group = self.group
        self.layers.append(layer)
        self.last = id
        return id

    def conv(self, out: int, k: int, s: int = 1, p: int = 0, *, bias: bool = True,
             id: str | None = None, inputs: Sequence[str] | None = None) -> str:  # fmt: skip
        params: dict[str, Any] = {"out_channels": out, "kernel_size": k}
        if s != 1:
            params["stride"] = s
        if p:
            params["padding"] = p
        if not bias:
            params["bias"] = False
        return self.add("Conv", params, id=id, inputs=inputs)

    def design(self) -> Design:
        design = Design(self.layers, name=self.name)
        for lid, pos in auto_layout(design).items():
            design[lid].pos = pos
        return design


def lenet5() -> Design:
    """LeNet-5 (LeCun et al. 1998) with ReLU and max pooling: 1x32x32 -> 10, 61,706 parameters."""
    n = _Net("LeNet-5", (1, 32, 32))
    n.conv(6, 5)
    n.add("ReLU")
    n.add("MaxPool", {"kernel_size": 2})
    n.conv(16, 5)
    n.add("ReLU")
    n.add("MaxPool", {"kernel_size": 2})
    n.add("Flatten")
    for width in (120, 84):
        n.add("Dense", {"out_features": width})
        n.add("ReLU")
    n.add("Dense", {"out_features": 10})
    return n.design()


def simple_cnn() -> Design:
    """Two conv/pool stages and two Dense layers on 1x28x28 (the classic MNIST tutorial net)."""
    n = _Net("Simple CNN", (1, 28, 28))
    for out in (32, 64):
        n.conv(out, 5)
        n.add("ReLU")
        n.add("MaxPool", {"kernel_size": 2})
    n.add("Flatten")
    n.add("Dense", {"out_features": 1000})
    n.add("ReLU")
    n.add("Dense", {"out_features": 10})
    return n.design()


def alexnet() -> Design:
    """AlexNet as in torchvision (3x224x224 -> 1000): 61,100,840 parameters."""
    n = _Net("AlexNet", (3, 224, 224))
    n.conv(64, 11, 4, 2)
    n.add("ReLU")
    n.add("MaxPool", {"kernel_size": 3, "stride": 2})
    n.conv(192, 5, 1, 2)
    n.add("ReLU")
    n.add("MaxPool", {"kernel_size": 3, "stride": 2})
    for out in (384, 256, 256):
        n.conv(out, 3, 1, 1)
        n.add("ReLU")
    n.add("MaxPool", {"kernel_size": 3, "stride": 2})
    n.add("Flatten")
    for _ in range(2):
        n.add("Dropout", {"p": 0.5})
        n.add("Dense", {"out_features": 4096})
        n.add("ReLU")
    n.add("Dense", {"out_features": 1000})
    return n.design()


def vgg16() -> Design:
    """VGG-16 as in torchvision (3x224x224 -> 1000): 138,357,544 parameters."""
    n = _Net("VGG-16", (3, 224, 224))
    for block, (width, convs) in enumerate(((64, 2), (128, 2), (256, 3), (512, 3), (512, 3)), 1):
        n.group = f"features.block{block}"
        for i in range(1, convs + 1):
            n.conv(width, 3, 1, 1, id=f"conv{block}_{i}")
            n.add("ReLU", id=f"relu{block}_{i}")
        n.add("MaxPool", {"kernel_size": 2}, id=f"pool{block}")
    n.group = "classifier"
    n.add("Flatten", id="flatten")
    for i in (1, 2):
        n.add("Dense", {"out_features": 4096}, id=f"fc{i}")
        n.add("ReLU", id=f"relu_fc{i}")
        n.add("Dropout", {"p": 0.5}, id=f"drop{i}")
    n.add("Dense", {"out_features": 1000}, id="fc3")
    return n.design()


def _resnet(name: str, blocks: Sequence[int], bottleneck: bool) -> Design:
    n = _Net(name, (3, 224, 224))
    n.group = "stem"
    n.conv(64, 7, 2, 3, bias=False, id="conv1")
    n.add("BatchNorm", id="bn1")
    n.add("ReLU", id="relu")
    n.add("MaxPool", {"kernel_size": 3, "stride": 2, "padding": 1}, id="maxpool")
    in_ch = 64
    for stage, count in enumerate(blocks, 1):
        width = 64 * 2 ** (stage - 1)
        out_ch = width * 4 if bottleneck else width
        for b in range(count):
            stride = 2 if stage > 1 and b == 0 else 1
            pre = f"layer{stage}_{b}_"
            n.group = f"layer{stage}.{b}"  # torchvision's module names
            entry = n.last
            if bottleneck:
                n.conv(width, 1, bias=False, id=pre + "conv1")
                n.add("BatchNorm", id=pre + "bn1")
                n.add("ReLU", id=pre + "relu1")
                n.conv(width, 3, stride, 1, bias=False, id=pre + "conv2")
                n.add("BatchNorm", id=pre + "bn2")
                n.add("ReLU", id=pre + "relu2")
                n.conv(out_ch, 1, bias=False, id=pre + "conv3")
                last_bn = n.add("BatchNorm", id=pre + "bn3")
            else:
                n.conv(width, 3, stride, 1, bias=False, id=pre + "conv1")
                n.add("BatchNorm", id=pre + "bn1")
                n.add("ReLU", id=pre + "relu1")
                n.conv(width, 3, 1, 1, bias=False, id=pre + "conv2")
                last_bn = n.add("BatchNorm", id=pre + "bn2")
            skip = entry
            if stride != 1 or in_ch != out_ch:
                n.conv(out_ch, 1, stride, bias=False, id=pre + "downsample_conv", inputs=[entry])
                skip = n.add("BatchNorm", id=pre + "downsample_bn")
            n.add("Add", id=pre + "add", inputs=[last_bn, skip])
            n.add("ReLU", id=pre + "relu")
            in_ch = out_ch
    n.group = None
    n.add("GlobalAvgPool", id="avgpool")
    n.add("Dense", {"out_features": 1000}, id="fc")
    return n.design()


def resnet_design(
    blocks: Sequence[int], *, bottleneck: bool = True, name: str | None = None
) -> Design:
    """A torchvision-style ResNet with ``blocks[i]`` residual blocks in stage ``i + 1``.

    The templates use it with torchvision's counts; the growth benchmark with many more.
    """
    kind = "bottleneck" if bottleneck else "basic"
    return _resnet(name or f"ResNet ({kind} {'-'.join(map(str, blocks))})", blocks, bottleneck)


def resnet18() -> Design:
    """ResNet-18 as in torchvision (3x224x224 -> 1000): 11,689,512 parameters."""
    return _resnet("ResNet-18", (2, 2, 2, 2), bottleneck=False)


def resnet50() -> Design:
    """ResNet-50 (v1.5, stride on the 3x3) as in torchvision: 25,557,032 parameters."""
    return _resnet("ResNet-50", (3, 4, 6, 3), bottleneck=True)


def mini_inception() -> Design:
    """A small Inception-style net for 3x32x32 images.

    Each block runs parallel 1x1, 3x3, 5x5 and pooling branches and joins them with a Concat.
    """
    n = _Net("Mini Inception", (3, 32, 32))
    n.group = "stem"
    n.conv(32, 3, 1, 1, bias=False, id="stem_conv")
    n.add("BatchNorm", id="stem_bn")
    n.add("ReLU", id="stem_relu")
    for block, (b1, b3r, b3, b5r, b5, bp) in enumerate(
        ((16, 16, 24, 8, 8, 8), (32, 24, 48, 8, 16, 16)), 1
    ):
        entry = n.last
        pre = f"inc{block}_"
        n.group = f"inception3{'ab'[block - 1]}"  # GoogLeNet's names for its first two blocks
        one = n.conv(b1, 1, id=pre + "1x1", inputs=[entry])
        one = n.add("ReLU", id=pre + "1x1_relu")
        n.conv(b3r, 1, id=pre + "3x3_reduce", inputs=[entry])
        n.add("ReLU", id=pre + "3x3_reduce_relu")
        n.conv(b3, 3, 1, 1, id=pre + "3x3")
        three = n.add("ReLU", id=pre + "3x3_relu")
        n.conv(b5r, 1, id=pre + "5x5_reduce", inputs=[entry])
        n.add("ReLU", id=pre + "5x5_reduce_relu")
        n.conv(b5, 5, 1, 2, id=pre + "5x5")
        five = n.add("ReLU", id=pre + "5x5_relu")
        n.add(
            "MaxPool",
            {"kernel_size": 3, "stride": 1, "padding": 1},
            id=pre + "pool",
            inputs=[entry],
        )
        n.conv(bp, 1, id=pre + "pool_proj")
        pool = n.add("ReLU", id=pre + "pool_proj_relu")
        n.add("Concat", id=pre + "concat", inputs=[one, three, five, pool])
        n.group = None
        n.add("MaxPool", {"kernel_size": 2}, id=f"pool{block}")
    n.add("GlobalAvgPool", id="avgpool")
    n.add("Dropout", {"p": 0.2}, id="drop")
    n.add("Dense", {"out_features": 10}, id="fc")
    return n.design()


def _shipped(name: str) -> Callable[[], Design]:
    """A factory reading ``resources/template-NAME.cnn.json`` (a design written by the importer)."""

    def load() -> Design:
        from .fileio import loads_design

        resource = importlib.resources.files("cnnstudio.resources") / f"template-{name}.cnn.json"
        return loads_design(resource.read_text(encoding="utf-8"), f"template {name}")

    return load


@dataclass(frozen=True)
class TemplateInfo:
    """A template's name, one-line description and factory."""

    name: str
    title: str
    description: str
    factory: Callable[[], Design]


TEMPLATES: dict[str, TemplateInfo] = {
    t.name: t
    for t in (
        TemplateInfo(
            "lenet5",
            "LeNet-5",
            QT_TRANSLATE_NOOP("Templates", "LeCun's digit recognizer, 1x32x32 -> 10 classes"),
            lenet5,
        ),
        TemplateInfo(
            "simple-cnn",
            "Simple CNN",
            QT_TRANSLATE_NOOP("Templates", "two conv/pool stages + Dense 1000, 1x28x28 -> 10"),
            simple_cnn,
        ),
        TemplateInfo(
            "alexnet",
            "AlexNet",
            QT_TRANSLATE_NOOP("Templates", "ImageNet 2012 winner, 3x224x224 -> 1000"),
            alexnet,
        ),
        TemplateInfo(
            "vgg16",
            "VGG-16",
            QT_TRANSLATE_NOOP("Templates", "13 3x3 convolutions in 5 blocks, 3x224x224 -> 1000"),
            vgg16,
        ),
        TemplateInfo(
            "resnet18",
            "ResNet-18",
            QT_TRANSLATE_NOOP("Templates", "residual skip connections (Add), 3x224x224 -> 1000"),
            resnet18,
        ),
        TemplateInfo(
            "resnet50",
            "ResNet-50",
            QT_TRANSLATE_NOOP("Templates", "bottleneck residual blocks, 3x224x224 -> 1000"),
            resnet50,
        ),
        TemplateInfo(
            "mini-inception",
            "Mini Inception",
            QT_TRANSLATE_NOOP("Templates", "Inception branches joined by Concat, 3x32x32 -> 10"),
            mini_inception,
        ),
        TemplateInfo(
            "vgg19",
            "VGG-19",
            QT_TRANSLATE_NOOP("Templates", "16 3x3 convolutions in 5 blocks, 3x224x224 -> 1000"),
            _shipped("vgg19"),
        ),
        TemplateInfo(
            "googlenet",
            "GoogLeNet",
            QT_TRANSLATE_NOOP(
                "Templates", "Inception v1: four-branch modules joined by Concat, 3x224x224 -> 1000"
            ),
            _shipped("googlenet"),
        ),
        TemplateInfo(
            "mobilenet-v2",
            "MobileNet V2",
            QT_TRANSLATE_NOOP(
                "Templates",
                "inverted residuals with depthwise convolutions and ReLU6, 3x224x224 -> 1000",
            ),
            _shipped("mobilenet-v2"),
        ),
        TemplateInfo(
            "mobilenet-v3-small",
            "MobileNet V3 Small",
            QT_TRANSLATE_NOOP(
                "Templates", "depthwise blocks, squeeze-excite (Mul), Hardswish, 3x224x224 -> 1000"
            ),
            _shipped("mobilenet-v3-small"),
        ),
        TemplateInfo(
            "mobilenet-v3-large",
            "MobileNet V3 Large",
            QT_TRANSLATE_NOOP("Templates", "the larger MobileNet V3, 3x224x224 -> 1000"),
            _shipped("mobilenet-v3-large"),
        ),
        TemplateInfo(
            "efficientnet-b0",
            "EfficientNet-B0",
            QT_TRANSLATE_NOOP(
                "Templates",
                "MBConv blocks with SiLU, squeeze-excite and stochastic depth, 3x224x224 -> 1000",
            ),
            _shipped("efficientnet-b0"),
        ),
    )
}
"""Every template by name, in menu order."""

DEFAULT_TEMPLATE = "lenet5"


def get_template(name: str) -> Design:
    """A fresh copy of a template; raises `TemplateError` for an unknown name."""
    info = TEMPLATES.get(name)
    if info is None:
        raise TemplateError(f"unknown template {name!r} (known: {', '.join(TEMPLATES)})")
    return info.factory()


def adapt(
    design: Design, input_shape: Sequence[int] | None = None, classes: int | None = None
) -> Design:
    """Fit a design to other data: a new Input shape and/or a new number of output classes.

    The classes go to the last Dense layer on the way back from the output (past activations,
    Softmax and Dropout). Layers whose fixed sizes no longer fit are reported by the analysis.
    """
    result = design.clone()
    if input_shape is not None:
        shape = [int(v) for v in input_shape]
        if not 1 <= len(shape) <= 3 or any(v < 1 for v in shape):
            raise TemplateError(
                f"input shape must be 1 to 3 positive sizes like 1,28,28, got {shape}"
            )
        inputs = [lay for lay in result if lay.type == "Input"]
        if not inputs:
            raise TemplateError("the design has no Input layer to adapt")
        inputs[0].params["shape"] = shape
    if classes is not None:
        if classes < 1:
            raise TemplateError(f"classes must be at least 1, got {classes}")
        out_id = analyze(result).output_id
        layer = result[out_id] if out_id else None
        while layer is not None and layer.type != "Dense":
            spec = SPECS.get(layer.type)
            if spec is None or not spec.elementwise:
                layer = None
                break
            layer = result[layer.inputs[0]] if layer.inputs and layer.inputs[0] in result else None
        if layer is None:
            raise TemplateError(
                "no Dense layer ends the design, so the number of classes cannot be set"
            )
        layer.params["out_features"] = int(classes)
    return result
