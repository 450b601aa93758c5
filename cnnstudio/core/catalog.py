"""The layer catalog: every layer type declared in exactly one place.

A spec holds the type's parameters, its shape rule, parameter and multiply-accumulate counts,
the textbook explanation of those numbers, its receptive-field rule, its canvas shorthand and
the PyTorch code it becomes. The palette, the inspector, the analysis, the code generator and
the module builder all read these specs, so adding a layer type is one class here, decorated
with :func:`register` (plus its test); the docs' layer table is checked against the catalog.

Shapes exclude the batch axis: images ``(C, H, W)``, sequences ``(C, L)``, vectors ``(F,)``.
Spatial layers work on both images (2-D torch modules) and sequences (1-D modules).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from .diagnostics import Fix, InsertLayerEdit, LayerProblem, SetParamEdit
from .formatting import fmt_int, fmt_shape, fmt_size
from .i18n import QT_TRANSLATE_NOOP, translate
from .params import ParamSpec

Shape = tuple[int, ...]
# Receptive field on the input: (size per spatial axis, jump (stride product) per axis).
Receptive = tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class Group:
    """A palette section and its block colours: ``(fill, accent)`` per palette, as hex.

    The fill is the block's body, the accent its header band and border. Hues stay apart so
    groups read at a glance, and each fill keeps enough contrast with the text of its palette.
    """

    key: str
    title: str
    light: tuple[str, str]
    dark: tuple[str, str]
    #: Whether the palette offers this group's types (imported opaque blocks are not drawn by hand).
    in_palette: bool = True


#: The layer groups in palette order; a spec's ``group`` is one of their keys.
LAYER_GROUPS: tuple[Group, ...] = (
    Group(
        "input",
        QT_TRANSLATE_NOOP("Catalog", "Input"),
        ("#eceff3", "#9aa5b4"),
        ("#2f343b", "#6b7786"),
    ),
    Group(
        "convolution",
        QT_TRANSLATE_NOOP("Catalog", "Convolution"),
        ("#e3edfb", "#5b8fd6"),
        ("#1f2f47", "#4a7fc9"),
    ),
    Group(
        "pooling",
        QT_TRANSLATE_NOOP("Catalog", "Pooling"),
        ("#e2f4f1", "#3fa596"),
        ("#1d3935", "#3a9486"),
    ),
    Group(
        "activation",
        QT_TRANSLATE_NOOP("Catalog", "Activation"),
        ("#fdf0dc", "#e0a23c"),
        ("#42351f", "#c98d2e"),
    ),
    Group(
        "dense",
        QT_TRANSLATE_NOOP("Catalog", "Dense"),
        ("#efe6f8", "#9468c9"),
        ("#33284a", "#8a62c0"),
    ),
    Group(
        "regularization",
        QT_TRANSLATE_NOOP("Catalog", "Regularization"),
        ("#fbe6ee", "#cf6b93"),
        ("#45253a", "#bf5f87"),
    ),
    Group(
        "merge",
        QT_TRANSLATE_NOOP("Catalog", "Merge"),
        ("#e8f4dd", "#6fa544"),
        ("#2a3b20", "#65983d"),
    ),
    Group(
        "reshape",
        QT_TRANSLATE_NOOP("Catalog", "Reshape"),
        ("#f4ecdf", "#a9865a"),
        ("#3b3226", "#98774f"),
    ),
    Group(
        "imported",
        QT_TRANSLATE_NOOP("Catalog", "Imported"),
        ("#f0f0f0", "#999999"),
        ("#333333", "#777777"),
        False,
    ),
)
#: ``(key, title)`` of every group the palette lists, in palette order.
GROUPS: tuple[tuple[str, str], ...] = tuple((g.key, g.title) for g in LAYER_GROUPS if g.in_palette)
GROUP_BY_KEY: dict[str, Group] = {g.key: g for g in LAYER_GROUPS}

#: Every layer type by name, in palette order (registration order, see :func:`register`).
SPECS: dict[str, LayerSpec] = {}

S = TypeVar("S", bound="type[LayerSpec]")


def register(cls: S) -> S:
    """Class decorator: add one instance of a spec class to :data:`SPECS`.

    As torchvision's ``register_model``, a second spec of the same type is refused, so two
    declarations cannot silently shadow each other. The palette lists specs in registration
    order. Adding a layer type is one decorated class (plus its test).
    """
    name = cls.type
    if name in SPECS:
        raise ValueError(f"layer type {name!r} is registered twice")
    if cls.group not in GROUP_BY_KEY:
        raise ValueError(f"layer type {name!r} has unknown group {cls.group!r}")
    if not cls.__dict__.get("id_prefix"):  # not inherited: a Concat is no "add"
        cls.id_prefix = name.lower()
    SPECS[name] = cls()
    return cls


class LayerSpec:
    """Base class of a layer type. Subclasses set the class attributes and override the rules."""

    type: ClassVar[str]
    group: ClassVar[str]
    summary: ClassVar[str]
    params: ClassVar[tuple[ParamSpec, ...]] = ()
    min_inputs: ClassVar[int] = 1
    max_inputs: ClassVar[int | None] = 1
    has_weights: ClassVar[bool] = False
    #: Start of the ids of new layers of this type (``conv`` -> conv1, conv2); the lowercased
    #: type when empty. The canvas and the templates name layers with it.
    id_prefix: ClassVar[str] = ""
    #: A weight-free, value-by-value map (activations, Dropout): the output has the input's
    #: shape and meaning, so e.g. ``templates.adapt`` looks through it for the classifier.
    elementwise: ClassVar[bool] = False

    def __init__(self) -> None:
        self.param_map: dict[str, ParamSpec] = {p.name: p for p in self.params}
        self.defaults: dict[str, Any] = {p.name: p.default for p in self.params}
        self.required: tuple[str, ...] = tuple(p.name for p in self.params if p.required)

    # -- shape and cost ---------------------------------------------------------------------
    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        """The output shape for these input shapes; raises LayerProblem when a rule is broken."""
        return shapes[0]

    def count_params(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        """Trainable parameters as PyTorch counts them (``numel`` of ``parameters()``)."""
        return 0

    def count_macs(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        """Multiply-accumulates of one forward pass of one sample (Conv and Dense only)."""
        return 0

    def param_shapes(
        self, p: dict[str, Any], shapes: list[Shape], out: Shape
    ) -> dict[str, Shape] | None:
        """The torch module's parameters by name (``weight``, ``bias``) and shape, for layers
        whose values a design may fix (`fixed_weights`); None for the types that cannot."""
        return None

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        """Receptive field of one output position; elementwise layers pass theirs through."""
        return rfs[0] if rfs and len(out) >= 2 else None

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        """The numbers worked out the way a textbook does, one line each."""
        return []

    def advice(self, p: dict[str, Any], shapes: list[Shape]) -> list[tuple[str, str]]:
        """Warnings ``(code, message)`` about valid but questionable settings."""
        return []

    # -- presentation -----------------------------------------------------------------------
    def shorthand(self, p: dict[str, Any]) -> str:
        """The canvas header: the type and key parameters, e.g. ``Conv 6@5x5 s1 p2``."""
        return self.type

    # -- torch code (strings only: the core never imports torch) ----------------------------
    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        """The constructor expression of the torch module, or None for module-less layers."""
        return None

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        """The forward expression, given ``call`` (``self.conv1``) and the input variable names."""
        return f"{call}({args[0]})"

    def imports(self, p: dict[str, Any]) -> tuple[str, ...]:
        """Modules the generated code must import besides torch (``torchvision.ops``)."""
        return ()


# -- helpers ------------------------------------------------------------------------------------
def _spatial(spec: LayerSpec, shape: Shape) -> int:
    """Number of spatial axes of an image (2) or sequence (1) input; other inputs are refused."""
    rank = len(shape)
    if rank == 3 or rank == 2:
        return rank - 1
    kind = "a vector of " + str(shape[0]) if rank == 1 else "a " + fmt_shape(shape) + " tensor"
    raise LayerProblem(
        "needs-spatial-input",
        translate(
            "Catalog", "{type} needs an image (C x H x W) or a sequence (C x L) input, got {kind}"
        ).format(type=spec.type, kind=kind),
    )


def _axes(value: int | Sequence[int], n: int, name: str) -> tuple[int, ...]:
    if isinstance(value, int):
        return (value,) * n
    if len(value) != n:
        raise LayerProblem(
            "bad-param",
            translate(
                "Catalog", "{name} has {value} values but the input has {n} spatial axis{value2}"
            ).format(name=name, value=len(value), n=n, value2="es" if n != 1 else ""),
        )
    return tuple(value)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@functools.lru_cache(maxsize=4096)
def _conv_geometry(
    kernel: Any, stride: Any, padding: Any, dilation: Any, n: int
) -> tuple[tuple[int, ...], ...]:
    """Kernel, stride, padding and dilation per axis (memoized: the analysis asks often)."""
    k = _axes(kernel, n, "kernel_size")
    s = _axes(stride, n, "stride")
    d = _axes(dilation, n, "dilation")
    if padding == "same":
        pad = tuple(di * (ki - 1) // 2 for ki, di in zip(k, d, strict=True))
    elif padding == "valid":
        pad = (0,) * n
    else:
        pad = _axes(padding, n, "padding")
    return k, s, pad, d


def _fmt_axes(values: Sequence[int]) -> str:
    """One value when all axes agree (``5``), else ``3x5``."""
    return str(values[0]) if len(set(values)) == 1 else fmt_size(values)


def _fmt_order(values: Sequence[int]) -> str:
    """An order of axes, ``1,2,0``."""
    return ",".join(map(str, values))


def _code_axes(values: Sequence[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else "(" + ", ".join(map(str, values)) + ")"


def _dim(n_dims: int) -> str:
    return "1d" if n_dims == 1 else "2d"


def _axis_problem(name: str, dim: int, rank: int) -> LayerProblem | None:
    if -rank <= dim < rank:
        return None
    return LayerProblem(
        "bad-param",
        translate("Catalog", "{name} {dim} is out of range for a {rank}-axis input").format(
            name=name, dim=dim, rank=rank
        ),
    )


def _torch_dim(dim: int) -> int:
    """A design axis (batch excluded) as a torch axis (batch included)."""
    return dim + 1 if dim >= 0 else dim


def _sliding_window(
    spec: LayerSpec,
    lid: str,
    sizes: Sequence[int],
    k: tuple[int, ...],
    s: tuple[int, ...],
    pad: tuple[int, ...],
    d: tuple[int, ...],
) -> tuple[int, ...]:
    """Output size per axis, ``floor((n + 2p - d*(k-1) - 1) / s) + 1``, or a LayerProblem."""
    out_sizes = _window_sizes(tuple(sizes), k, s, pad, d)
    if out_sizes is not None:
        return out_sizes
    out = []
    for n, ki, si, pi, di in zip(sizes, k, s, pad, d, strict=True):
        eff = di * (ki - 1) + 1
        if eff > n + 2 * pi:
            padded = fmt_size([n + 2 * q for n, q in zip(sizes, pad, strict=True)])
            kernel = (
                _fmt_axes(k) if all(x == 1 for x in d) else f"{_fmt_axes(k)} (dilated to {eff})"
            )
            fixes = _kernel_fixes(spec, lid, sizes, k, s, pad, d)
            raise LayerProblem(
                "kernel-too-large",
                translate(
                    "Catalog", "kernel {kernel} is larger than the padded input {padded}"
                ).format(kernel=kernel, padded=padded),
                fixes[0] if fixes else None,
                fixes[1:],
            )
        out.append((n + 2 * pi - eff) // si + 1)
    return tuple(out)


def _kernel_fixes(
    spec: LayerSpec,
    lid: str,
    sizes: Sequence[int],
    k: tuple[int, ...],
    s: tuple[int, ...],
    pad: tuple[int, ...],
    d: tuple[int, ...],
) -> tuple[Fix, ...]:
    """The repairs of a kernel that does not fit its padded input, the likeliest intent first.

    A student who typed 30 for a 28x28 image rarely wants the image padded to keep its size:
    the kernel that fits comes first, then the least padding that lets this kernel fit, then
    (for a stride-1 Conv) padding "same", which keeps the input size. Both first repairs keep
    a pooling window's padding within torch's limit of half the kernel: the new kernel spans
    the padded input (so at least 2p + 1), and ceil((k - n) / 2) <= k // 2 for any n >= 1.
    """
    fixes: list[Fix] = []
    padded = [n + 2 * q for n, q in zip(sizes, pad, strict=True)]
    # The largest kernel whose dilated extent d*(k-1)+1 fits: k = (n + 2p - 1) // d + 1.
    kernel = tuple(min(ki, (m - 1) // di + 1) for ki, m, di in zip(k, padded, d, strict=True))
    fixes.append(
        Fix(
            translate(
                "Catalog", "Set {lid}'s kernel_size to {value} (the largest that fits {value2})"
            ).format(lid=lid, value=_fmt_axes(kernel), value2=fmt_size(padded)),
            (SetParamEdit(lid, "kernel_size", _param_value(kernel)),),
        )
    )
    extent = [di * (ki - 1) + 1 for ki, di in zip(k, d, strict=True)]
    padding = tuple(max(q, -(-(e - n) // 2)) for q, e, n in zip(pad, extent, sizes, strict=True))
    grown = fmt_size([n + 2 * q for n, q in zip(sizes, padding, strict=True)])
    fixes.append(
        Fix(
            translate(
                "Catalog", "Set {lid}'s padding to {value} (pads the input to {grown})"
            ).format(lid=lid, value=_fmt_axes(padding), grown=grown),
            (SetParamEdit(lid, "padding", _param_value(padding)),),
        )
    )
    if (
        spec.type == "Conv"
        and any(x != 1 for x in d)
        and all(ki <= m for ki, m in zip(k, padded, strict=True))
    ):
        fixes.append(
            Fix(
                translate("Catalog", "Set {lid}'s dilation to 1").format(lid=lid),
                (SetParamEdit(lid, "dilation", 1),),
            )
        )
    if spec.type == "Conv" and all(x == 1 for x in s):
        fixes.append(
            Fix(
                translate("Catalog", 'Set {lid}\'s padding to "same" (keeps {value})').format(
                    lid=lid, value=fmt_size(sizes)
                ),
                (SetParamEdit(lid, "padding", "same"),),
            )
        )
    return tuple(fixes)


#: What a Conv's padding holds, as torch names it (``nn.Conv2d(padding_mode=...)``).
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def _padding_mode_problem(
    mode: str,
    k: tuple[int, ...],
    pad: tuple[int, ...],
    d: tuple[int, ...],
    sizes: Sequence[int],
    same: bool,
) -> None:
    """Raise a LayerProblem when torch cannot pad ``sizes`` this way: reflection needs padding
    smaller than the input, wrapping around at most the input's size (zeros and edge
    repetition pad anything)."""
    if mode not in ("reflect", "circular"):
        return
    if same:  # torch pads "same" by d*(k-1) in all, the larger half at the end
        pad = tuple(di * (ki - 1) - di * (ki - 1) // 2 for ki, di in zip(k, d, strict=True))
    for n, q in zip(sizes, pad, strict=True):
        if q >= n if mode == "reflect" else q > n:
            text = (
                translate(
                    "Catalog",
                    "{mode} padding of {q} on an input of size {n}: torch needs it smaller "
                    "than the size",
                )
                if mode == "reflect"
                else translate(
                    "Catalog",
                    "{mode} padding of {q} on an input of size {n}: torch needs it at most the "
                    "size",
                )
            )
            raise LayerProblem("bad-padding-mode", text.format(mode=mode, q=q, n=n))


def _param_value(values: Sequence[int]) -> int | list[int]:
    """One int when every axis agrees (as a user types it), else one value per axis."""
    return values[0] if len(set(values)) == 1 else list(values)


@functools.lru_cache(maxsize=4096)
def _window_sizes(
    sizes: tuple[int, ...],
    k: tuple[int, ...],
    s: tuple[int, ...],
    pad: tuple[int, ...],
    d: tuple[int, ...],
) -> tuple[int, ...] | None:
    """The sliding-window output sizes, or None when a kernel does not fit (memoized)."""
    out = []
    for n, ki, si, pi, di in zip(sizes, k, s, pad, d, strict=True):
        eff = di * (ki - 1) + 1
        if eff > n + 2 * pi:
            return None
        out.append((n + 2 * pi - eff) // si + 1)
    return tuple(out)


def _window_lines(
    sizes: Sequence[int],
    k: Sequence[int],
    s: Sequence[int],
    pad: Sequence[int],
    d: Sequence[int],
    out: Sequence[int],
) -> list[str]:
    axis_names = ("H", "W") if len(sizes) == 2 else ("L",)
    lines = []
    seen: set[tuple[int, ...]] = set()
    for name, n, ki, si, pi, di, o in zip(axis_names, sizes, k, s, pad, d, out, strict=True):
        if (n, ki, si, pi, di) in seen:
            continue  # a square image needs the arithmetic once
        seen.add((n, ki, si, pi, di))
        f = f"{ki}" if di == 1 else f"{di}*({ki}-1)+1"
        num = n + 2 * pi - (di * (ki - 1) + 1)
        exact = num % si == 0
        expr = f"({n} + 2*{pi} - {f}) / {si} + 1"
        if not exact:
            expr = f"floor(({n} + 2*{pi} - {f}) / {si}) + 1"
        label = (
            name
            if len(seen) > 1 or len(set(zip(sizes, k, s, pad, d, strict=True))) > 1
            else translate("Catalog", "size")
        )
        lines.append(f"{label}: {expr} = {o}")
    return lines


def _ceil_sizes(
    sizes: Sequence[int],
    k: Sequence[int],
    s: Sequence[int],
    pad: Sequence[int],
    floor_sizes: Sequence[int],
) -> tuple[int, ...]:
    """Pool output sizes with ``ceil_mode``: rounded up, but the last window must start inside
    the input or its left padding (PyTorch's rule)."""
    out = []
    for n, ki, si, pi, fo in zip(sizes, k, s, pad, floor_sizes, strict=True):
        o = -(-(n + 2 * pi - ki) // si) + 1
        if (o - 1) * si >= n + pi:
            o -= 1
        out.append(max(o, fo))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _pool_rf(
    k: tuple[int, ...], s: tuple[int, ...], d: tuple[int, ...], rf: Receptive | None
) -> Receptive | None:
    if rf is None:
        return None
    size, jump = rf
    return (
        tuple(r + di * (ki - 1) * j for r, ki, di, j in zip(size, k, d, jump, strict=True)),
        tuple(j * si for j, si in zip(jump, s, strict=True)),
    )


# -- input --------------------------------------------------------------------------------------
@register
class InputSpec(LayerSpec):
    type = "Input"
    group = "input"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "The data entering the network: C x H x W for images, C x L for sequences, F for vectors.",
    )
    params = (
        ParamSpec(
            "shape",
            "shape",
            [1, 28, 28],
            QT_TRANSLATE_NOOP(
                "Catalog", "Input size without the batch axis: [C, H, W], [C, L] or [F]."
            ),
            required=True,
        ),
    )
    min_inputs = 0
    max_inputs = 0

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        return tuple(p["shape"])

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        n = len(out) - 1
        return ((1,) * n, (1,) * n) if n >= 1 else None

    def shorthand(self, p: dict[str, Any]) -> str:
        shape = p.get("shape")
        return f"Input {fmt_shape(shape)}" if isinstance(shape, list) else "Input"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        raise AssertionError("the Input layer is the forward argument, it has no expression")


# -- convolution --------------------------------------------------------------------------------
@register
class ConvSpec(LayerSpec):
    type = "Conv"
    id_prefix = "conv"
    group = "convolution"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Slides learned filters over the input; each filter gives one output channel "
        "(2-D on images, 1-D on sequences).",
    )
    params = (
        ParamSpec(
            "out_channels",
            "int",
            16,
            QT_TRANSLATE_NOOP("Catalog", "Number of filters (output channels)."),
            1,
            65536,
            required=True,
        ),
        ParamSpec(
            "kernel_size",
            "size",
            3,
            QT_TRANSLATE_NOOP("Catalog", "Filter size f per spatial axis."),
        ),
        ParamSpec(
            "stride", "size", 1, QT_TRANSLATE_NOOP("Catalog", "Step s between filter positions.")
        ),
        ParamSpec(
            "padding",
            "padding",
            0,
            QT_TRANSLATE_NOOP(
                "Catalog", 'Zeros p added on each side; "same" keeps the size (stride 1).'
            ),
            0,
            choices=("same", "valid"),
        ),
        ParamSpec(
            "dilation",
            "size",
            1,
            QT_TRANSLATE_NOOP("Catalog", "Spacing between filter taps (atrous convolution)."),
        ),
        ParamSpec(
            "groups",
            "int",
            1,
            QT_TRANSLATE_NOOP("Catalog", "Split channels into groups (depthwise when = channels)."),
            1,
            65536,
        ),
        ParamSpec("bias", "bool", True, QT_TRANSLATE_NOOP("Catalog", "Learn one bias per filter.")),
        ParamSpec(
            "padding_mode",
            "text",
            "zeros",
            QT_TRANSLATE_NOOP(
                "Catalog",
                "What the padding holds: zeros, or the input mirrored (reflect), its edge "
                "repeated (replicate) or wrapped around (circular).",
            ),
            choices=PADDING_MODES,
        ),
    )
    has_weights = True

    def _geometry(self, p: dict[str, Any], shape: Shape) -> tuple[tuple[int, ...], ...]:
        return _conv_geometry(
            _hashable(p["kernel_size"]),
            _hashable(p["stride"]),
            _hashable(p["padding"]),
            _hashable(p["dilation"]),
            len(shape) - 1,
        )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        shape = shapes[0]
        _spatial(self, shape)
        c_in, out_c, groups = shape[0], p["out_channels"], p["groups"]
        if c_in % groups:
            raise LayerProblem(
                "bad-groups",
                translate(
                    "Catalog", "groups {groups} does not divide the {c_in} input channels"
                ).format(groups=groups, c_in=c_in),
            )
        if out_c % groups:
            raise LayerProblem(
                "bad-groups",
                translate("Catalog", "groups {groups} does not divide out_channels {out_c}").format(
                    groups=groups, out_c=out_c
                ),
            )
        k, s, pad, d = self._geometry(p, shape)
        _padding_mode_problem(p["padding_mode"], k, pad, d, shape[1:], p["padding"] == "same")
        if p["padding"] == "same":
            if any(x != 1 for x in s):
                raise LayerProblem(
                    "same-needs-stride-1",
                    translate(
                        "Catalog", 'padding "same" needs stride 1, got stride {value}'
                    ).format(value=_fmt_axes(s)),
                    Fix(
                        translate("Catalog", "Set {lid}'s stride to 1").format(lid=lid),
                        (SetParamEdit(lid, "stride", 1),),
                    ),
                )
            return (out_c, *shape[1:])
        return (out_c, *_sliding_window(self, lid, shape[1:], k, s, pad, d))

    def advice(self, p: dict[str, Any], shapes: list[Shape]) -> list[tuple[str, str]]:
        if p["padding"] != "same":
            return []
        k, _, _, d = self._geometry(p, shapes[0])
        if any(di * (ki - 1) % 2 for ki, di in zip(k, d, strict=True)):
            return [
                (
                    "uneven-same-padding",
                    f'padding "same" with the even kernel {_fmt_axes(k)} pads one side more than '
                    "the other (PyTorch warns); an odd kernel keeps the feature map centred",
                )
            ]
        return []

    def count_params(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        k = self._geometry(p, out)[0]
        weights = out[0] * (shapes[0][0] // p["groups"]) * math.prod(k)
        return weights + (out[0] if p["bias"] else 0)

    def count_macs(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        k = self._geometry(p, out)[0]
        return math.prod(out) * (shapes[0][0] // p["groups"]) * math.prod(k)

    def param_shapes(
        self, p: dict[str, Any], shapes: list[Shape], out: Shape
    ) -> dict[str, Shape] | None:
        k = self._geometry(p, out)[0]
        found: dict[str, Shape] = {"weight": (out[0], shapes[0][0] // p["groups"], *k)}
        if p["bias"]:
            found["bias"] = (out[0],)
        return found

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        k, s, _, d = self._geometry(p, (0, *out[1:]))
        return _pool_rf(k, s, d, rfs[0])

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        shape = shapes[0]
        k, s, pad, d = self._geometry(p, shape)
        if p["padding"] == "same":
            lines = [
                translate("Catalog", 'padding "same" keeps the size: {value}').format(
                    value=fmt_shape(shape[1:])
                )
            ]
        else:
            lines = _window_lines(shape[1:], k, s, pad, d, out[1:])
        c_per_group = shape[0] // p["groups"]
        taps = "*".join(str(x) for x in k) + f"*{c_per_group}"
        n_params = self.count_params(p, shapes, out)
        if p["bias"]:
            lines.append(
                translate("Catalog", "params: ({taps} + 1) * {value} = {value2}").format(
                    taps=taps, value=out[0], value2=fmt_int(n_params)
                )
            )
        else:
            lines.append(
                translate("Catalog", "params: {taps} * {value} = {value2} (no bias)").format(
                    taps=taps, value=out[0], value2=fmt_int(n_params)
                )
            )
        macs = self.count_macs(p, shapes, out)
        lines.append(
            translate("Catalog", "MACs: {value} outputs * {taps} = {value2}").format(
                value=fmt_shape(out), taps=taps, value2=fmt_int(macs)
            )
        )
        return lines

    def shorthand(self, p: dict[str, Any]) -> str:
        k, s, pad = p.get("kernel_size"), p.get("stride"), p.get("padding")
        ks = fmt_size(k) if isinstance(k, list) else f"{k}x{k}"
        text = translate("Catalog", "Conv {value}@{ks}").format(value=p.get("out_channels"), ks=ks)
        text += f" s{_fmt_axes(s) if isinstance(s, list) else s}"
        text += (
            f" p{pad}"
            if isinstance(pad, int)
            else (f" p{_fmt_axes(pad)}" if isinstance(pad, list) else f" {pad}")
        )
        if p.get("dilation", 1) != 1:
            text += f" d{p['dilation']}"
        if p.get("groups", 1) != 1:
            text += f" g{p['groups']}"
        return text

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        shape = shapes[0]
        n = len(shape) - 1
        k, s, _, d = self._geometry(p, shape)
        args = [str(shape[0]), str(p["out_channels"]), f"kernel_size={_code_axes(k)}"]
        if any(x != 1 for x in s):
            args.append(f"stride={_code_axes(s)}")
        padding = p["padding"]
        if isinstance(padding, str):
            if padding == "same":
                args.append('padding="same"')
        elif any(_axes(padding, n, "padding")):
            args.append(f"padding={_code_axes(_axes(padding, n, 'padding'))}")
        if any(x != 1 for x in d):
            args.append(f"dilation={_code_axes(d)}")
        if p["groups"] != 1:
            args.append(f"groups={p['groups']}")
        if not p["bias"]:
            args.append("bias=False")
        if p["padding_mode"] != "zeros":
            args.append(f'padding_mode="{p["padding_mode"]}"')
        return f"nn.Conv{_dim(n)}({', '.join(args)})"


# -- pooling ------------------------------------------------------------------------------------
class _WindowPoolSpec(LayerSpec):
    group = "pooling"
    torch_name: ClassVar[str]
    params = (
        ParamSpec(
            "kernel_size", "size", 2, QT_TRANSLATE_NOOP("Catalog", "Window size per spatial axis.")
        ),
        ParamSpec(
            "stride",
            "size",
            None,
            QT_TRANSLATE_NOOP("Catalog", "Step between windows; empty means the kernel size."),
        ),
        ParamSpec(
            "padding",
            "padding",
            0,
            QT_TRANSLATE_NOOP("Catalog", "Padding on each side (at most half the kernel)."),
            0,
        ),
        ParamSpec(
            "ceil_mode",
            "bool",
            False,
            QT_TRANSLATE_NOOP(
                "Catalog", "Round the output size up (a last partial window counts)."
            ),
        ),
    )

    def _geometry(self, p: dict[str, Any], n: int) -> tuple[tuple[int, ...], ...]:
        stride = p["stride"]
        k, s, pad, _ = _conv_geometry(
            _hashable(p["kernel_size"]),
            _hashable(p["kernel_size"] if stride is None else stride),
            _hashable(p["padding"]),
            1,
            n,
        )
        return k, s, pad

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        shape = shapes[0]
        n = _spatial(self, shape)
        if p["padding"] == "same":
            raise LayerProblem(
                "bad-param",
                translate("Catalog", '{type} does not support padding "same"').format(
                    type=self.type
                ),
            )
        k, s, pad = self._geometry(p, n)
        for ki, pi in zip(k, pad, strict=True):
            if pi > ki // 2:
                raise LayerProblem(
                    "pool-padding-too-large",
                    translate(
                        "Catalog",
                        "padding {pi} is more than half the kernel {ki} (at most {value})",
                    ).format(pi=pi, ki=ki, value=ki // 2),
                    Fix(
                        translate("Catalog", "Set {lid}'s padding to {value}").format(
                            lid=lid, value=ki // 2
                        ),
                        (SetParamEdit(lid, "padding", ki // 2),),
                    ),
                )
        sizes = _sliding_window(self, lid, shape[1:], k, s, pad, (1,) * n)
        if p["ceil_mode"]:
            sizes = _ceil_sizes(shape[1:], k, s, pad, sizes)
        return (shape[0], *sizes)

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        n = len(out) - 1
        k, s, _ = self._geometry(p, n)
        return _pool_rf(k, s, (1,) * n, rfs[0])

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        n = len(out) - 1
        k, s, pad = self._geometry(p, n)
        if p["ceil_mode"]:
            lines = [
                f"size: ceil(({n_in} + 2*{pi} - {ki}) / {si}) + 1 = {o} (ceil_mode)"
                for n_in, ki, si, pi, o in zip(shapes[0][1:], k, s, pad, out[1:], strict=True)
            ]
        else:
            lines = _window_lines(shapes[0][1:], k, s, pad, (1,) * n, out[1:])
        lines.append(
            translate("Catalog", "channels kept: {value}; no parameters").format(value=out[0])
        )
        return lines

    def shorthand(self, p: dict[str, Any]) -> str:
        k, s, pad = p.get("kernel_size"), p.get("stride"), p.get("padding")
        ks = fmt_size(k) if isinstance(k, list) else f"{k}x{k}"
        stride = k if s is None else s
        text = translate("Catalog", "{type} {ks} s{value}").format(
            type=self.type, ks=ks, value=_fmt_axes(stride) if isinstance(stride, list) else stride
        )
        if pad not in (0, "valid", None):
            text += f" p{_fmt_axes(pad) if isinstance(pad, list) else pad}"
        return text

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        n = len(shapes[0]) - 1
        k, s, pad = self._geometry(p, n)
        args = [_code_axes(k)]
        if s != k:
            args.append(f"stride={_code_axes(s)}")
        if any(pad):
            args.append(f"padding={_code_axes(pad)}")
        if p["ceil_mode"]:
            args.append("ceil_mode=True")
        return f"nn.{self.torch_name}{_dim(n)}({', '.join(args)})"


@register
class MaxPoolSpec(_WindowPoolSpec):
    type = "MaxPool"
    id_prefix = "pool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Keeps the largest value of each window: downsamples and adds a little shift tolerance.",
    )
    torch_name = "MaxPool"


@register
class AvgPoolSpec(_WindowPoolSpec):
    type = "AvgPool"
    id_prefix = "pool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Averages each window: a smooth downsampling (padding zeros count in the average).",
    )
    torch_name = "AvgPool"


@register
class MinPoolSpec(_WindowPoolSpec):
    type = "MinPool"
    id_prefix = "pool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Keeps the smallest value of each window (computed as -maxpool(-x))."
    )
    torch_name = "MaxPool"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        # PyTorch has no min pooling; the minimum of a window is minus the maximum of its negation.
        return f"-{call}(-{args[0]})"


class _GlobalPoolSpec(LayerSpec):
    group = "pooling"
    torch_name: ClassVar[str]

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        _spatial(self, shapes[0])
        return (shapes[0][0],)

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        return [
            translate(
                "Catalog", "{value} -> {value2}: one value per channel; no parameters"
            ).format(value=fmt_shape(shapes[0]), value2=out[0])
        ]

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.{self.torch_name}{_dim(len(shapes[0]) - 1)}(1)"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        return f"{call}({args[0]}).flatten(1)"


@register
class GlobalAvgPoolSpec(_GlobalPoolSpec):
    type = "GlobalAvgPool"
    id_prefix = "avgpool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Averages each channel over all positions: C x H x W -> C (the modern Flatten)."
    )
    torch_name = "AdaptiveAvgPool"


@register
class GlobalMaxPoolSpec(_GlobalPoolSpec):
    type = "GlobalMaxPool"
    id_prefix = "maxpool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Takes each channel's maximum over all positions: C x H x W -> C."
    )
    torch_name = "AdaptiveMaxPool"


# -- dense --------------------------------------------------------------------------------------
@register
class DenseSpec(LayerSpec):
    type = "Dense"
    id_prefix = "fc"
    group = "dense"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Fully connected layer: every output is a weighted sum of all inputs (nn.Linear).",
    )
    params = (
        ParamSpec(
            "out_features",
            "int",
            10,
            QT_TRANSLATE_NOOP("Catalog", "Number of output units."),
            1,
            1 << 24,
            required=True,
        ),
        ParamSpec(
            "bias", "bool", True, QT_TRANSLATE_NOOP("Catalog", "Learn one bias per output unit.")
        ),
    )
    has_weights = True

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        shape = shapes[0]
        if len(shape) != 1:
            kind = "image" if len(shape) == 3 else "sequence" if len(shape) == 2 else "tensor"
            raise LayerProblem(
                "dense-needs-vector",
                translate(
                    "Catalog",
                    "Dense needs a vector input but gets the {kind} {value}; insert a Flatten (or "
                    "a global pooling) before it",
                ).format(kind=kind, value=fmt_shape(shape)),
                Fix(
                    translate("Catalog", "Insert a Flatten before {lid}").format(lid=lid),
                    (InsertLayerEdit(lid, 0, "Flatten", {}, "flatten"),),
                ),
            )
        return (p["out_features"],)

    def count_params(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        return shapes[0][0] * out[0] + (out[0] if p["bias"] else 0)

    def count_macs(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        return shapes[0][0] * out[0]

    def param_shapes(
        self, p: dict[str, Any], shapes: list[Shape], out: Shape
    ) -> dict[str, Shape] | None:
        found: dict[str, Shape] = {"weight": (out[0], shapes[0][0])}
        if p["bias"]:
            found["bias"] = (out[0],)
        return found

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        n_in, n_out = shapes[0][0], out[0]
        total = fmt_int(self.count_params(p, shapes, out))
        params = f"({n_in} + 1) * {n_out} = {total}" if p["bias"] else f"{n_in} * {n_out} = {total}"
        return [
            translate("Catalog", "params: {params}").format(params=params),
            translate("Catalog", "MACs: {n_in} * {n_out} = {value}").format(
                n_in=n_in, n_out=n_out, value=fmt_int(n_in * n_out)
            ),
        ]

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"Dense {p.get('out_features')}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        bias = "" if p["bias"] else ", bias=False"
        return f"nn.Linear({shapes[0][0]}, {p['out_features']}{bias})"


# -- reshape ------------------------------------------------------------------------------------
@register
class FlattenSpec(LayerSpec):
    type = "Flatten"
    group = "reshape"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Unrolls all axes into one vector (C x H x W -> C*H*W) so a Dense layer can follow.",
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        return (math.prod(shapes[0]),)

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        return [
            translate("Catalog", "{value} = {value2} values").format(
                value="*".join(map(str, shapes[0])), value2=fmt_int(out[0])
            )
        ]

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return "nn.Flatten()"


# -- regularization -----------------------------------------------------------------------------
@register
class DropoutSpec(LayerSpec):
    type = "Dropout"
    elementwise = True
    id_prefix = "drop"
    group = "regularization"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "While training, zeroes each value with probability p (and scales the rest by 1/(1-p)).",
    )
    params = (
        ParamSpec(
            "p",
            "float",
            0.5,
            QT_TRANSLATE_NOOP("Catalog", "Probability of dropping a value."),
            0.0,
            1.0,
        ),
    )

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"Dropout {p.get('p')}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.Dropout(p={float(p['p'])!r})"


@register
class BatchNormSpec(LayerSpec):
    type = "BatchNorm"
    id_prefix = "bn"
    group = "regularization"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Normalizes each channel over the batch, then scales and shifts it (gamma, beta).",
    )
    params = (
        ParamSpec(
            "eps",
            "float",
            1e-5,
            QT_TRANSLATE_NOOP("Catalog", "Added to the variance for numerical stability."),
            1e-12,
            1.0,
        ),
        ParamSpec(
            "momentum",
            "float",
            0.1,
            QT_TRANSLATE_NOOP("Catalog", "Weight of the newest batch in the running statistics."),
            0.0,
            1.0,
        ),
    )
    has_weights = True

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        if len(shapes[0]) > 3:
            raise LayerProblem(
                "bad-rank",
                translate("Catalog", "BatchNorm needs at most 3 axes, got {value}").format(
                    value=fmt_shape(shapes[0])
                ),
            )
        return shapes[0]

    def count_params(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        return 2 * out[0]

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        return [
            translate(
                "Catalog",
                "params: 2 * {value} = {value2} (gamma and beta per channel; the running mean "
                "and variance are buffers, not parameters)",
            ).format(value=out[0], value2=fmt_int(2 * out[0]))
        ]

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        dim = "2d" if len(shapes[0]) == 3 else "1d"
        args = [str(shapes[0][0])]
        if p["eps"] != 1e-5:
            args.append(f"eps={float(p['eps'])!r}")
        if p["momentum"] != 0.1:
            args.append(f"momentum={float(p['momentum'])!r}")
        return f"nn.BatchNorm{dim}({', '.join(args)})"


# -- activations --------------------------------------------------------------------------------
class _ActivationSpec(LayerSpec):
    group = "activation"
    elementwise = True
    torch_name: ClassVar[str]

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.{self.torch_name}()"


@register
class ReLUSpec(_ActivationSpec):
    type = "ReLU"
    summary = QT_TRANSLATE_NOOP("Catalog", "max(0, x): passes positives, zeroes negatives.")
    torch_name = "ReLU"


@register
class LeakyReLUSpec(_ActivationSpec):
    type = "LeakyReLU"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "x for positives, a small slope times x for negatives (no dead units)."
    )
    params = (
        ParamSpec(
            "negative_slope",
            "float",
            0.01,
            QT_TRANSLATE_NOOP("Catalog", "Slope for negative inputs."),
            0.0,
            10.0,
        ),
    )

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"LeakyReLU {p.get('negative_slope')}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.LeakyReLU(negative_slope={float(p['negative_slope'])!r})"


@register
class ELUSpec(_ActivationSpec):
    type = "ELU"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "x for positives, alpha * (e^x - 1) for negatives: smooth and zero-centred."
    )
    params = (
        ParamSpec(
            "alpha",
            "float",
            1.0,
            QT_TRANSLATE_NOOP("Catalog", "Saturation value for negative inputs."),
            0.0,
            100.0,
        ),
    )

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"ELU {p.get('alpha')}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.ELU(alpha={float(p['alpha'])!r})"


@register
class GELUSpec(_ActivationSpec):
    type = "GELU"
    summary = QT_TRANSLATE_NOOP("Catalog", "x * Phi(x): a smooth ReLU used by transformers.")
    torch_name = "GELU"


@register
class SigmoidSpec(_ActivationSpec):
    type = "Sigmoid"
    summary = QT_TRANSLATE_NOOP("Catalog", "1 / (1 + e^-x): squashes to (0, 1).")
    torch_name = "Sigmoid"


@register
class TanhSpec(_ActivationSpec):
    type = "Tanh"
    summary = QT_TRANSLATE_NOOP("Catalog", "tanh(x): squashes to (-1, 1), zero-centred.")
    torch_name = "Tanh"


@register
class SoftmaxSpec(_ActivationSpec):
    type = "Softmax"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "e^x / sum(e^x) along one axis: turns scores into probabilities that sum to 1."
    )
    params = (
        ParamSpec(
            "dim",
            "axis",
            0,
            QT_TRANSLATE_NOOP(
                "Catalog", "Axis to normalize (0 = features of a vector, channels of an image)."
            ),
        ),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        problem = _axis_problem("dim", p["dim"], len(shapes[0]))
        if problem:
            raise problem
        return shapes[0]

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.Softmax(dim={_torch_dim(p['dim'])})"


# -- merge --------------------------------------------------------------------------------------
@register
class AddSpec(LayerSpec):
    type = "Add"
    group = "merge"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Adds its inputs elementwise (a ResNet skip connection); all must have the same shape.",
    )
    min_inputs = 2
    max_inputs = None

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        first = shapes[0]
        if all(s == first for s in shapes):
            return first
        listing = ", ".join(
            f"{i} gives {fmt_shape(s)}" for i, s in zip(inputs, shapes, strict=True)
        )
        raise LayerProblem(
            "add-shape-mismatch",
            translate("Catalog", "inputs must have the same shape: {listing}").format(
                listing=listing
            ),
            self._fix(lid, shapes),
        )

    @staticmethod
    def _fix(lid: str, shapes: list[Shape]) -> Fix | None:
        """A 1x1 Conv (strided where the sizes shrink by a whole factor) on each odd input."""
        for target in shapes:
            edits = []
            for slot, shape in enumerate(shapes):
                if shape == target:
                    continue
                if len(shape) != len(target) or len(shape) < 2:
                    break
                ratios = {
                    n // t for n, t in zip(shape[1:], target[1:], strict=True) if t and n % t == 0
                }
                if len(ratios) != 1 or any(
                    n % t for n, t in zip(shape[1:], target[1:], strict=True)
                ):
                    break
                stride = ratios.pop()
                params: dict[str, Any] = {"out_channels": target[0], "kernel_size": 1}
                if stride != 1:
                    params["stride"] = stride
                edits.append(InsertLayerEdit(lid, slot, "Conv", params, "proj"))
            else:
                if edits:
                    return Fix(
                        translate("Catalog", "Add a 1x1 Conv to match {value} before {lid}").format(
                            value=fmt_shape(target), lid=lid
                        ),
                        tuple(edits),
                    )
        return None

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        known = [r for r in rfs if r is not None]
        if len(out) < 2 or not known:
            return None
        return (
            tuple(max(axis) for axis in zip(*(r[0] for r in known), strict=True)),
            tuple(max(axis) for axis in zip(*(r[1] for r in known), strict=True)),
        )

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        return " + ".join(args)


@register
class ConcatSpec(AddSpec):
    type = "Concat"
    id_prefix = "cat"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Stacks its inputs along one axis (channels by default), as Inception branches are joined.",
    )
    params = (
        ParamSpec(
            "dim", "axis", 0, QT_TRANSLATE_NOOP("Catalog", "Axis to join along (0 = channels).")
        ),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        rank = len(shapes[0])
        dim = p["dim"]
        problem = _axis_problem("dim", dim, rank)
        if problem:
            raise problem
        axis = dim % rank
        first = shapes[0]
        for shape in shapes:
            if len(shape) != rank or any(
                a != b for i, (a, b) in enumerate(zip(shape, first, strict=True)) if i != axis
            ):
                listing = ", ".join(
                    f"{i} gives {fmt_shape(s)}" for i, s in zip(inputs, shapes, strict=True)
                )
                raise LayerProblem(
                    "concat-shape-mismatch",
                    translate(
                        "Catalog", "inputs must match on every axis but axis {dim}: {listing}"
                    ).format(dim=dim, listing=listing),
                )
        return (*first[:axis], sum(s[axis] for s in shapes), *first[axis + 1 :])

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        axis = p["dim"] % len(out)
        parts = " + ".join(str(s[axis]) for s in shapes)
        return [
            translate("Catalog", "axis {value}: {parts} = {value2}").format(
                value=p["dim"], parts=parts, value2=out[axis]
            )
        ]

    def shorthand(self, p: dict[str, Any]) -> str:
        return "Concat" if p.get("dim", 0) == 0 else f"Concat dim {p.get('dim')}"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        return f"torch.cat([{', '.join(args)}], dim={_torch_dim(p['dim'])})"


# -- layers of modern torchvision networks -------------------------------------------------
# MobileNet, EfficientNet, ShuffleNet, RegNet and ConvNeXt are built from these; the importer
# (cnnstudio.engine.importer) maps torch modules and functions onto them.
@register
class SiLUSpec(_ActivationSpec):
    type = "SiLU"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "x * sigmoid(x) (swish): the smooth activation of EfficientNet."
    )
    torch_name = "SiLU"


@register
class HardswishSpec(_ActivationSpec):
    type = "Hardswish"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "x * ReLU6(x + 3) / 6: a cheap swish, used by MobileNetV3."
    )
    torch_name = "Hardswish"


@register
class HardsigmoidSpec(_ActivationSpec):
    type = "Hardsigmoid"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "ReLU6(x + 3) / 6: a cheap sigmoid, the gate of MobileNetV3's squeeze-excite."
    )
    torch_name = "Hardsigmoid"


@register
class ReLU6Spec(_ActivationSpec):
    type = "ReLU6"
    id_prefix = "relu"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "min(max(0, x), 6): a ReLU capped at 6, robust in low precision (MobileNetV2)."
    )
    torch_name = "ReLU6"


@register
class IdentitySpec(LayerSpec):
    type = "Identity"
    group = "reshape"
    elementwise = True
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Passes its input through unchanged (a placeholder, e.g. for a removed head)."
    )

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return "nn.Identity()"


@register
class MulSpec(LayerSpec):
    type = "Mul"
    group = "merge"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Multiplies its inputs elementwise, broadcasting axes of size 1 "
        "(squeeze-excite scales C x H x W by C x 1 x 1).",
    )
    min_inputs = 2
    max_inputs = None

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        rank = len(shapes[0])
        listing = ", ".join(
            f"{i} gives {fmt_shape(s)}" for i, s in zip(inputs, shapes, strict=True)
        )
        if any(len(s) != rank for s in shapes):
            raise LayerProblem(
                "mul-shape-mismatch",
                translate("Catalog", "inputs must have the same rank: {listing}").format(
                    listing=listing
                ),
            )
        out = []
        for sizes in zip(*shapes, strict=True):
            big = {n for n in sizes if n != 1}
            if len(big) > 1:
                raise LayerProblem(
                    "mul-shape-mismatch",
                    translate(
                        "Catalog",
                        "inputs must agree on every axis (or have size 1 there): {listing}",
                    ).format(listing=listing),
                )
            out.append(big.pop() if big else 1)
        return tuple(out)

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        parts = " * ".join(fmt_shape(s) for s in shapes)
        return [
            translate(
                "Catalog", "{parts} -> {value} (axes of size 1 are repeated); no parameters"
            ).format(parts=parts, value=fmt_shape(out))
        ]

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        return " * ".join(args)


class _AdaptivePoolSpec(LayerSpec):
    group = "pooling"
    torch_name: ClassVar[str]
    params = (
        ParamSpec(
            "output_size", "size", 1, QT_TRANSLATE_NOOP("Catalog", "Output size per spatial axis.")
        ),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        n = _spatial(self, shapes[0])
        return (shapes[0][0], *_axes(p["output_size"], n, "output_size"))

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        return [
            translate(
                "Catalog",
                "{value} -> {value2}: each output cell pools its share of the input, whatever "
                "the input size; no parameters",
            ).format(value=fmt_shape(shapes[0]), value2=fmt_shape(out))
        ]

    def shorthand(self, p: dict[str, Any]) -> str:
        size = p.get("output_size")
        return f"{self.type} {fmt_size(size) if isinstance(size, list) else size}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        n = len(shapes[0]) - 1
        return f"nn.{self.torch_name}{_dim(n)}({_code_axes(_axes(p['output_size'], n, 'o'))})"


@register
class AdaptiveAvgPoolSpec(_AdaptivePoolSpec):
    type = "AdaptiveAvgPool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Averages into a fixed output size (e.g. 7x7 before VGG's classifier)."
    )
    torch_name = "AdaptiveAvgPool"


@register
class AdaptiveMaxPoolSpec(_AdaptivePoolSpec):
    type = "AdaptiveMaxPool"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Takes maxima into a fixed output size, whatever the input size."
    )
    torch_name = "AdaptiveMaxPool"


@register
class LayerNormSpec(LayerSpec):
    type = "LayerNorm"
    group = "regularization"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Normalizes each sample (or, channels form, each position over its channels as in "
        "ConvNeXt), then scales and shifts it.",
    )
    params = (
        ParamSpec(
            "channels",
            "bool",
            False,
            QT_TRANSLATE_NOOP(
                "Catalog",
                "Normalize over the channels at each position (ConvNeXt's channels-last form); "
                "otherwise over the whole sample.",
            ),
        ),
        ParamSpec(
            "eps",
            "float",
            1e-5,
            QT_TRANSLATE_NOOP("Catalog", "Added to the variance for numerical stability."),
            1e-12,
            1.0,
        ),
        ParamSpec(
            "affine",
            "bool",
            True,
            QT_TRANSLATE_NOOP("Catalog", "Learn a scale and a shift per normalized value."),
        ),
    )
    has_weights = True

    def _normalized(self, p: dict[str, Any], shape: Shape) -> Shape:
        return (shape[0],) if p["channels"] else shape

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        if p["channels"] and len(shapes[0]) < 2:
            raise LayerProblem(
                "bad-rank",
                translate(
                    "Catalog", "LayerNorm over channels needs an image or a sequence, got {value}"
                ).format(value=fmt_shape(shapes[0])),
            )
        return shapes[0]

    def count_params(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        return 2 * math.prod(self._normalized(p, out)) if p["affine"] else 0

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        norm = self._normalized(p, out)
        over = (
            translate("Catalog", "the {value} channels of each position").format(value=norm[0])
            if p["channels"]
            else translate("Catalog", "the whole sample")
        )
        line = translate("Catalog", "mean and variance over {over}").format(over=over)
        if p["affine"]:
            n = math.prod(norm)
            return [
                line,
                translate("Catalog", "params: 2 * {value} = {value2} (scale and shift)").format(
                    value=fmt_int(n), value2=fmt_int(2 * n)
                ),
            ]
        return [line + translate("Catalog", "; no parameters")]

    def shorthand(self, p: dict[str, Any]) -> str:
        return "LayerNorm C" if p.get("channels") else "LayerNorm"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        norm = self._normalized(p, shapes[0])
        args = [str(norm[0]) if len(norm) == 1 else "[" + ", ".join(map(str, norm)) + "]"]
        if p["eps"] != 1e-5:
            args.append(f"eps={float(p['eps'])!r}")
        if not p["affine"]:
            args.append("elementwise_affine=False")
        return f"nn.LayerNorm({', '.join(args)})"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        if p["channels"]:
            # nn.LayerNorm normalizes the last axis: move the channels there and back.
            return f"{call}({args[0]}.movedim(1, -1)).movedim(-1, 1)"
        return f"{call}({args[0]})"


@register
class StochasticDepthSpec(LayerSpec):
    type = "StochasticDepth"
    group = "regularization"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "While training, drops a whole residual branch with probability p (identity in eval).",
    )
    params = (
        ParamSpec(
            "p",
            "float",
            0.2,
            QT_TRANSLATE_NOOP("Catalog", "Probability of dropping the branch."),
            0.0,
            1.0,
        ),
        ParamSpec(
            "mode",
            "text",
            "row",
            QT_TRANSLATE_NOOP("Catalog", '"row" drops per sample, "batch" for the whole batch.'),
            choices=("row", "batch"),
        ),
    )

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"StochasticDepth {p.get('p')}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f'torchvision.ops.StochasticDepth(p={float(p["p"])!r}, mode="{p["mode"]}")'

    def imports(self, p: dict[str, Any]) -> tuple[str, ...]:
        return ("torchvision.ops",)


@register
class ChannelShuffleSpec(LayerSpec):
    type = "ChannelShuffle"
    group = "reshape"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Interleaves the channels of its groups so grouped convolutions mix (ShuffleNet).",
    )
    params = (
        ParamSpec(
            "groups", "int", 2, QT_TRANSLATE_NOOP("Catalog", "Number of channel groups."), 1, 65536
        ),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        _spatial(self, shapes[0])
        if shapes[0][0] % p["groups"]:
            raise LayerProblem(
                "bad-groups",
                translate("Catalog", "groups {value} does not divide the {value2} channels").format(
                    value=p["groups"], value2=shapes[0][0]
                ),
            )
        return shapes[0]

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        g = p["groups"]
        return [
            translate(
                "Catalog", "{value} channels as {g} groups of {value2}, transposed; no parameters"
            ).format(value=out[0], g=g, value2=out[0] // g)
        ]

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"ChannelShuffle {p.get('groups')}"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"nn.ChannelShuffle({p['groups']})"


@register
class ChunkSpec(LayerSpec):
    type = "Chunk"
    group = "reshape"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "One of the equal parts of its input along an axis (torch.chunk), e.g. half the channels.",
    )
    params = (
        ParamSpec("chunks", "int", 2, QT_TRANSLATE_NOOP("Catalog", "Number of parts."), 1, 65536),
        ParamSpec(
            "index", "int", 0, QT_TRANSLATE_NOOP("Catalog", "Which part (0 = the first)."), 0, 65535
        ),
        ParamSpec("dim", "axis", 0, QT_TRANSLATE_NOOP("Catalog", "Axis to split (0 = channels).")),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        shape = shapes[0]
        problem = _axis_problem("dim", p["dim"], len(shape))
        if problem:
            raise problem
        axis = p["dim"] % len(shape)
        size = -(-shape[axis] // p["chunks"])  # torch.chunk: ceil-sized parts, the last smaller
        count = -(-shape[axis] // size)
        if p["index"] >= count:
            raise LayerProblem(
                "bad-param",
                translate(
                    "Catalog",
                    "index {value} is out of range: axis {value2} ({value3}) gives {count} parts",
                ).format(value=p["index"], value2=p["dim"], value3=shape[axis], count=count),
            )
        part = min(size, shape[axis] - p["index"] * size)
        return (*shape[:axis], part, *shape[axis + 1 :])

    def shorthand(self, p: dict[str, Any]) -> str:
        return f"Chunk {p.get('index')}/{p.get('chunks')}"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        return f"{args[0]}.chunk({p['chunks']}, dim={_torch_dim(p['dim'])})[{p['index']}]"


@register
class ReshapeSpec(LayerSpec):
    type = "Reshape"
    group = "reshape"
    summary = QT_TRANSLATE_NOOP(
        "Catalog", "Rearranges the values into another shape with the same number of values."
    )
    params = (
        ParamSpec(
            "shape",
            "shape",
            [1],
            QT_TRANSLATE_NOOP("Catalog", "The new shape without the batch axis."),
            required=True,
        ),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        target = tuple(p["shape"])
        if math.prod(target) != math.prod(shapes[0]):
            raise LayerProblem(
                "reshape-size-mismatch",
                translate("Catalog", "{value} has {value2} values, {value3} needs {value4}").format(
                    value=fmt_shape(shapes[0]),
                    value2=fmt_int(math.prod(shapes[0])),
                    value3=fmt_shape(target),
                    value4=fmt_int(math.prod(target)),
                ),
            )
        return target

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        return [
            translate(
                "Catalog",
                "{shape} = {count} values, read in order and laid out as {out}; no "
                "parameters, nothing computed",
            ).format(
                shape=fmt_shape(shapes[0]),
                count=fmt_int(math.prod(shapes[0])),
                out=fmt_shape(out),
            )
        ]

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        return None  # the output's axes are no longer the input's image axes

    def shorthand(self, p: dict[str, Any]) -> str:
        shape = p.get("shape")
        return f"Reshape {fmt_shape(shape)}" if isinstance(shape, list) else "Reshape"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        dims = ", ".join(str(n) for n in p["shape"])
        return f"{args[0]}.reshape({args[0]}.shape[0], {dims})"


@register
class PermuteSpec(LayerSpec):
    type = "Permute"
    group = "reshape"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "Reorders the axes (torch.permute), e.g. C x H x W to H x W x C (channels last); "
        "the batch axis stays first.",
    )
    params = (
        ParamSpec(
            "dims",
            "shape",
            [1, 2, 0],
            QT_TRANSLATE_NOOP(
                "Catalog",
                "The input axes in their new order, without the batch axis (0 = the first).",
            ),
            minimum=0,
        ),
    )

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        shape, dims = shapes[0], list(p["dims"])
        if sorted(dims) != list(range(len(shape))):
            every = ", ".join(str(i) for i in range(len(shape)))
            raise LayerProblem(
                "bad-param",
                translate(
                    "Catalog",
                    "dims {dims} must list each axis of the {shape} input once: {every} in some "
                    "order",
                ).format(dims=_fmt_order(dims), shape=fmt_shape(shape), every=every),
            )
        return tuple(shape[d] for d in dims)

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        moves = ", ".join(f"axis {d} ({shapes[0][d]}) -> {i}" for i, d in enumerate(p["dims"]))
        return [
            translate(
                "Catalog",
                "{shape} -> {out}: {moves}; no parameters, the values are moved, not computed",
            ).format(shape=fmt_shape(shapes[0]), out=fmt_shape(out), moves=moves)
        ]

    def receptive(
        self, p: dict[str, Any], rfs: list[Receptive | None], out: Shape
    ) -> Receptive | None:
        return None  # the output's axes are no longer the input's image axes

    def shorthand(self, p: dict[str, Any]) -> str:
        dims = p.get("dims")
        return f"Permute {_fmt_order(dims)}" if isinstance(dims, list) else "Permute"

    def forward_code(self, p: dict[str, Any], call: str, args: list[str]) -> str:
        dims = ", ".join(str(d + 1) for d in p["dims"])  # after the batch axis
        return f"{args[0]}.permute(0, {dims})"


@register
class OpaqueSpec(LayerSpec):
    """A module the importer could not map to native blocks, kept as an instance of its class."""

    type = "Opaque"
    # Not a palette group: an opaque block only comes from an import, never from a drag.
    group = "imported"
    summary = QT_TRANSLATE_NOOP(
        "Catalog",
        "An imported module kept as its original class (its code is imported, not drawn): "
        "shapes and counts as recorded at import.",
    )
    params = (
        ParamSpec(
            "module",
            "text",
            "",
            QT_TRANSLATE_NOOP("Catalog", "The class (or builder) as package.module.Name."),
            required=True,
        ),
        ParamSpec(
            "args",
            "text",
            "",
            QT_TRANSLATE_NOOP("Catalog", "The constructor arguments as Python code."),
        ),
        ParamSpec(
            "input_shape",
            "shape",
            [1],
            QT_TRANSLATE_NOOP("Catalog", "The input shape it was imported for."),
        ),
        ParamSpec(
            "output_shape",
            "shape",
            [1],
            QT_TRANSLATE_NOOP("Catalog", "Its output shape."),
            required=True,
        ),
        ParamSpec(
            "param_count", "int", 0, QT_TRANSLATE_NOOP("Catalog", "Its parameters (numel)."), 0
        ),
        ParamSpec(
            "macs",
            "int",
            0,
            QT_TRANSLATE_NOOP("Catalog", "Its multiply-accumulates per sample, as measured."),
            0,
        ),
        ParamSpec(
            "source",
            "text",
            "",
            QT_TRANSLATE_NOOP("Catalog", "Where its class is defined (file:line)."),
        ),
    )
    has_weights = True

    def infer(self, lid: str, p: dict[str, Any], shapes: list[Shape], inputs: list[str]) -> Shape:
        path = p["module"]
        parts = path.split(".")
        if len(parts) < 2 or not all(part.isidentifier() for part in parts):
            raise LayerProblem(
                "bad-param",
                translate("Catalog", "module must be package.module.Name, got {path!r}").format(
                    path=path
                ),
            )
        expected = tuple(p["input_shape"])
        if shapes[0] != expected:
            raise LayerProblem(
                "opaque-shape-mismatch",
                translate(
                    "Catalog", "the imported {value} was traced for input {value2}, gets {value3}"
                ).format(value=parts[-1], value2=fmt_shape(expected), value3=fmt_shape(shapes[0])),
            )
        return tuple(p["output_shape"])

    def count_params(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        return int(p["param_count"])

    def count_macs(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> int:
        return int(p["macs"])

    def explain(self, p: dict[str, Any], shapes: list[Shape], out: Shape) -> list[str]:
        lines = [
            translate("Catalog", "{value}: {value2} -> {value3} (as imported)").format(
                value=p["module"], value2=fmt_shape(shapes[0]), value3=fmt_shape(out)
            )
        ]
        if p["source"]:
            lines.append(translate("Catalog", "defined at {value}").format(value=p["source"]))
        return lines

    def shorthand(self, p: dict[str, Any]) -> str:
        module = p.get("module")
        return f"{module.rsplit('.', 1)[-1]} (opaque)" if isinstance(module, str) else "Opaque"

    def module_code(self, p: dict[str, Any], shapes: list[Shape]) -> str | None:
        return f"{p['module']}({p['args']})"

    def imports(self, p: dict[str, Any]) -> tuple[str, ...]:
        # The class's module, and those its arguments name (``pkg.mod.Name`` references).
        found = {p["module"].rsplit(".", 1)[0]}
        found.update(
            ref.rsplit(".", 1)[0]
            for ref in _DOTTED.findall(p["args"])
            if not ref.startswith(("torch.", "nn."))
        )
        return tuple(sorted(found))


_DOTTED = re.compile(r"(?<![\w.'\"])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")


def get_spec(type_name: str) -> LayerSpec | None:
    """The spec of a layer type, or None for an unknown type."""
    return SPECS.get(type_name)


def normalize_params(spec: LayerSpec, params: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fill defaults and check every value; returns (full params, problems in words)."""
    if not params and not spec.required:
        return spec.defaults, []  # shared: callers read resolved params, never write them
    full = dict(spec.defaults)
    problems: list[str] = []
    pmap = spec.param_map
    for name, value in params.items():
        ps = pmap.get(name)
        if ps is None:
            known = ", ".join(pmap) or "none"
            problems.append(f"unknown parameter {name!r} (known: {known})")
            continue
        if value is None and ps.default is None:
            continue
        problem = ps.problem(value)
        if problem:
            problems.append(problem)
        else:
            full[name] = value
    for name in spec.required:
        if name not in params:
            problems.append(f"{name} is required")
    return full, problems
