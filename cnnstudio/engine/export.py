"""Exporting a design: Python code, TorchScript, a torch.export program or ONNX.

Every format starts from the one module `build_model` makes (which runs the code the Python
export writes), so all four carry the same state_dict and compute the same outputs. The weights
are the design's seeded initialization unless a trainer checkpoint or a plain state_dict is
given. Files are written atomically: each goes to a temporary file in the target folder that
replaces the target only when everything is complete, so a failure leaves no partial file.

torch is imported only when an export runs, so the command line and the GUI can list the
formats (`EXPORT_FORMATS`) without loading it.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.analysis import Analysis, analyze
from ..core.atomic_file import AtomicFile, atomic_write
from ..core.design import Design
from ..core.errors import CnnStudioError, DesignInvalidError
from ..core.formatting import first_line, fmt_shape
from .builder import build_model
from .codegen import generate_code

if TYPE_CHECKING:
    import torch

__all__ = [
    "EXPORT_FORMATS",
    "ONNX_MISSING",
    "ExportError",
    "ExportFormat",
    "apply_weights",
    "export_design",
    "load_weights",
    "save_weights",
]

ONNX_MISSING = 'ONNX export needs the onnx extra: pip install "cnnstudio[onnx]"'

# Batch size the graph exporters trace with: a batch of 1 would let torch.export specialize
# the batch axis to the constant 1 instead of keeping it symbolic.
_TRACE_BATCH = 2


class ExportError(CnnStudioError):
    """An export that cannot be done; ``str(err)`` is one line that says why."""


@dataclass(frozen=True)
class ExportFormat:
    """One export format as menus and ``--help`` present it."""

    name: str
    title: str
    description: str
    suffix: str


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "python",
            "Python code",
            "a standalone .py file with the nn.Module class (imports only torch); "
            "with weights, the state_dict is saved beside it as .pt",
            ".py",
        ),
        ExportFormat(
            "torchscript",
            "TorchScript",
            "a torch.jit archive for torch.jit.load (deprecated upstream: prefer exported-program)",
            ".pt",
        ),
        ExportFormat(
            "exported-program",
            "torch.export program",
            "a .pt2 archive for torch.export.load, with a dynamic batch axis (recommended)",
            ".pt2",
        ),
        ExportFormat(
            "onnx",
            "ONNX",
            "an ONNX model with a dynamic batch axis, checked with onnx.checker "
            '(needs pip install "cnnstudio[onnx]")',
            ".onnx",
        ),
        ExportFormat(
            "train-script",
            "training script",
            "a standalone train.py (torch and torchvision only) with the model, data, optimizer "
            "and schedule chosen in the app; runs with python and with torchrun",
            ".py",
        ),
    )
}
"""Every export format by name, in menu order."""


def export_design(
    design: Design,
    fmt: str,
    out_path: str | os.PathLike[str],
    *,
    weights: str | os.PathLike[str] | Mapping[str, torch.Tensor] | None = None,
    seed: int = 0,
) -> list[Path]:
    """Export ``design`` as ``fmt`` (a key of `EXPORT_FORMATS`) to ``out_path``.

    ``weights`` is a checkpoint written by the trainer, a file holding a plain state_dict, or
    a state_dict; without it the weights are the seeded initialization ``build_model(design,
    seed=seed)``. The graph formats are exported in eval mode (Dropout off, BatchNorm on its
    running statistics). Returns the files written (the Python format with weights writes the
    state_dict beside the code, as ``out_path`` with suffix ``.pt``).

    Raises `DesignInvalidError` for a design with errors and `ExportError` for anything else.
    """
    if fmt not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
    analysis = analyze(design)
    if not analysis.valid:
        raise DesignInvalidError(
            [d.message for d in analysis.errors] or ["the design has no output layer"]
        )
    out = Path(out_path)
    if out.is_dir():
        raise ExportError(f"{out} is a folder: give the file to write")
    weights_out = out.with_suffix(".pt") if fmt == "python" and weights is not None else None
    if weights_out is not None and weights_out == out:
        raise ExportError(f"{out}: the Python export needs another suffix than .pt (try .py)")
    if fmt == "onnx":
        _require_onnx()  # before the slow part, so a missing extra fails at once
    if fmt == "train-script":
        # The script trains from scratch with the design's own training settings.
        from .train_script import write_train_script

        try:
            written = [Path(write_train_script(design, design.training, out))]
            if (design.training or {}).get("dataset", "digits") == "digits":
                # The script reads the digits beside itself: put them there.
                data = out.with_name("digits.npz")
                if not data.exists():
                    source = resources.files("cnnstudio.resources") / "digits.npz"
                    atomic_write(data, source.read_bytes())
                    written.append(data)
        except OSError as exc:
            raise ExportError(f"{out}: cannot be written ({_os_reason(exc)})") from None
        return written

    with _Staging() as staging:
        staging.reserve(out)
        if weights_out is not None:
            staging.reserve(weights_out)
        return _export(design, analysis, fmt, out, weights_out, weights, seed, staging)


def _export(
    design: Design,
    analysis: Analysis,
    fmt: str,
    out: Path,
    weights_out: Path | None,
    weights: str | os.PathLike[str] | Mapping[str, torch.Tensor] | None,
    seed: int,
    staging: _Staging,
) -> list[Path]:
    model = build_model(design, seed=seed, analysis=analysis)
    if weights is not None:
        if isinstance(weights, Mapping):
            apply_weights(model, weights, "the given weights")
        else:
            apply_weights(model, load_weights(weights), str(weights))
    model.eval()
    if fmt == "python":
        code = generate_code(
            design,
            analysis,
            weights_file=weights_out.name if weights_out is not None else None,
        )
        staging.write(out, lambda f: _write_bytes(f, code.source.encode("utf-8")))
        if weights_out is not None:
            state = model.state_dict()
            staging.write(weights_out, lambda f: _torch_save(state, f))
    elif fmt == "torchscript":
        staging.write(out, lambda f: _save_torchscript(model, f))
    elif fmt == "exported-program":
        program = _export_program(model, analysis)
        staging.write(out, lambda f: _save_program(program, f))
    else:
        data = _onnx_bytes(model, analysis)
        staging.write(out, lambda f: _write_bytes(f, data))
    return staging.commit()


# -- weights ------------------------------------------------------------------------------------
def load_weights(path: str | os.PathLike[str]) -> dict[str, torch.Tensor]:
    """The model state of a trainer checkpoint or of a ``torch.save(state_dict)`` file.

    Loads with ``weights_only=True``, so a file cannot run code. Raises `ExportError`.
    """
    import torch

    from .checkpoint import CHECKPOINT_FORMAT, CheckpointError, load_checkpoint, torch_load_reason

    source = Path(path)
    try:
        with warnings.catch_warnings():
            # torch.load notices a TorchScript archive with a warning before refusing it.
            warnings.filterwarnings("ignore", ".*TorchScript archive", UserWarning)
            raw = torch.load(source, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ExportError(f"weights file {source} does not exist") from None
    except IsADirectoryError:
        raise ExportError(f"weights file {source} is a folder") from None
    except (OSError, RuntimeError, EOFError, ValueError, pickle.UnpicklingError) as exc:
        if "TorchScript" in str(exc):
            raise ExportError(
                f"{source} is a TorchScript model, not a checkpoint or a state_dict"
            ) from None
        raise ExportError(
            f"{source} is not a checkpoint or a state_dict: {torch_load_reason(exc)}"
        ) from None
    except zipfile.BadZipFile as exc:
        raise ExportError(f"{source} is corrupt: {first_line(exc)}") from None
    if isinstance(raw, dict) and raw.get("format") == CHECKPOINT_FORMAT:
        try:
            return load_checkpoint(source).model_state
        except CheckpointError as exc:
            raise ExportError(str(exc)) from None
    if (
        isinstance(raw, Mapping)
        and raw
        and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in raw.items())
    ):
        return dict(raw)
    raise ExportError(f"{source} holds neither a cnnstudio checkpoint nor a state_dict")


def save_weights(state: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write a state_dict as ``torch.save`` does, atomically: the file is whole or untouched.

    The archive is built in memory first (see `_write_bytes`'s note on torch's zip writer), so
    a full disk gives an `OSError` rather than an abort."""
    import torch

    buffer = io.BytesIO()
    torch.save(state, buffer)
    atomic_write(Path(path), buffer.getvalue())


def apply_weights(
    model: torch.nn.Module, state: Mapping[str, Any], source: str = "the weights"
) -> None:
    """Load ``state`` into ``model`` after checking every key and shape.

    Raises `ExportError` naming the first key that is missing, unexpected or of another shape.
    """
    import torch

    expected = model.state_dict()
    for key, tensor in expected.items():
        if key not in state:
            raise ExportError(f"{source} do not fit the design: {key} is missing")
        got = state[key]
        if not isinstance(got, torch.Tensor):
            raise ExportError(f"{source} do not fit the design: {key} is not a tensor")
        if tuple(got.shape) != tuple(tensor.shape):
            raise ExportError(
                f"{source} do not fit the design: {key} has shape {_shape(got.shape)} "
                f"but the design needs {_shape(tensor.shape)}"
            )
    for key in state:
        if key not in expected:
            raise ExportError(f"{source} do not fit the design: it has {key}, the design has not")
    model.load_state_dict(dict(state), strict=True)


def _shape(shape: Any) -> str:
    return fmt_shape(tuple(shape)) if len(shape) else "a scalar"


# -- the formats --------------------------------------------------------------------------------
def _torch_save(obj: Any, path: str) -> None:
    import torch

    buffer = io.BytesIO()
    torch.save(obj, buffer)
    _write_bytes(path, buffer.getbuffer())


# torch's archive writers (torch.save, torch.jit.save, torch.export.save) write through a C++
# zip writer. When the disk fills up, the Python error arrives, but the half-written writer
# throws again when it is destroyed later and the process aborts (c10::Error, exit 134). So
# every archive is written into memory first and only the finished bytes go to the disk, by
# `_write_bytes`, whose failure is a plain OSError.


@contextlib.contextmanager
def _quiet_torchscript() -> Iterator[None]:
    """Silence only torch's deprecation notices of TorchScript, not other warnings."""
    with warnings.catch_warnings():
        for category in (FutureWarning, DeprecationWarning):
            warnings.filterwarnings("ignore", r"`torch\.jit\.\w+` is deprecated", category)
            warnings.filterwarnings("ignore", r".*TorchScript.*deprecated", category)
        yield


# Loggers of the exporters; their debug chatter is silenced while an export runs.
_EXPORTER_LOGGERS = ("torch", "onnx", "onnxscript", "onnx_ir")


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Raise the exporters' loggers to CRITICAL for the duration (failures still raise).

    The dynamo-based exporters log thousands of debug records; with an application (or
    pytest) handler on the root logger, formatting them costs more than the export itself.
    """
    manager = logging.Logger.manager
    saved = []
    for name, log in list(manager.loggerDict.items()):
        if isinstance(log, logging.Logger) and name.split(".")[0] in _EXPORTER_LOGGERS:
            saved.append((log, log.level))
            log.setLevel(logging.CRITICAL)
    roots = [logging.getLogger(name) for name in _EXPORTER_LOGGERS]
    saved += [(log, log.level) for log in roots]
    for log in roots:
        log.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for log, level in reversed(saved):
            log.setLevel(level)


def _save_torchscript(model: torch.nn.Module, path: str) -> None:
    import torch

    with _quiet_torchscript():
        try:
            scripted = torch.jit.script(model)
        except Exception as exc:
            raise ExportError(f"TorchScript export failed: {first_line(exc)}") from None
        buffer = io.BytesIO()
        torch.jit.save(scripted, buffer)
    _write_bytes(path, buffer.getbuffer())


def _example(analysis: Analysis) -> torch.Tensor:
    import torch

    assert analysis.input_id is not None
    shape = analysis.layers[analysis.input_id].output_shape
    assert shape is not None
    return torch.zeros(_TRACE_BATCH, *shape)


def _export_program(model: torch.nn.Module, analysis: Analysis) -> Any:
    import torch

    batch = torch.export.Dim("batch", min=1)
    try:
        with _quiet_logs():
            return torch.export.export(model, (_example(analysis),), dynamic_shapes=({0: batch},))
    except Exception as exc:
        raise ExportError(f"torch.export failed: {first_line(exc)}") from None


def _save_program(program: Any, path: str) -> None:
    import torch

    # A file object: given a path, torch.export.save logs a warning unless it ends in .pt2.
    buffer = io.BytesIO()
    with _quiet_logs():
        torch.export.save(program, buffer)
    _write_bytes(path, buffer.getbuffer())


def _require_onnx() -> None:
    try:
        import onnx  # noqa: F401
        import onnxscript  # noqa: F401
    except ImportError:
        raise ExportError(ONNX_MISSING) from None


def _onnx_bytes(model: torch.nn.Module, analysis: Analysis) -> bytes:
    import onnx
    import torch

    batch = torch.export.Dim("batch", min=1)
    chatter = io.StringIO()
    # The dynamo exporter reports each step on stdout and warns about its internals; the
    # command's own output must stay one line, so both are caught here.
    try:
        with (
            contextlib.redirect_stdout(chatter),
            contextlib.redirect_stderr(chatter),
            warnings.catch_warnings(),
            _quiet_logs(),
        ):
            warnings.simplefilter("ignore")
            program = torch.onnx.export(
                model,
                (_example(analysis),),
                dynamo=True,
                dynamic_shapes=({0: batch},),
                input_names=[analysis.input_id or "input"],
                output_names=[analysis.output_id or "output"],
                external_data=False,
                verbose=False,
            )
        assert program is not None
        proto = program.model_proto
        onnx.checker.check_model(proto, full_check=True)
        return proto.SerializeToString()
    except Exception as exc:
        raise ExportError(f"ONNX export failed: {first_line(exc)}") from None


# -- atomic writes ------------------------------------------------------------------------------
class _Staging:
    """Files written to temporaries beside their targets, renamed into place together.

    `reserve` creates the temporaries before the slow work starts, so an unwritable target
    (or one that is not a regular file, such as ``/dev/null``) fails at once; leaving the
    ``with`` block without `commit` removes them. Each target goes through `AtomicFile`: a
    symlink is written through to its target.
    """

    def __init__(self) -> None:
        self._pending: dict[Path, AtomicFile] = {}

    def __enter__(self) -> _Staging:
        return self

    def __exit__(self, *exc: object) -> None:
        for staged in self._pending.values():
            staged.discard()
        self._pending.clear()

    def reserve(self, target: Path) -> None:
        """Create the temporary file of ``target`` (it gets the old file's mode, or 0666 less
        the umask for a new one, like open())."""
        try:
            self._pending[target] = AtomicFile(target)
        except OSError as exc:
            raise ExportError(f"{target}: cannot be written ({_os_reason(exc)})") from None

    def write(self, target: Path, writer: Callable[[str], None]) -> None:
        """Run ``writer`` on the temporary path of ``target``."""
        if target not in self._pending:
            self.reserve(target)
        staged = self._pending[target]
        try:
            writer(staged.temp_path)
            staged.sync()
        except ExportError:
            raise
        except (OSError, RuntimeError) as exc:
            raise ExportError(f"{target}: cannot be written ({_os_reason(exc)})") from None

    def commit(self) -> list[Path]:
        """Move every temporary onto its target; returns the targets."""
        done: list[Path] = []
        try:
            for target, staged in self._pending.items():
                staged.commit()
                done.append(target)
        except OSError as exc:
            raise ExportError(f"{target}: cannot be written ({_os_reason(exc)})") from None
        finally:
            for target in done:
                del self._pending[target]
        return done


def _write_bytes(path: str, data: bytes | memoryview) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _os_reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return first_line(exc)
