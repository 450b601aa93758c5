"""Reading and writing design files (``.cnn.json``, format version 1; see docs/design-format.md).

Loading refuses only what is not a design at all (not JSON, wrong ``format``, no ``layers``,
a newer ``version``, a layer without ``id``/``type``) with a `DesignError` whose one-line
message names the file. Everything else loads, and the analysis reports it.

Saving is stable (same design, same bytes: fixed key order, one layer per line, so designs
diff well in git) and atomic (temporary file, fsync, replace), keeping the previous version
as ``<file>.bak``.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .catalog import SPECS
from .design import Design, Layer
from .errors import DesignError

FORMAT = "cnnstudio-design"
VERSION = 1
SUFFIX = ".cnn.json"

# Migrations from older versions: MIGRATIONS[n] turns a version-n document into version n+1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}

_LAYER_KEYS = ("id", "type", "inputs", "params", "frozen", "label", "pos")


def load_design(source: str | os.PathLike[str] | dict[str, Any]) -> Design:
    """Load a design from a path, a JSON string of a path, or an already parsed dict."""
    if isinstance(source, dict):
        return design_from_dict(source, "design")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DesignError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DesignError(f"{path}: is a folder, not a design file") from None
    except UnicodeDecodeError:
        raise DesignError(f"{path}: not a text file (a design is UTF-8 JSON)") from None
    except OSError as exc:
        raise DesignError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return loads_design(text, str(path))


def loads_design(text: str, origin: str = "design") -> Design:
    """Parse a design from JSON text; ``origin`` names it in error messages."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DesignError(
            f"{origin}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise DesignError(f"{origin}: not valid JSON (nested too deeply)") from None
    return design_from_dict(doc, origin)


def design_from_dict(doc: Any, origin: str = "design") -> Design:
    """Build a `Design` from a parsed document, migrating older versions."""
    if not isinstance(doc, dict):
        raise DesignError(f"{origin}: not a cnnstudio design (the document is not a JSON object)")
    if doc.get("format") != FORMAT:
        found = doc.get("format")
        what = 'no "format" key' if found is None else f'"format" is {json.dumps(found)[:40]}'
        raise DesignError(f'{origin}: not a cnnstudio design ({what}, expected "{FORMAT}")')
    version = doc.get("version")
    if type(version) is not int or version < 1:
        raise DesignError(
            f'{origin}: "version" must be a positive integer, got {json.dumps(version)[:40]}'
        )
    if version > VERSION:
        raise DesignError(
            f"{origin}: written by a newer cnnstudio (format version {version}; this one reads "
            f"up to {VERSION}): update cnnstudio to open it"
        )
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    raw_layers = doc.get("layers")
    if not isinstance(raw_layers, list):
        what = 'no "layers" list' if raw_layers is None else '"layers" is not a list'
        raise DesignError(f"{origin}: not a cnnstudio design ({what})")
    layers: list[Layer] = []
    seen: set[str] = set()
    for n, raw in enumerate(raw_layers, 1):
        layer = _layer_from_dict(raw, n, origin)
        if layer.id in seen:
            raise DesignError(f"{origin}: layer id {layer.id!r} is used twice (ids must be unique)")
        seen.add(layer.id)
        layers.append(layer)
    name = doc.get("name", "Untitled")
    output = doc.get("output")
    training = doc.get("training")
    if not isinstance(name, str):
        raise DesignError(f'{origin}: "name" must be a string')
    if output is not None and not isinstance(output, str):
        raise DesignError(f'{origin}: "output" must be a layer id (a string)')
    if training is not None and not isinstance(training, dict):
        raise DesignError(f'{origin}: "training" must be an object')
    return Design(layers, name=name, output=output, training=training)


def _layer_from_dict(raw: Any, n: int, origin: str) -> Layer:
    where = f"{origin}: layer {n}"
    if not isinstance(raw, dict):
        raise DesignError(f"{where} is not an object")
    lid, typ = raw.get("id"), raw.get("type")
    if not isinstance(lid, str) or not lid:
        raise DesignError(f'{where} has no "id" (a non-empty string)')
    where = f"{origin}: layer {lid!r}"
    if not isinstance(typ, str):
        raise DesignError(f'{where} has no "type" (a string)')
    inputs = raw.get("inputs", [])
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise DesignError(f'{where}: "inputs" must be a list of layer ids')
    params = raw.get("params", {})
    if not isinstance(params, dict):
        raise DesignError(f'{where}: "params" must be an object')
    frozen = raw.get("frozen", False)
    if not isinstance(frozen, bool):
        raise DesignError(f'{where}: "frozen" must be true or false')
    label = raw.get("label")
    if label is not None and not isinstance(label, str):
        raise DesignError(f'{where}: "label" must be a string')
    pos = raw.get("pos")
    if pos is not None:
        ok = isinstance(pos, list) and len(pos) == 2
        ok = ok and all(type(v) in (int, float) for v in pos)
        if not ok:
            raise DesignError(f'{where}: "pos" must be [x, y]')
        pos = (float(pos[0]), float(pos[1]))
    group = raw.get("group")
    if group is not None and not isinstance(group, str):
        raise DesignError(f'{where}: "group" must be a string (a dotted module path)')
    return Layer(lid, typ, list(inputs), dict(params), frozen, label, pos, group)


def design_to_dict(design: Design) -> dict[str, Any]:
    """The design as a version-1 document with keys in the canonical order."""
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "name": design.name}
    if design.output is not None:
        doc["output"] = design.output
    doc["layers"] = [_layer_to_dict(lay) for lay in design]
    if design.training:
        doc["training"] = design.training
    return doc


def _layer_to_dict(layer: Layer) -> dict[str, Any]:
    out: dict[str, Any] = {"id": layer.id, "type": layer.type}
    if layer.inputs or layer.type != "Input":
        out["inputs"] = list(layer.inputs)
    if layer.params:
        spec = SPECS.get(layer.type)
        order = list(spec.param_map) if spec else []
        # Known parameters in catalog order, unknown ones (kept so nothing is lost) sorted after.
        keys = [k for k in order if k in layer.params]
        keys += sorted(k for k in layer.params if k not in order)
        out["params"] = {k: layer.params[k] for k in keys}
    if layer.frozen:
        out["frozen"] = True
    if layer.label is not None:
        out["label"] = layer.label
    if layer.pos is not None:
        out["pos"] = [_num(layer.pos[0]), _num(layer.pos[1])]
    if layer.group is not None:
        out["group"] = layer.group
    return out


def _num(v: float) -> int | float:
    r = round(v, 1)
    return int(r) if r == int(r) else r


def dumps_design(design: Design) -> str:
    """Canonical text of a design: top-level keys one per line, one layer per line."""
    doc = design_to_dict(design)
    lines = ["{"]
    items = list(doc.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key == "layers":
            lines.append('  "layers": [')
            for j, layer in enumerate(value):
                sep = "," if j < len(value) - 1 else ""
                lines.append("    " + json.dumps(layer, ensure_ascii=False) + sep)
            lines.append("  ]" + comma)
        elif key == "training":
            body = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True)
            lines.append(f'  "training": {body.replace(chr(10), chr(10) + "  ")}{comma}')
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def atomic_write(path: str | os.PathLike[str], data: bytes, *, backup: bool = False) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half.

    With ``backup``, the previous content is kept as ``<path>.bak`` (itself replaced atomically).
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        if hasattr(os, "fchmod"):
            # mkstemp makes owner-only files; a saved design keeps the usual permissions.
            os.fchmod(fd, _file_mode(path))
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if backup and path.is_file():
            bak = path.with_name(path.name + ".bak")
            fd2, tmp_bak = tempfile.mkstemp(prefix=f".{bak.name}.", suffix=".tmp", dir=folder)
            try:
                with os.fdopen(fd2, "wb") as fh:
                    fh.write(path.read_bytes())
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp_bak, bak)
            except BaseException:
                _unlink_quietly(tmp_bak)
                raise
        os.replace(tmp, path)
    except BaseException:
        _unlink_quietly(tmp)
        raise
    fsync_dir(folder)


def _file_mode(path: Path) -> int:
    """The mode of the file being replaced, or what a new file gets under the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def fsync_dir(folder: Path) -> None:
    """Make a rename inside ``folder`` durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def save_design(design: Design, path: str | os.PathLike[str], *, backup: bool = True) -> None:
    """Save atomically in the canonical form; raises `DesignError` when the path is unwritable."""
    try:
        atomic_write(path, dumps_design(design).encode("utf-8"), backup=backup)
    except OSError as exc:
        raise DesignError(f"{path}: cannot be written ({exc.strerror or exc})") from None
