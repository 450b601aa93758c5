"""Where a model comes from: ``torchvision:NAME``, ``FILE.py:NAME`` or ``FILE.pt2``.

Each source builds the ``nn.Module`` while the constructor calls are recorded (opaque blocks
are rebuilt from them) and proposes an input shape. Problems are one-line errors:
`ImportSourceError` for a source that is not there, `ImportModelError` for a model that fails.
"""

from __future__ import annotations

import difflib
import importlib.util
import inspect
import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from .ctor import Calls, record_constructors
from .errors import ImportModelError, ImportSourceError

TORCHVISION = "torchvision:"
# torchvision's model families that are not single-tensor classifiers, and why.
_NOT_CLASSIFIERS = {
    "detection": "a detection model: its outputs (boxes, labels, scores) have data-dependent "
    "shapes, which a design cannot express",
    "segmentation": "a segmentation model: it returns a dict of maps, not one tensor",
    "video": "a video model: it takes 5-axis clips, designs take up to 3 axes per sample",
    "optical_flow": "an optical-flow model: it takes two images and returns a list of flows",
    "quantization": "a quantized model: its integer kernels have no design blocks",
}


@dataclass
class Built:
    """A model built from a source, with what its construction recorded."""

    model: nn.Module
    name: str
    calls: Calls
    input_shape: tuple[int, ...] | None


def classification_models() -> list[str]:
    """Every classification builder of the installed torchvision, sorted."""
    import torchvision

    return sorted(torchvision.models.list_models(module=torchvision.models))


def build(source: str, *, pretrained: bool = False) -> Built:
    """Build the module ``source`` names (see the module docstring)."""
    if source.startswith(TORCHVISION):
        return _torchvision(source[len(TORCHVISION) :], pretrained)
    if pretrained:
        raise ImportSourceError("--pretrained applies to torchvision models only")
    if source.endswith(".pt2"):
        raise ImportSourceError("internal: .pt2 programs are loaded by load_program")
    path, sep, name = source.rpartition(":")
    if not sep or not path.endswith(".py") or not name:
        raise ImportSourceError(
            f"{source!r} is not a source: give torchvision:NAME, FILE.py:NAME or FILE.pt2"
        )
    return _from_file(Path(path), name)


def _torchvision(name: str, pretrained: bool) -> Built:
    import torchvision

    names = classification_models()
    if name not in names:
        everything = set(torchvision.models.list_models())
        if name in everything:
            for family, why in _NOT_CLASSIFIERS.items():
                module = getattr(torchvision.models, family, None)
                if module is not None and name in torchvision.models.list_models(module=module):
                    raise ImportModelError(f"torchvision:{name} is {why}")
        close = difflib.get_close_matches(name, names, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ImportSourceError(f"torchvision has no classification model {name!r}{hint}")
    weights = None
    if pretrained:
        weights = torchvision.models.get_model_weights(name).DEFAULT
        _ensure_weights(name, weights.url)
    with warnings.catch_warnings(), record_constructors() as calls:
        # GoogLeNet and Inception warn that their default init will change: not the user's news.
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", UserWarning)
        model = torchvision.models.get_model(name, weights=weights)
    crop = _crop_size(name)
    return Built(model, f"torchvision:{name}", calls, (3, crop, crop))


def weights_path(url: str) -> Path:
    """Where torchvision keeps (and looks for) a downloaded weights file."""
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(url)


def _ensure_weights(name: str, url: str) -> None:
    path = weights_path(url)
    if path.is_file():
        return
    try:
        torch.hub.download_url_to_file(url, str(path), progress=False)
    except Exception as exc:
        raise ImportModelError(
            f"cannot download the weights of {name} ({type(exc).__name__}); "
            f"put {os.path.basename(url)} (from {url}) at {path}"
        ) from None


def _crop_size(name: str) -> int:
    import torchvision

    try:
        weights = torchvision.models.get_model_weights(name).DEFAULT
        crop = weights.transforms.keywords.get("crop_size", 224)
    except (ValueError, AttributeError, KeyError):
        return 224
    return int(crop[0] if isinstance(crop, (list, tuple)) else crop)


def _from_file(path: Path, name: str) -> Built:
    if not path.is_file():
        raise ImportSourceError(f"{path}: no such file")
    module_name = path.stem if path.stem.isidentifier() else "user_model"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportSourceError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    # Registered, so that the opaque blocks' code (``import model``) finds it in this process.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        sys.modules.pop(module_name, None)
        raise ImportModelError(f"{path}: running it failed: {_line(exc)}") from None
    target = getattr(module, name, None)
    if target is None:
        found = [
            n
            for n, v in vars(module).items()
            if not n.startswith("_")
            and getattr(v, "__module__", None) == module_name
            and (inspect.isfunction(v) or (isinstance(v, type) and issubclass(v, nn.Module)))
        ]
        listing = ", ".join(sorted(found)) or "none"
        raise ImportSourceError(f"{path} has no {name!r} (its modules and functions: {listing})")
    with record_constructors() as calls:
        if isinstance(target, type) and issubclass(target, nn.Module):
            needed = _required_arguments(target)
            if needed:
                raise ImportSourceError(
                    f"{name} needs the arguments {', '.join(needed)}; write a function that "
                    f"builds it and import FILE.py:that_function"
                )
            model = _call(path, name, target)
        elif inspect.isfunction(target):
            needed = _required_arguments(target)
            if needed:
                raise ImportSourceError(
                    f"{name} needs the arguments {', '.join(needed)}; it must build the model "
                    "without arguments"
                )
            model = _call(path, name, target)
            if not isinstance(model, nn.Module):
                raise ImportSourceError(
                    f"{name}() returned a {type(model).__name__}, not a torch nn.Module"
                )
        else:
            raise ImportSourceError(
                f"{name} is a {type(target).__name__}, not an nn.Module class or a function"
            )
    shape = getattr(model, "input_shape", None)
    return Built(
        model, name, calls, tuple(shape) if shape is not None and _is_shape(shape) else None
    )


def _is_shape(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and all(isinstance(v, int) and v > 0 for v in value)


def _required_arguments(fn: Any) -> list[str]:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    return [
        n
        for n, p in sig.parameters.items()
        if p.default is inspect.Parameter.empty
        and p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    ]


def _call(path: Path, name: str, fn: Any) -> Any:
    try:
        return fn()
    except Exception as exc:
        raise ImportModelError(f"{path}: building {name} failed: {_line(exc)}") from None


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def load_program(path: Path) -> Any:
    """The `torch.export.ExportedProgram` saved at ``path``."""
    if not path.is_file():
        raise ImportSourceError(f"{path}: no such file")
    # torch logs the deserializer's traceback before raising a generic error: keep its last
    # line (say, "schema version 9 does not match our current schema version 8") for the user.
    captured: list[str] = []

    class _Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(record.getMessage())
            if record.exc_info and record.exc_info[1] is not None:
                captured.append(str(record.exc_info[1]))

    logger = logging.getLogger("torch.export")
    handlers, propagate = logger.handlers, logger.propagate
    logger.handlers = [_Capture()]
    logger.propagate = False
    try:
        return torch.export.load(str(path))
    except Exception as exc:  # another torch version, a damaged file
        lines = [ln.strip() for text in captured for ln in text.splitlines() if ln.strip()]
        detail = lines[-1] if lines else _line(exc)
        raise ImportModelError(
            f"{path}: cannot load this torch.export program ({detail}); it may come from "
            f"another torch version (this is torch {torch.__version__})"
        ) from None
    finally:
        logger.handlers = handlers
        logger.propagate = propagate
