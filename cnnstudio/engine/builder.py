"""Building the torch module of a design by running the code the Python exporter writes.

One source of truth: the module the app trains, the Python export, TorchScript, torch.export
and ONNX all come from `generate_code`. The source is registered with ``linecache`` so that
tracebacks, ``inspect`` and ``torch.jit.script`` can read it like a real file.
"""

from __future__ import annotations

import itertools
import linecache
import os
import sys
import types
from typing import TYPE_CHECKING

from ..core.analysis import Analysis
from ..core.design import Design
from ..core.errors import CnnStudioError
from ..core.limits import fmt_big_bytes
from .codegen import GeneratedCode, generate_code

if TYPE_CHECKING:
    import torch

_counter = itertools.count(1)


def load_generated(code: GeneratedCode) -> type[torch.nn.Module]:
    """Execute generated source as a module of its own and return the model class."""
    module_name = f"cnnstudio_generated_{next(_counter)}"
    filename = f"<cnnstudio:{module_name}>"
    module = types.ModuleType(module_name)
    module.__file__ = filename
    entry = (len(code.source), None, code.source.splitlines(True), filename)
    linecache.cache[filename] = entry
    frozen_root = getattr(sys, "_MEIPASS", None) if getattr(sys, "frozen", False) else None
    if frozen_root:
        # In a PyInstaller app, its inspect hook takes every relative filename for one of the
        # bundled modules and looks for it under the bundle folder: register the source there
        # too, or torch.jit.script finds no source for the model.
        linecache.cache[os.path.join(os.path.normpath(frozen_root), filename)] = entry
    # Registered in sys.modules so that inspect (used by torch.jit.script) finds the source.
    sys.modules[module_name] = module
    exec(compile(code.source, filename, "exec"), module.__dict__)
    return module.__dict__[code.class_name]


def build_model(
    design: Design, *, seed: int | None = 0, analysis: Analysis | None = None
) -> torch.nn.Module:
    """The design as a torch module; weights are seeded (``seed=None`` leaves torch's RNG alone).

    Raises `DesignInvalidError` listing the layer errors when the design is not valid.
    """
    import torch

    code = generate_code(design, analysis)
    cls = load_generated(code)
    try:
        if seed is None:
            return cls()
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            return cls()
    except (MemoryError, RuntimeError) as exc:
        # The analysis refuses what no machine can build; a model that fits some machine but
        # not this one fails here, where torch allocates the weights.
        if isinstance(exc, RuntimeError) and "allocate" not in str(exc):
            raise
        raise ModelBuildError(
            "not enough memory to build the model here: its parameters need "
            f"{fmt_big_bytes(_param_bytes(design, analysis))} (float32)"
        ) from None


class ModelBuildError(CnnStudioError):
    """The module of a valid design cannot be built on this machine (out of memory)."""


def _param_bytes(design: Design, analysis: Analysis | None) -> int:
    from ..core.analysis import analyze

    return (analysis if analysis is not None else analyze(design)).size_bytes
