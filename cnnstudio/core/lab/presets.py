"""The lectures' hand-made kernels and worked-example matrices, ready to pick in the lab.

Kernels are written as the slides write them (cross-correlation, as torch applies them): the
vertical-edge kernel answers to a bright-to-dark step from left to right with a positive value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from ..i18n import QT_TRANSLATE_NOOP


@dataclass(frozen=True)
class Preset:
    """A named matrix with the sentence that says what it is for."""

    key: str
    name: str
    description: str
    values: tuple[tuple[float, ...], ...]

    def array(self) -> NDArray[np.float64]:
        return np.array(self.values, dtype=np.float64)


def _rows(*rows: tuple[float, ...]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in row) for row in rows)


KERNELS: tuple[Preset, ...] = (
    Preset(
        "identity",
        QT_TRANSLATE_NOOP("Lab", "Identity"),
        QT_TRANSLATE_NOOP("Lab", "Leaves the image as it is."),
        _rows((0, 0, 0), (0, 1, 0), (0, 0, 0)),
    ),
    Preset(
        "box_blur",
        QT_TRANSLATE_NOOP("Lab", "Box blur"),
        QT_TRANSLATE_NOOP("Lab", "The mean of the 3x3 neighbourhood: every weight 1/9."),
        _rows(*[(1 / 9,) * 3] * 3),
    ),
    Preset(
        "gaussian_blur",
        QT_TRANSLATE_NOOP("Lab", "Gaussian blur"),
        QT_TRANSLATE_NOOP(
            "Lab", "A weighted mean, the centre counts most: (1 2 1; 2 4 2; 1 2 1) / 16."
        ),
        _rows((1 / 16, 2 / 16, 1 / 16), (2 / 16, 4 / 16, 2 / 16), (1 / 16, 2 / 16, 1 / 16)),
    ),
    Preset(
        "vertical_edge",
        QT_TRANSLATE_NOOP("Lab", "Vertical edge"),
        QT_TRANSLATE_NOOP(
            "Lab", "Bright on the left, dark on the right gives a large positive value."
        ),
        _rows((1, 0, -1), (1, 0, -1), (1, 0, -1)),
    ),
    Preset(
        "horizontal_edge",
        QT_TRANSLATE_NOOP("Lab", "Horizontal edge"),
        QT_TRANSLATE_NOOP("Lab", "Bright above, dark below gives a large positive value."),
        _rows((1, 1, 1), (0, 0, 0), (-1, -1, -1)),
    ),
    Preset(
        "sobel_x",
        QT_TRANSLATE_NOOP("Lab", "Sobel (vertical edges)"),
        QT_TRANSLATE_NOOP("Lab", "A vertical-edge kernel that weights the centre row twice."),
        _rows((1, 0, -1), (2, 0, -2), (1, 0, -1)),
    ),
    Preset(
        "sobel_y",
        QT_TRANSLATE_NOOP("Lab", "Sobel (horizontal edges)"),
        QT_TRANSLATE_NOOP("Lab", "A horizontal-edge kernel that weights the centre column twice."),
        _rows((1, 2, 1), (0, 0, 0), (-1, -2, -1)),
    ),
    Preset(
        "scharr_x",
        QT_TRANSLATE_NOOP("Lab", "Scharr (vertical edges)"),
        QT_TRANSLATE_NOOP(
            "Lab", "Sobel with weights 3, 10, 3: closer to a rotation-invariant gradient."
        ),
        _rows((3, 0, -3), (10, 0, -10), (3, 0, -3)),
    ),
    Preset(
        "scharr_y",
        QT_TRANSLATE_NOOP("Lab", "Scharr (horizontal edges)"),
        QT_TRANSLATE_NOOP("Lab", "The horizontal-edge Scharr kernel."),
        _rows((3, 10, 3), (0, 0, 0), (-3, -10, -3)),
    ),
    Preset(
        "sharpen",
        QT_TRANSLATE_NOOP("Lab", "Sharpen"),
        QT_TRANSLATE_NOOP("Lab", "The centre minus its four neighbours, added back to the image."),
        _rows((0, -1, 0), (-1, 5, -1), (0, -1, 0)),
    ),
    Preset(
        "emboss",
        QT_TRANSLATE_NOOP("Lab", "Emboss"),
        QT_TRANSLATE_NOOP("Lab", "A diagonal gradient that makes the image look raised."),
        _rows((-2, -1, 0), (-1, 1, 1), (0, 1, 2)),
    ),
    Preset(
        "laplacian",
        QT_TRANSLATE_NOOP("Lab", "Laplacian (outline)"),
        QT_TRANSLATE_NOOP("Lab", "Responds to edges in every direction."),
        _rows((-1, -1, -1), (-1, 8, -1), (-1, -1, -1)),
    ),
)

IMAGES: tuple[Preset, ...] = (
    Preset(
        "vertical_step",
        QT_TRANSLATE_NOOP("Lab", "6x6 vertical edge"),
        QT_TRANSLATE_NOOP(
            "Lab", "The classic example: a bright left half next to a dark right half."
        ),
        _rows(*[(10, 10, 10, 0, 0, 0)] * 6),
    ),
    Preset(
        "horizontal_step",
        QT_TRANSLATE_NOOP("Lab", "6x6 horizontal edge"),
        QT_TRANSLATE_NOOP("Lab", "A bright top half above a dark bottom half."),
        _rows(*([(10,) * 6] * 3 + [(0,) * 6] * 3)),
    ),
    Preset(
        "pooling_4x4",
        QT_TRANSLATE_NOOP("Lab", "4x4 pooling example"),
        QT_TRANSLATE_NOOP("Lab", "Max pooling 2x2 with stride 2 gives 9 2 / 6 3."),
        _rows((1, 3, 2, 1), (2, 9, 1, 1), (1, 3, 2, 3), (5, 6, 1, 2)),
    ),
    Preset(
        "digit_patch",
        QT_TRANSLATE_NOOP("Lab", "5x5 grey patch"),
        QT_TRANSLATE_NOOP("Lab", "Pixel values 0 to 255, as a photo's pixels are."),
        _rows(
            (206, 205, 201, 198, 190),
            (204, 203, 200, 196, 188),
            (200, 199, 196, 191, 184),
            (195, 193, 190, 186, 178),
            (188, 186, 183, 179, 172),
        ),
    ),
    Preset(
        "diagonal",
        QT_TRANSLATE_NOOP("Lab", "7x7 diagonal line"),
        QT_TRANSLATE_NOOP(
            "Lab", "A bright diagonal on a dark background, for edge kernels in both directions."
        ),
        _rows(*[tuple(255 if c == r else 0 for c in range(7)) for r in range(7)]),
    ),
)


def kernel_preset(key: str) -> Preset:
    """The kernel preset named ``key`` (``sobel_x``, ``gaussian_blur``, ...)."""
    return _find(KERNELS, key, "kernel")


def image_preset(key: str) -> Preset:
    """The example matrix named ``key`` (``vertical_step``, ``pooling_4x4``, ...)."""
    return _find(IMAGES, key, "example matrix")


def _find(presets: tuple[Preset, ...], key: str, what: str) -> Preset:
    for preset in presets:
        if preset.key == key:
            return preset
    names = ", ".join(p.key for p in presets)
    raise KeyError(f"no {what} preset {key!r}; the presets are {names}")
